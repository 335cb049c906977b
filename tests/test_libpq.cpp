// PostgreSQL through libpq (tracewire/instrumentation/libpq.hpp) against a real server the
// test starts itself (tests/support/postgres_server.hpp): queries that succeed, fail with a
// SQLSTATE, run asynchronously and in a pipeline; the sqlcommenter comment as the server
// receives it.
#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <vector>

#include <libpq-fe.h>

#include "support/postgres_server.hpp"
#include "support/recording_provider.hpp"
#include "support/span_attributes.hpp"
#include "tracewire/instrumentation/libpq.hpp"
#include "tracewire/propagation/trace_context_propagator.hpp"

using namespace tracewire;
using tracewire_test::int_attribute;
using tracewire_test::text_attribute;

namespace {

// One server for the whole suite (starting one takes a second or two).
tracewire_test::PostgresServer& server() {
  static tracewire_test::PostgresServer instance;
  return instance;
}

// A connection to the test server, closed at the end.
struct Connection {
  PGconn* connection = PQconnectdb(server().connection_string().c_str());
  Connection() { REQUIRE_MESSAGE(PQstatus(connection) == CONNECTION_OK, PQerrorMessage(connection)); }
  ~Connection() { PQfinish(connection); }
};

// The single value of a one-row, one-column result (and clears it).
std::string single_value(PGresult* result) {
  REQUIRE(result != nullptr);
  REQUIRE_MESSAGE(PQresultStatus(result) == PGRES_TUPLES_OK, PQresultErrorMessage(result));
  std::string value = PQgetvalue(result, 0, 0);
  PQclear(result);
  return value;
}

// A connection, a provider recording in memory, and the connection's traced wrapper.
struct Traced {
  Connection db;
  tracewire_test::RecordingProvider recorded;
  LibpqConnection traced{db.connection, recorded.tracer};
};

SpanData only_span(const tracewire_test::RecordingProvider& recorded) {
  const auto spans = recorded.spans->snapshot();
  REQUIRE(spans.size() == 1);
  return spans[0];
}

}  // namespace

