// propagator_from_environment: the propagator OTEL_PROPAGATORS asks for.
#pragma once

#include <memory>
#include <string>

#include "tracewire/config/environment.hpp"
#include "tracewire/propagation/make_propagator.hpp"

namespace tracewire {
inline namespace v0 {

/// The default value of `OTEL_PROPAGATORS`.
inline constexpr std::string_view default_propagators = "tracecontext,baggage";

/// Builds the propagator named by `OTEL_PROPAGATORS` (or `fallback` when it is unset; an
/// empty value counts as unset) — see `make_propagator` for the list rules.
///
/// **Example**: `auto propagator = tracewire::propagator_from_environment(tracewire::ProcessEnvironment());`
inline std::unique_ptr<TextMapPropagator> propagator_from_environment(const Environment& environment,
                                                                      std::string_view fallback = default_propagators) {
  const auto value = env::get_first(environment, {"OTEL_PROPAGATORS"});
  return make_propagator(value ? std::string_view(*value) : fallback);
}

}  // namespace v0
}  // namespace tracewire
