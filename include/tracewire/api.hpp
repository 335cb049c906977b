// tracewire/api.hpp: what a library that emits spans needs, and nothing that exports them.
#pragma once

/// The instrumentation API for library authors: `Tracer`, `Span`, `SpanStartOptions`,
/// `Context` and `Scope`, the process-wide provider (`global_provider()`), the
/// process-wide propagator (`global_propagator()`) with the carriers, and the
/// semantic-convention names. A library includes this header and takes a `Tracer` (or
/// asks `global_provider()` for one); the application decides how spans are sampled,
/// processed and exported, with `tracewire/tracewire.hpp` or the exporter headers. No
/// exporter, transport or configuration header is included from here, so a library never
/// needs libcurl, gRPC or Boost (tests/test_api.cpp checks it).
///
/// **Example** (in a library):
/// ```
/// #include <tracewire/api.hpp>
///
/// void fetch_rows(tracewire::Tracer& tracer) {
///   auto span = tracer.start_span("SELECT rows", tracewire::SpanKind::client);
///   span.set_attribute(tracewire::semconv::db::system_name, "postgresql");
/// }
/// // or, without a tracer handed in:
/// auto tracer = tracewire::global_provider()->tracer("my-library", "1.0");
/// ```

#include "tracewire/version.hpp"

#include "tracewire/propagation/global_propagator.hpp"
#include "tracewire/propagation/text_map_carrier.hpp"
#include "tracewire/semconv.hpp"
#include "tracewire/trace/context.hpp"
#include "tracewire/trace/span.hpp"
#include "tracewire/trace/span_start_options.hpp"
#include "tracewire/trace/tracer.hpp"
// The global provider lives with the SDK's TracerProvider today; only `global_provider()`
// and `set_global_provider()` are part of this API.
#include "tracewire/trace/tracer_provider.hpp"
