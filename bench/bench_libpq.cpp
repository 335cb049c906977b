// libpq instrumentation cost: a query with two literals to a real PostgreSQL server on
// loopback (started by the benchmark, as the tests start theirs: tests/support/
// postgres_server.hpp), with PQexec bare and through LibpqConnection::exec (client span,
// literals removed from db.query.text, the summary, the result's status read).
#include <benchmark/benchmark.h>

#if defined(TRACEWIRE_BENCH_WITH_LIBPQ)

#include <memory>
#include <stdexcept>
#include <string>

#include <libpq-fe.h>

#include "support/pipeline.hpp"
#include "support/postgres_server.hpp"
#include "tracewire/instrumentation/libpq.hpp"

namespace {

constexpr const char* query = "SELECT 'alice' AS owner, 4217 AS cart";

// One server and one connection for all the libpq benchmarks; null (and `problem` says why)
// if the server could not be started.
struct Database {
  std::unique_ptr<tracewire_test::PostgresServer> server;
  PGconn* connection = nullptr;
  std::string problem;

  Database() {
    try {
      server = std::make_unique<tracewire_test::PostgresServer>();
      connection = PQconnectdb(server->connection_string().c_str());
      if (PQstatus(connection) != CONNECTION_OK) problem = PQerrorMessage(connection);
    } catch (const std::exception& error) {
      problem = error.what();
    }
  }
  ~Database() { PQfinish(connection); }
};

Database& database() {
  static Database instance;
  return instance;
}

void BM_LibpqQueryBare(benchmark::State& state) {
  Database& db = database();
  if (!db.problem.empty()) return state.SkipWithError(db.problem.c_str());
  for (auto _ : state) {
    PGresult* result = PQexec(db.connection, query);
    const bool ok = PQresultStatus(result) == PGRES_TUPLES_OK;
    PQclear(result);
    if (!ok) return state.SkipWithError("the query failed");
  }
}
BENCHMARK(BM_LibpqQueryBare);

void BM_LibpqQueryTraced(benchmark::State& state) {
  Database& db = database();
  if (!db.problem.empty()) return state.SkipWithError(db.problem.c_str());
  tracewire::LibpqConnection traced(db.connection, tracewire_bench::sampled_pipeline().tracer);
  for (auto _ : state) {
    PGresult* result = traced.exec(query);
    const bool ok = PQresultStatus(result) == PGRES_TUPLES_OK;
    PQclear(result);
    if (!ok) return state.SkipWithError("the query failed");
  }
}
BENCHMARK(BM_LibpqQueryTraced);

}  // namespace

#endif
