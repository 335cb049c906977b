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
/// `SpanKind::server` span as its child, with `options` (their kind and parent are set
/// here). Headers without a valid context start a new trace: the extraction starts from an
/// empty context, never from whatever is current on this thread, so one request's trace
/// cannot leak into the next.
///
/// The span is not current, because a server span usually outlives the call that starts
/// it (it ends when the response is written, in a completion handler). Make it current
/// where its work runs: `Scope scope(span);` for a stretch of code (children started there
/// and calls injected there continue it, with the request's baggage), `bind_context(span,
/// handler)` for an Asio handler.
///
/// **Example** (Boost.Beast):
/// ```
/// span_ = tracewire::start_server_span(tracer, "POST /test", tracewire::BeastHeaderGetter(request_));
/// span_.set_attribute(tracewire::semconv::http::request_method, "POST");
/// tracewire::Scope scope(span_);
/// handle(request_);                       // its spans are children of span_
/// ```
inline Span start_server_span(Tracer& tracer, std::string_view name, const TextMapGetter& headers,
                              const TextMapPropagator& propagator, SpanStartOptions options = {}) {
  options.with_kind(SpanKind::server).with_parent(propagator.extract(headers, Context())).not_current();
  return tracer.start_span(name, options);
}
inline Span start_server_span(Tracer& tracer, std::string_view name, const TextMapGetter& headers,
                              SpanStartOptions options = {}) {
  return start_server_span(tracer, name, headers, *global_propagator(), std::move(options));
}

/// Passes a trace on with an outgoing request: injects `span`'s context (and the baggage it
/// was started with) — or, without a span, `Context::current()` — into the request's
/// headers with `propagator` (the global one by default).
///
/// **Example**:
/// ```
/// auto call = tracer.start_span("GET /prices",
/// tracewire::SpanStartOptions().with_kind(SpanKind::client).not_current()); tracewire::inject_context(call,
/// tracewire::BeastHeaderSetter(request));
/// ```
inline void inject_context(const Span& span, TextMapSetter& headers, const TextMapPropagator& propagator) {
  propagator.inject(span.to_context(), headers);
}
inline void inject_context(const Span& span, TextMapSetter&& headers, const TextMapPropagator& propagator) {
  propagator.inject(span.to_context(), headers);
}
inline void inject_context(const Span& span, TextMapSetter& headers) {
  inject_context(span, headers, *global_propagator());
}
inline void inject_context(const Span& span, TextMapSetter&& headers) {
  inject_context(span, headers, *global_propagator());
}
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
