// Boost.Beast helpers: a server span from a request, finished from the response; a client
// span injected into an outgoing request.
#pragma once

#if !__has_include(<boost/beast/http/message.hpp>)
#error \
    "tracewire/instrumentation/beast.hpp needs Boost.Beast's headers (Boost 1.74+; Debian: libboost-dev; CMake: link tracewire::beast)"
#endif

#include <cstdint>
#include <string>
#include <string_view>

#include <boost/beast/http/message.hpp>

#include "tracewire/instrumentation/beast_carrier.hpp"
#include "tracewire/instrumentation/detail/http_span.hpp"
#include "tracewire/instrumentation/server_span.hpp"
#include "tracewire/propagation/global_propagator.hpp"
#include "tracewire/semconv.hpp"
#include "tracewire/trace/tracer.hpp"

namespace tracewire {
inline namespace v0 {

namespace detail {

/// The path of a request target (`/a/b?x=1` → `/a/b`).
inline std::string_view target_path(std::string_view target) noexcept { return target.substr(0, target.find('?')); }

template <class Body>
void set_request_attributes(Span& span, const boost::beast::http::request<Body>& request) {
  namespace http = boost::beast::http;
  span.set_attribute(semconv::http::request_method, to_std(request.method_string()));
  span.set_attribute(semconv::url::path, target_path(to_std(request.target())));
  set_host_attributes(span, to_std(request[http::field::host]), 80);
  const auto agent = request.find(http::field::user_agent);
  if (agent != request.end()) span.set_attribute(semconv::user_agent::original, to_std(agent->value()));
}

template <class Body>
std::string default_span_name(const boost::beast::http::request<Body>& request) {
  std::string name(to_std(request.method_string()));
  name.append(" ").append(target_path(to_std(request.target())));
  return name;
}

}  // namespace detail

/// Starts the server span of an incoming request: extracts the caller's context from the
/// headers with `propagator` (onto an empty context: a request without trace headers
/// starts a new trace), starts a `SpanKind::server` child of it named `name`, or
/// `GET /path` when `name` is empty, and sets the HTTP semantic-convention attributes
/// `http.request.method`, `url.path`, `server.address`, `server.port` (from the Host
/// header) and `user_agent.original`. Like the generic `start_server_span`, the span is
/// not current: make it current where the request is handled (`Scope scope(span);`,
/// `bind_context(span, handler)`), and end it once the response is written.
///
/// **Example** (in a Beast session, as in Beast's `http/server/async` example):
/// ```
/// void on_read(beast::error_code ec, std::size_t) {
///   span_ = tracewire::start_server_span(tracer, request_);
///   tracewire::Scope scope(span_);           // the handler's spans are its children
///   response_ = handle(request_);
///   http::async_write(stream_, response_, beast::bind_front_handler(&session::on_write, shared_from_this()));
/// }
/// void on_write(beast::error_code ec, std::size_t) {
///   tracewire::finish_server_span(span_, response_);   // ends after the response is written
/// }
/// ```
template <class Body>
Span start_server_span(Tracer& tracer, const boost::beast::http::request<Body>& request, std::string_view name,
                       const TextMapPropagator& propagator, SpanStartOptions options = {}) {
  Span span = start_server_span(tracer, name.empty() ? std::string_view(detail::default_span_name(request)) : name,
                                BeastHeaderGetter(request), propagator, std::move(options));
  detail::set_request_attributes(span, request);
  return span;
}
template <class Body>
Span start_server_span(Tracer& tracer, const boost::beast::http::request<Body>& request, std::string_view name = {}) {
  return start_server_span(tracer, request, name, *global_propagator());
}

/// Records the response on a server span and ends it: `http.response.status_code`, and an
/// Error status for 5xx (a 4xx is the client's error, not the server's, as the HTTP
/// semantic conventions say). An Ok status the handler set stays (Ok is final).
template <class Body>
void finish_server_span(Span& span, const boost::beast::http::response<Body>& response) {
  detail::finish_http_span(span, response.result_int(), 500);
}

/// Starts the client span of an outgoing request (a child of the current span) named
/// `name`, or `GET /path` when empty, sets the HTTP attributes from the request (its Host
/// header gives `server.address` and `server.port`) and injects the span's context into
/// the request's headers with `propagator`. The span is not made current, so it can be
/// ended from the completion handler on any thread.
///
/// **Example**:
/// ```
/// auto span = tracewire::start_client_span(tracer, request);
/// http::async_write(stream, request, ...);  // later: finish_client_span(span, response)
/// ```
template <class Body>
Span start_client_span(Tracer& tracer, boost::beast::http::request<Body>& request, std::string_view name,
                       const TextMapPropagator& propagator) {
  const std::string default_name = name.empty() ? detail::default_span_name(request) : std::string();
  Span span = tracer.start_span(name.empty() ? std::string_view(default_name) : name,
                                SpanStartOptions().with_kind(SpanKind::client).not_current());
  detail::set_request_attributes(span, request);
  inject_context(span, BeastHeaderSetter(request), propagator);
  return span;
}
template <class Body>
Span start_client_span(Tracer& tracer, boost::beast::http::request<Body>& request, std::string_view name = {}) {
  return start_client_span(tracer, request, name, *global_propagator());
}

/// Records the response on a client span and ends it: `http.response.status_code`, and an
/// Error status for 4xx and 5xx (the request failed from the client's point of view).
template <class Body>
void finish_client_span(Span& span, const boost::beast::http::response<Body>& response) {
  detail::finish_http_span(span, response.result_int(), 400);
}

/// Ends a client span whose request failed without a response (connection refused,
/// timeout): an error status with `message`.
inline void fail_client_span(Span& span, std::string_view message) {
  span.set_status(StatusCode::error, message);
  span.end();
}

}  // namespace v0
}  // namespace tracewire