TEST_SUITE("instrumentation") {
  TEST_CASE_FIXTURE(Traced,
                    "libpq: a query is a client span with the database conventions' attributes, literals removed") {
    SpanContext parent;
    {
      auto request = recorded.tracer.start_span("request");
      parent = request.context();
      CHECK(single_value(traced.exec("SELECT 'alice' || ' ' || 42 AS greeting")) == "alice 42");
    }
    const auto queries = tracewire_test::spans_named(recorded.spans->snapshot(), "SELECT");
    REQUIRE(queries.size() == 1);
    const SpanData& query = queries[0];
    CHECK(query.kind() == SpanKind::client);
    CHECK(query.trace_id() == parent.trace_id);
    CHECK(query.parent_span_id() == parent.span_id);
    CHECK(text_attribute(query, "db.system.name") == "postgresql");
    CHECK(text_attribute(query, "db.namespace") == "postgres");
    CHECK(text_attribute(query, "server.address") == "127.0.0.1");
    CHECK(int_attribute(query, "server.port") == server().port());
    CHECK(text_attribute(query, "db.query.text") == "SELECT ? || ? || ? AS greeting");
    CHECK(text_attribute(query, "db.query.summary") == "SELECT");
    CHECK(text_attribute(query, "db.operation.name") == "<absent>");  // never guessed from the text
    CHECK(text_attribute(query, "error.type") == "<absent>");
    CHECK(query.status_code() == StatusCode::unset);
  }

  TEST_CASE_FIXTURE(Traced, "libpq: a failing query records its SQLSTATE and the server's message") {
    PGresult* missing = traced.exec("SELECT * FROM no_such_table WHERE id = 7");
    CHECK(PQresultStatus(missing) == PGRES_FATAL_ERROR);
    PQclear(missing);
    PGresult* division = traced.exec("SELECT 1 / 0");
    PQclear(division);
    const auto spans = recorded.spans->snapshot();
    REQUIRE(spans.size() == 2);
    CHECK(spans[0].name() == "SELECT no_such_table");
    CHECK(text_attribute(spans[0], "db.response.status_code") == "42P01");  // undefined_table
    CHECK(text_attribute(spans[0], "error.type") == "42P01");
    CHECK(spans[0].status_code() == StatusCode::error);
    CHECK(spans[0].status_message() == "relation \"no_such_table\" does not exist");
    CHECK(text_attribute(spans[0], "db.query.text") == "SELECT * FROM no_such_table WHERE id = ?");
    CHECK(text_attribute(spans[1], "db.response.status_code") == "22012");  // division_by_zero
    CHECK(spans[1].status_message() == "division by zero");
  }

  TEST_CASE_FIXTURE(Traced, "libpq: PQexecParams's text is recorded as written; the caller may name the operation") {
    const char* values[] = {"41"};
    CHECK(single_value(traced.exec_params("SELECT $1::int + 1", 1, nullptr, values, nullptr, nullptr, 0,
                                          {"SELECT", "", "add one"})) == "42");
    const SpanData query = only_span(recorded);
    CHECK(query.name() == "add one");
    CHECK(text_attribute(query, "db.query.text") == "SELECT $1::int + 1");
    CHECK(text_attribute(query, "db.query.summary") == "add one");
    CHECK(text_attribute(query, "db.operation.name") == "SELECT");
  }

  TEST_CASE("libpq: keep_literals opts in to the text as written; record_query_text=false records none") {
    Connection db;
    tracewire_test::RecordingProvider recorded;
    LibpqOptions keep;
    keep.keep_literals = true;
    PQclear(LibpqConnection(db.connection, recorded.tracer, keep).exec("SELECT 'visible'"));
    LibpqOptions none;
    none.record_query_text = false;
    PQclear(LibpqConnection(db.connection, recorded.tracer, none).exec("SELECT 'hidden'"));
    const auto spans = recorded.spans->snapshot();
    REQUIRE(spans.size() == 2);
    CHECK(text_attribute(spans[0], "db.query.text") == "SELECT 'visible'");
    CHECK(text_attribute(spans[1], "db.query.text") == "<absent>");
  }

  TEST_CASE("libpq: the sqlcommenter comment reaches the server with the query span's traceparent") {
    Connection db;
    tracewire_test::RecordingProvider recorded;
    TraceContextPropagator w3c;
    LibpqOptions options;
    options.sql_comment = true;
    options.propagator = &w3c;
    LibpqConnection traced(db.connection, recorded.tracer, options);
    // current_query() is the text the server received.
    const std::string received = single_value(traced.exec("SELECT current_query()"));
    const SpanData query = only_span(recorded);
    const std::string traceparent = "00-" + query.trace_id().to_hex() + "-" + query.span_id().to_hex() + "-0";
    CHECK(received.rfind("SELECT current_query() /*traceparent='" + traceparent, 0) == 0);
    CHECK(received.substr(received.size() - 3) == "'*/");
    CHECK(server().log().find(traceparent) != std::string::npos);               // and so do its logs
    CHECK(text_attribute(query, "db.query.text") == "SELECT current_query()");  // without the comment
    // A query with a comment of its own goes as written.
    CHECK(single_value(traced.exec("SELECT current_query() /* mine */")) == "SELECT current_query() /* mine */");
  }

  TEST_CASE_FIXTURE(Traced, "libpq: an asynchronous query's span lasts until its last result") {
    LibpqQuery query = traced.send_query("SELECT pg_sleep(0.05), 'x'");
    REQUIRE(query.sent());
    CHECK(recorded.spans->size() == 0);  // still running
    int results = 0;
    while (PGresult* result = PQgetResult(db.connection)) {
      query.record(result);
      CHECK(PQresultStatus(result) == PGRES_TUPLES_OK);
      PQclear(result);
      ++results;
    }
    query.end();
    CHECK(results == 1);
    const SpanData span = only_span(recorded);
    CHECK(span.end_time_unix_nano() - span.start_time_unix_nano() >= 50'000'000);  // the server slept 50 ms
    CHECK(text_attribute(span, "db.query.text") == "SELECT pg_sleep(?), ?");
    CHECK(span.status_code() == StatusCode::unset);
  }

  TEST_CASE_FIXTURE(Traced, "libpq: a pipeline — one span per query, the failing one and those it aborted marked") {
    REQUIRE(PQenterPipelineMode(db.connection) == 1);
    const char* values[] = {"7"};
    std::vector<LibpqQuery> queries;
    queries.push_back(traced.send_query_params("SELECT $1::int * 6", 1, nullptr, values, nullptr, nullptr, 0));
    queries.push_back(traced.send_query_params("SELECT 1 / 0", 0, nullptr, nullptr, nullptr, nullptr, 0));
    queries.push_back(traced.send_query_params("SELECT $1::int", 1, nullptr, values, nullptr, nullptr, 0));
    for (const LibpqQuery& query : queries) REQUIRE(query.sent());
    REQUIRE(PQpipelineSync(db.connection) == 1);
    // Each query's results end with a null; then comes the sync's result.
    std::string first_value;
    for (LibpqQuery& query : queries) {
      while (PGresult* result = PQgetResult(db.connection)) {
        if (PQresultStatus(result) == PGRES_TUPLES_OK)
          first_value = first_value.empty() ? PQgetvalue(result, 0, 0) : first_value;
        query.record(result);
        PQclear(result);
      }
      query.end();
    }
    PGresult* sync = PQgetResult(db.connection);
    CHECK(PQresultStatus(sync) == PGRES_PIPELINE_SYNC);
    PQclear(sync);
    PQexitPipelineMode(db.connection);
    CHECK(first_value == "42");
    const auto spans = recorded.spans->snapshot();
    REQUIRE(spans.size() == 3);
    CHECK(spans[0].status_code() == StatusCode::unset);
    CHECK(text_attribute(spans[1], "db.response.status_code") == "22012");
    CHECK(spans[1].status_code() == StatusCode::error);
    CHECK(text_attribute(spans[2], "error.type") == "PIPELINE_ABORTED");
    CHECK(spans[2].status_code() == StatusCode::error);
    for (const SpanData& span : spans) CHECK(span.trace_id() != TraceId());
  }

  TEST_CASE_FIXTURE(Traced,
                    "libpq: a query refused by libpq ends its span at once; no current span means a new trace") {
    LibpqQuery first = traced.send_query("SELECT 1");
    REQUIRE(first.sent());
    LibpqQuery second = traced.send_query("SELECT 2");  // another query is still running
    CHECK_FALSE(second.sent());
    const SpanData refused = only_span(recorded);
    CHECK(refused.status_code() == StatusCode::error);
    CHECK(refused.status_message().find("another command is already in progress") != std::string_view::npos);
    CHECK(refused.parent_span_id() == SpanId());  // nothing was current: a root span
    while (PGresult* result = PQgetResult(db.connection)) PQclear(result);
    first.end();
  }
}
