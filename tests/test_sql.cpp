// SQL text for database spans (tracewire/instrumentation/detail/sql.hpp): literals removed
// from db.query.text, db.query.summary as the database semantic conventions' examples
// give it, and the sqlcommenter comment.
#include <doctest/doctest.h>

#include <string>

#include "tracewire/instrumentation/detail/sql.hpp"

using tracewire::detail::sanitize_sql;
using tracewire::detail::sqlcommenter_comment;
using tracewire::detail::summarize_sql;
using tracewire::detail::with_sql_comment;

TEST_SUITE("core") {
  TEST_CASE("sanitize_sql: every literal becomes ?, parameters and names stay") {
    CHECK(sanitize_sql("SELECT * FROM users WHERE name = 'O''Brien' AND age > 42") ==
          "SELECT * FROM users WHERE name = ? AND age > ?");
    CHECK(sanitize_sql("SELECT 1.5e-3, .5, 0x1F, -7") == "SELECT ?, ?, ?, -?");
    CHECK(sanitize_sql("SELECT E'it\\'s', B'1010', X'ff', U&'d\\0061t', $$dollar 'quoted'$$, $fn$x$fn$") ==
          "SELECT ?, ?, ?, ?, ?, ?");
    CHECK(sanitize_sql("UPDATE t1 SET flag = TRUE, col2 = false WHERE id = $1") ==
          "UPDATE t1 SET flag = ?, col2 = ? WHERE id = $1");
    CHECK(sanitize_sql("SELECT \"it's\" FROM \"my table\" -- secret 'x'\nWHERE a = 1 /* also /* nested */ secret */") ==
          "SELECT \"it's\" FROM \"my table\" \nWHERE a = ?");
    CHECK(sanitize_sql("SELECT col1, tab2.col3 FROM tab2") == "SELECT col1, tab2.col3 FROM tab2");
    // An unterminated literal does not leak what follows it.
    CHECK(sanitize_sql("SELECT 'unterminated password") == "SELECT ?");
  }

  TEST_CASE("summarize_sql: the conventions' examples") {
    CHECK(summarize_sql("SELECT *\nFROM   wuser_table\nWHERE  username = ?") == "SELECT wuser_table");
    CHECK(summarize_sql("INSERT INTO shipping_details\n(order_id,\naddress)\nSELECT order_id,\naddress\nFROM   orders\n"
                        "WHERE  order_id = ?") == "INSERT shipping_details SELECT orders");
    CHECK(summarize_sql("SELECT *\nFROM   songs,\n       artists\nWHERE  songs.artist_id == artists.id") ==
          "SELECT songs artists");
    CHECK(
        summarize_sql("SELECT order_date\nFROM   (SELECT *\n        FROM   orders o\n               JOIN customers c\n"
                      "                 ON o.customer_id = c.customer_id)") == "SELECT SELECT orders customers");
    CHECK(summarize_sql("SELECT *\nFROM   \"song list\",\n       'artists'") == "SELECT \"song list\"");
  }

  TEST_CASE("summarize_sql: other statements") {
    CHECK(summarize_sql("SELECT pg_sleep(0.1)") == "SELECT");
    CHECK(summarize_sql("select * from public.users u, orders where u.id = 1 order by a, b") ==
          "select public.users orders");
    CHECK(summarize_sql("UPDATE accounts SET balance = balance - 1 WHERE id = $1") == "UPDATE accounts");
    CHECK(summarize_sql("DELETE FROM ONLY sessions WHERE expires < now()") == "DELETE sessions");
    CHECK(summarize_sql("CREATE TABLE IF NOT EXISTS items (id int primary key)") == "CREATE TABLE items");
    CHECK(summarize_sql("DROP INDEX items_idx") == "DROP INDEX items_idx");
    CHECK(summarize_sql("CALL refresh_totals(1, 2)") == "CALL refresh_totals");
    CHECK(summarize_sql("SELECT x FROM generate_series(1, 3) AS x") == "SELECT");
    CHECK(summarize_sql("BEGIN; INSERT INTO t VALUES (1); COMMIT") == "BEGIN INSERT t COMMIT");
    CHECK(summarize_sql("TRUNCATE TABLE logs") == "TRUNCATE logs");
    CHECK(summarize_sql("SELECT * FROM jobs WHERE state = 1 FOR UPDATE SKIP LOCKED") == "SELECT jobs");
    CHECK(summarize_sql("INSERT INTO kv VALUES ($1) ON CONFLICT (k) DO UPDATE SET v = 1") == "INSERT kv");
    CHECK(summarize_sql("WITH moved AS (DELETE FROM a RETURNING *) INSERT INTO b SELECT * FROM moved") ==
          "DELETE a INSERT b SELECT moved");
    CHECK(summarize_sql("-- nothing but a comment") == "");
    CHECK(summarize_sql("SELECT a FROM t WHERE b IN (SELECT c FROM u)") == "SELECT t SELECT u");
    std::string many = "SELECT * FROM ";
    for (int i = 0; i < 60; ++i) many += (i ? ", table_" : "table_") + std::to_string(i);
    const std::string summary = summarize_sql(many);
    CHECK(summary.size() <= 255);
    CHECK(summary.rfind("table_", std::string::npos) != std::string::npos);
    CHECK(summary.back() != '_');  // never cut inside a name
  }

  TEST_CASE("sqlcommenter: sorted, URL-encoded, appended before the final semicolon") {
    const std::string comment =
        sqlcommenter_comment({{"tracestate", "congo=t61rcWkgMzE,rojo=00f067aa0ba902b7"},
                              {"traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"}});
    // The example of the database conventions (and of the sqlcommenter specification).
    CHECK(comment ==
          "/*traceparent='00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',"
          "tracestate='congo%3Dt61rcWkgMzE%2Crojo%3D00f067aa0ba902b7'*/");
    CHECK(with_sql_comment("SELECT * FROM songs", "/*a='1'*/") == "SELECT * FROM songs /*a='1'*/");
    CHECK(with_sql_comment("SELECT 1;  \n", "/*a='1'*/") == "SELECT 1 /*a='1'*/;");
    // A statement that has a comment already is left alone.
    CHECK(with_sql_comment("SELECT 1 /* mine */", "/*a='1'*/") == "SELECT 1 /* mine */");
    CHECK(with_sql_comment("SELECT 1", "") == "SELECT 1");
    CHECK(sqlcommenter_comment({}).empty());
  }
}
