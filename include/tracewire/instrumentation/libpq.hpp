// PostgreSQL through libpq: PQexec, PQexecParams and the PQsendQuery family in client spans.
#pragma once

#if !__has_include(<libpq-fe.h>)
#error "tracewire/instrumentation/libpq.hpp needs libpq's headers (Debian: libpq-dev; CMake: link tracewire::libpq)"
#endif

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <libpq-fe.h>

#include "tracewire/instrumentation/detail/sql.hpp"
#include "tracewire/instrumentation/server_span.hpp"
#include "tracewire/propagation/global_propagator.hpp"
#include "tracewire/propagation/text_map_carrier.hpp"
#include "tracewire/semconv.hpp"
#include "tracewire/trace/tracer.hpp"

namespace tracewire {
inline namespace v0 {

/// How a `LibpqConnection` records and tags its queries.
struct LibpqOptions {
  /// Record `db.query.text`. A query written with parameters (`PQexecParams`) is recorded
  /// as written; one without (`PQexec`, `PQsendQuery`) with its literal values replaced by
  /// `?`, since they may be personal data or secrets, unless `keep_literals` opts in.
  bool record_query_text = true;
  bool keep_literals = false;
  /// Opt-in: append a sqlcommenter comment with the span's context to each query sent
  /// (`SELECT 1 /*traceparent='00-…-…-01'*/`), so that the server's logs and
  /// `pg_stat_activity` name the trace. The comment is not part of `db.query.text`. A query
  /// that has a comment of its own is sent unchanged, as sqlcommenter asks.
  bool sql_comment = false;
  /// Writes the comment's fields; the global propagator when null.
  const TextMapPropagator* propagator = nullptr;
};

/// What the application knows about one query that its text does not say.
struct LibpqQueryInfo {
  std::string_view operation_name;   ///< `db.operation.name`, e.g. "SELECT" (never guessed from the text)
  std::string_view collection_name;  ///< `db.collection.name`, e.g. "public.users"
  std::string_view summary;          ///< `db.query.summary`, instead of the one made from the text
};

namespace detail {

inline std::string_view trim_newline(const char* message) {
  std::string_view text = message ? message : "";
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.remove_suffix(1);
  return text;
}

/// Records one PGresult of a query: an error (SQLSTATE in `db.response.status_code` and
/// `error.type`, the primary message as the status description) or nothing. A null result
/// is a failure of the connection (libpq's message from `connection`).
inline void record_libpq_result(Span& span, const PGresult* result, const PGconn* connection) noexcept {
  if (!result) {
    span.set_attribute(semconv::error::type, "_OTHER");
    span.set_status(StatusCode::error, trim_newline(PQerrorMessage(connection)));
    return;
  }
  switch (PQresultStatus(result)) {
    case PGRES_FATAL_ERROR:
    case PGRES_BAD_RESPONSE: {
      const char* sqlstate = PQresultErrorField(result, PG_DIAG_SQLSTATE);
      if (sqlstate && *sqlstate) {
        span.set_attribute(semconv::db::response_status_code, std::string_view(sqlstate));
        span.set_attribute(semconv::error::type, std::string_view(sqlstate));
      } else {
        span.set_attribute(semconv::error::type, "_OTHER");
      }
      const char* primary = PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY);
      span.set_status(StatusCode::error, trim_newline(primary ? primary : PQresultErrorMessage(result)));
      break;
    }
#if defined(LIBPQ_HAS_PIPELINING)
    case PGRES_PIPELINE_ABORTED:
      span.set_attribute(semconv::error::type, "PIPELINE_ABORTED");
      span.set_status(StatusCode::error, "not run: an earlier query of the pipeline failed");
      break;
#endif
    default:
      break;
  }
}

}  // namespace detail

/// The client span of one asynchronous query (`LibpqConnection::send_query`): pass it every
/// PGresult `PQgetResult` returns for the query, and end it when PQgetResult returns null
/// (in pipeline mode, at the null that follows the query's results). Move-only; a
/// LibpqQuery destroyed before `end()` ends its span.
class LibpqQuery {
 public:
  LibpqQuery() = default;

  /// True if libpq accepted the query (`PQsendQuery*` returned 1). Otherwise the span has
  /// already ended with libpq's error.
  bool sent() const noexcept { return sent_; }
  /// Records a result of this query: a SQLSTATE error marks the span (see `LibpqConnection`).
  void record(const PGresult* result) noexcept {
    if (result) detail::record_libpq_result(span_, result, connection_);
  }
  void end() noexcept { span_.end(); }

  Span& span() noexcept { return span_; }
  const Span& span() const noexcept { return span_; }

 private:
  friend class LibpqConnection;
  LibpqQuery(Span span, PGconn* connection, bool sent) noexcept
      : span_(std::move(span)), connection_(connection), sent_(sent) {}

