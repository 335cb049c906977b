// make_propagator: builds the propagator an OTEL_PROPAGATORS-style list names.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "tracewire/core/detail/ascii.hpp"
#include "tracewire/core/logger.hpp"
#include "tracewire/propagation/b3_propagator.hpp"
#include "tracewire/propagation/baggage_propagator.hpp"
#include "tracewire/propagation/composite_propagator.hpp"
#include "tracewire/propagation/jaeger_propagator.hpp"
#include "tracewire/propagation/trace_context_propagator.hpp"
#include "tracewire/propagation/xray_propagator.hpp"

namespace tracewire {
inline namespace v0 {

/// The propagator for one name of the OpenTelemetry specification (`tracecontext`,
/// `baggage`, `b3` = single header, `b3multi`, `jaeger`, `xray`), case-insensitive;
/// nullptr for any other name.
inline std::unique_ptr<TextMapPropagator> make_named_propagator(std::string_view name) {
  const std::string lower = detail::to_lower(detail::trim_spaces(name));
  if (lower == "tracecontext") return std::make_unique<TraceContextPropagator>();
  if (lower == "baggage") return std::make_unique<BaggagePropagator>();
  if (lower == "b3") return std::make_unique<B3Propagator>(B3Encoding::single_header);
  if (lower == "b3multi") return std::make_unique<B3Propagator>(B3Encoding::multi_header);
  if (lower == "jaeger") return std::make_unique<JaegerPropagator>();
  if (lower == "xray") return std::make_unique<XRayPropagator>();
  return nullptr;
}

/// A CompositePropagator of the comma-separated names in `list`, in order, as the value of
/// `OTEL_PROPAGATORS` specifies: duplicates are ignored, `none` adds nothing, and an unknown
/// name is reported once and skipped. An empty list gives a propagator that does nothing;
/// the environment's default (`tracecontext,baggage`) is applied by
/// `propagator_from_environment`, not here.
///
/// **Example**: `auto propagator = tracewire::make_propagator("tracecontext,baggage,b3multi");`
inline std::unique_ptr<TextMapPropagator> make_propagator(std::string_view list) {
  std::vector<std::unique_ptr<TextMapPropagator>> propagators;
  std::vector<std::string> seen;
  std::size_t start = 0;
  while (start <= list.size()) {
    std::size_t comma = list.find(',', start);
    if (comma == std::string_view::npos) comma = list.size();
    const std::string name = detail::to_lower(detail::trim_spaces(list.substr(start, comma - start)));
    start = comma + 1;
    if (name.empty() || name == "none") continue;
    bool duplicate = false;
    for (const std::string& earlier : seen) duplicate = duplicate || earlier == name;
    if (duplicate) continue;
    seen.push_back(name);
    if (auto propagator = make_named_propagator(name)) {
      propagators.push_back(std::move(propagator));
    } else {
      detail::log(LogLevel::warn,
                  "unknown propagator {:?} skipped; known: tracecontext, baggage, b3, b3multi, jaeger, xray, none",
                  name);
    }
  }
  return std::make_unique<CompositePropagator>(std::move(propagators));
}

}  // namespace v0
}  // namespace tracewire
