// uservice4's real database query (`--postgres URL`): `SELECT pg_sleep(…)` through
// tracewire's libpq instrumentation, run on threads of its own so that the blocking libpq
// calls never hold up the io_context, with the completion posted back to the session.
#pragma once

#include <cstdio>
#include <string>
#include <utility>

#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <libpq-fe.h>
#include <tracewire/instrumentation/libpq.hpp>

#include "service.hpp"

namespace uservices {

/// Runs queries on a PostgreSQL server, one connection per pool thread (opened at its first
/// query, opened again after a failure), each query a client span of the database
/// conventions under the request's span.
class Postgres {
 public:
  Postgres(std::string connection_string, tracewire::Tracer tracer)
      : connection_string_(std::move(connection_string)), tracer_(std::move(tracer)) {}
  Postgres(const Postgres&) = delete;
  Postgres& operator=(const Postgres&) = delete;
  /// Waits for the queries under way (once the io_context has stopped, their answers are dropped).
  ~Postgres() { pool_.join(); }

  /// `SELECT pg_sleep(milliseconds / 1000)` in a span that is a child of `parent`; then
  /// `handler(error)` on `executor`, `error` empty on success, else libpq's message.
  template <class Handler>
  void sleep(int milliseconds, tracewire::Context parent, net::any_io_executor executor, Handler handler) {
    char query[64];
    std::snprintf(query, sizeof query, "SELECT pg_sleep(%d.%03d)", milliseconds / 1000, milliseconds % 1000);
    print_line(std::string("database query: ") + query);
    net::post(pool_, [this, query = std::string(query), parent = std::move(parent), executor = std::move(executor),
                      handler = std::move(handler)]() mutable {
      std::string error = run(query, parent);
      net::post(executor, [handler = std::move(handler), error = std::move(error)]() mutable { handler(error); });
    });
  }

 private:
  // The pool thread's connection, closed when the thread ends.
  struct Connection {
    PGconn* connection = nullptr;
    ~Connection() { PQfinish(connection); }
  };

  std::string run(const std::string& query, const tracewire::Context& parent) {
    thread_local Connection mine;
    if (mine.connection == nullptr || PQstatus(mine.connection) != CONNECTION_OK) {
      PQfinish(mine.connection);
      mine.connection = PQconnectdb(connection_string_.c_str());
      if (PQstatus(mine.connection) != CONNECTION_OK) {
        return "cannot connect: " + std::string(tracewire::detail::trim_newline(PQerrorMessage(mine.connection)));
      }
    }
    const tracewire::Scope scope(parent);  // the query's span is the request's child
    tracewire::LibpqConnection database(mine.connection, tracer_);
    tracewire::LibpqQueryInfo info;
    info.operation_name = "SELECT";
    PGresult* result = database.exec(query.c_str(), info);
    std::string error;
    if (PQresultStatus(result) != PGRES_TUPLES_OK)
      error = tracewire::detail::trim_newline(PQresultErrorMessage(result));
    PQclear(result);
    return error;
  }

  std::string connection_string_;
  tracewire::Tracer tracer_;
  net::thread_pool pool_{2};
};

}  // namespace uservices