  Span span_;
  PGconn* connection_ = nullptr;
  bool sent_ = false;
};

/// A libpq connection whose queries are client spans, after the database semantic
/// conventions for PostgreSQL: `db.system.name` `postgresql`, `db.namespace` (the database
/// the connection was opened on), `server.address` and `server.port` (the host and port
/// libpq connected to; a Unix socket's directory as the address), `db.query.text` (see
/// `LibpqOptions`), `db.query.summary` (made from the text: `SELECT users`; it is also the
/// span's name), and on failure `db.response.status_code` and `error.type` (the SQLSTATE)
/// with an error status. Each span is a child of the current span and is not made current.
///
/// It wraps a `PGconn*` it does not own; its functions take and return what libpq's do,
/// and the caller still `PQclear`s the results. Not thread-safe, like a PGconn.
///
/// **Example**:
/// ```
/// tracewire::LibpqConnection db(PQconnectdb("host=db dbname=shop"), tracer);
/// PGresult* rows = db.exec("SELECT id FROM carts WHERE owner = 'alice'");  // db.query.text: ... owner = ?
/// PQclear(rows);
/// const char* values[] = {"42"};
/// PQclear(db.exec_params("DELETE FROM carts WHERE id = $1", 1, nullptr, values, nullptr, nullptr, 0));
/// ```
class LibpqConnection {
 public:
  LibpqConnection(PGconn* connection, Tracer tracer, LibpqOptions options = {})
      : connection_(connection), tracer_(std::move(tracer)), options_(options) {}

  PGconn* get() const noexcept { return connection_; }

  /// `PQexec(connection, query)` in a span.
  PGresult* exec(const char* query, const LibpqQueryInfo& info = {}) {
    Span span = start(query, false, info);
    PGresult* result = PQexec(connection_, sendable(query, span).c_str());
    detail::record_libpq_result(span, result, connection_);
    return result;
  }

  /// `PQexecParams(...)` in a span (the text is recorded as written: it has parameters).
  PGresult* exec_params(const char* command, int count, const Oid* types, const char* const* values, const int* lengths,
                        const int* formats, int result_format, const LibpqQueryInfo& info = {}) {
    Span span = start(command, true, info);
    PGresult* result = PQexecParams(connection_, sendable(command, span).c_str(), count, types, values, lengths,
                                    formats, result_format);
    detail::record_libpq_result(span, result, connection_);
    return result;
  }

  /// `PQsendQuery(connection, query)`: the span runs until the returned LibpqQuery ends.
  LibpqQuery send_query(const char* query, const LibpqQueryInfo& info = {}) {
    Span span = start(query, false, info);
    const bool sent = PQsendQuery(connection_, sendable(query, span).c_str()) == 1;
    return finish_send(std::move(span), sent);
  }

  /// `PQsendQueryParams(...)`, as send_query (also in pipeline mode, where it is the way
  /// to queue a query).
  LibpqQuery send_query_params(const char* command, int count, const Oid* types, const char* const* values,
                               const int* lengths, const int* formats, int result_format,
                               const LibpqQueryInfo& info = {}) {
    Span span = start(command, true, info);
    const bool sent = PQsendQueryParams(connection_, sendable(command, span).c_str(), count, types, values, lengths,
                                        formats, result_format) == 1;
    return finish_send(std::move(span), sent);
  }

 private:
  /// Starts the span of `query` (`parameterized`: written with $n parameters).
  Span start(const char* query, bool parameterized, const LibpqQueryInfo& info) {
    const std::string_view text = query ? query : "";
    std::string summary(info.summary);
    if (summary.empty()) summary = detail::summarize_sql(text);
    const std::string_view database = PQdb(connection_) ? PQdb(connection_) : "";
    std::string name = summary;
    if (name.empty() && !info.operation_name.empty()) {
      name.assign(info.operation_name);
      const std::string_view target = info.collection_name.empty() ? database : info.collection_name;
      if (!target.empty()) name.append(" ").append(target);
    }
    if (name.empty()) name = database.empty() ? "postgresql" : std::string(database);
    Span span = tracer_.start_span(name, SpanStartOptions().with_kind(SpanKind::client).not_current());
    if (!span.is_recording()) return span;
    span.set_attribute(semconv::db::system_name, "postgresql");
    if (!database.empty()) span.set_attribute(semconv::db::namespace_name, database);
    if (const char* host = PQhost(connection_); host && *host) span.set_attribute(semconv::server::address, host);
    if (const char* port = PQport(connection_); port && *port) {
      span.set_attribute(semconv::server::port, static_cast<std::int64_t>(std::strtol(port, nullptr, 10)));
    }
    if (options_.record_query_text) {
      span.set_attribute(semconv::db::query_text,
                         parameterized || options_.keep_literals ? std::string(text) : detail::sanitize_sql(text));
    }
    if (!summary.empty()) span.set_attribute(semconv::db::query_summary, summary);
    if (!info.operation_name.empty()) span.set_attribute(semconv::db::operation_name, info.operation_name);
    if (!info.collection_name.empty()) span.set_attribute(semconv::db::collection_name, info.collection_name);
    return span;
  }

  /// The text to send: `query`, with the sqlcommenter comment if asked for.
  std::string sendable(const char* query, const Span& span) const {
    const std::string_view text = query ? query : "";
    if (!options_.sql_comment || !span.context().is_valid()) return std::string(text);
    std::vector<std::pair<std::string, std::string>> fields;
    inject_context(span, ContainerSetter(fields), options_.propagator ? *options_.propagator : *global_propagator());
    return detail::with_sql_comment(text, detail::sqlcommenter_comment(std::move(fields)));
  }

  LibpqQuery finish_send(Span span, bool sent) noexcept {
    if (!sent) {
      detail::record_libpq_result(span, nullptr, connection_);
      span.end();
    }
    return LibpqQuery(std::move(span), connection_, sent);
  }

  PGconn* connection_;
  Tracer tracer_;
  LibpqOptions options_;
};

}  // namespace v0
}  // namespace tracewire
