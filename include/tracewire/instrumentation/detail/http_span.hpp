// What the HTTP and RPC instrumentation (Beast, libcurl, gRPC) records: the server's address, the outcome.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "tracewire/core/detail/host_port.hpp"
#include "tracewire/semconv.hpp"
#include "tracewire/trace/span.hpp"

namespace tracewire {
inline namespace v0 {
namespace detail {

/// `server.address` and `server.port` from a Host header (`host[:port]`, IPv6 in brackets);
/// an absent or unparsable port gives `default_port`.
inline void set_host_attributes(Span& span, std::string_view host, std::int64_t default_port) {
  if (host.empty()) return;
  std::int64_t port = default_port;
  const HostPort split = split_host_port(host);
  if (split.port) {
    if (const auto parsed = parse_port(*split.port)) port = *parsed;
    host = split.host;
  }
  if (host.size() > 1 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  if (host.empty()) return;
  span.set_attribute(semconv::server::address, host);
  span.set_attribute(semconv::server::port, port);
}

/// Records the status code and ends the span; from `error_from` on (500 for a server, 400
/// for a client, as the HTTP semantic conventions say) the span is an error and
/// `error.type` is the status code.
inline void finish_http_span(Span& span, unsigned status, unsigned error_from) {
  span.set_attribute(semconv::http::response_status_code, static_cast<std::int64_t>(status));
  if (status >= error_from) {
    span.set_attribute(semconv::error::type, std::to_string(status));
    span.set_status(StatusCode::error);
  }
  span.end();
}

/// Ends a client span whose request failed without a response: `error.type` (a short,
/// low-cardinality name of the failure) and an error status with `message`.
inline void fail_http_span(Span& span, std::string_view error_type, std::string_view message) {
  span.set_attribute(semconv::error::type, error_type);
  span.set_status(StatusCode::error, message);
  span.end();
}

}  // namespace detail
}  // namespace v0
}  // namespace tracewire
