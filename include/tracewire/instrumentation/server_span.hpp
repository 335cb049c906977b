// start_server_span and inject_context: instrumenting an HTTP server and client in two lines.
#pragma once

#include <memory>
#include <string_view>

#include "tracewire/propagation/global_propagator.hpp"
#include "tracewire/propagation/text_map_carrier.hpp"
#include "tracewire/trace/tracer.hpp"

namespace tracewire {
inline namespace v0 {

/// Continues the caller's trace on the server side: extracts the context from the incoming
/// request's headers with `propagator` (the global one by default) and starts a
/// `SpanKind::server` span as its child, current on this thread until it ends; the
/// extracted baggage becomes current with it. Headers without a valid context start a
/// new trace.
///
/// **Example** (Boost.Beast):
/// ```
/// auto span = tracewire::start_server_span(tracer, "POST /test", tracewire::BeastHeaderGetter(request));
/// span.set_attribute(tracewire::semconv::http::request_method, "POST");
/// ```
inline Span start_server_span(Tracer& tracer, std::string_view name, const TextMapGetter& headers,
                              const TextMapPropagator& propagator) {
  const Context parent = propagator.extract(headers, Context::current());
  return tracer.start_span(name, SpanStartOptions().with_kind(SpanKind::server).with_parent(parent));
}
inline Span start_server_span(Tracer& tracer, std::string_view name, const TextMapGetter& headers) {
  return start_server_span(tracer, name, headers, *global_propagator());
}

/// Passes the current trace on with an outgoing request: injects `Context::current()` (the
/// client span you started just before, and the baggage) into its headers with `propagator`
/// (the global one by default).
///
/// **Example**:
/// ```
/// auto span = tracer.start_span("GET /prices", tracewire::SpanKind::client);
/// tracewire::inject_context(tracewire::BeastHeaderSetter(request));
/// ```
inline void inject_context(TextMapSetter&& headers, const TextMapPropagator& propagator) {
  propagator.inject(Context::current(), headers);
}
inline void inject_context(TextMapSetter& headers, const TextMapPropagator& propagator) {
  propagator.inject(Context::current(), headers);
}
inline void inject_context(TextMapSetter&& headers) { inject_context(headers, *global_propagator()); }
inline void inject_context(TextMapSetter& headers) { inject_context(headers, *global_propagator()); }

}  // namespace v0
}  // namespace tracewire
