// propagator_from_environment: the propagator OTEL_PROPAGATORS asks for.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "tracewire/config/environment.hpp"
#include "tracewire/propagation/make_propagator.hpp"

namespace tracewire {
inline namespace v0 {

/// The default value of `OTEL_PROPAGATORS`.
inline constexpr std::string_view default_propagators = "tracecontext,baggage";

/// Builds the propagator named by `OTEL_PROPAGATORS` (or `fallback` when it is unset; an
/// empty value counts as unset) — see `make_propagator` for the list rules. Unknown names
/// are reported in one warning naming the variable, once per value however often it is read.
///
/// **Example**: `auto propagator = tracewire::propagator_from_environment(tracewire::ProcessEnvironment());`
inline std::unique_ptr<TextMapPropagator> propagator_from_environment(const Environment& environment,
                                                                      std::string_view fallback = default_propagators) {
  constexpr std::string_view variable = "OTEL_PROPAGATORS";
  const std::optional<std::string> value = environment.get(variable);
  const std::string_view list = value ? std::string_view(*value) : fallback;
  detail::PropagatorList parsed = detail::parse_propagator_list(list);
  if (!parsed.unknown.empty() && detail::ReportedValues::instance().first(variable, list)) {
    detail::warn_unknown_propagators(value ? variable : "default propagators", parsed.unknown);
  }
  return std::make_unique<CompositePropagator>(std::move(parsed.propagators));
}

}  // namespace v0
}  // namespace tracewire
