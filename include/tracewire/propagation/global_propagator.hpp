// The process-wide propagator that instrumentation helpers use by default.
#pragma once

#include <memory>
#include <utility>
#include <vector>

#include "tracewire/core/detail/global_slot.hpp"
#include "tracewire/propagation/baggage_propagator.hpp"
#include "tracewire/propagation/composite_propagator.hpp"
#include "tracewire/propagation/trace_context_propagator.hpp"

namespace tracewire {
inline namespace v0 {

namespace detail {
/// Never destroyed: threads may still inject and extract while the process exits.
inline GlobalSlot<const TextMapPropagator>& global_propagator_slot() {
  static auto* slot = new GlobalSlot<const TextMapPropagator>(nullptr, ForkHooks::Order::global_slot);
  return *slot;
}
}  // namespace detail

/// Replaces the process-wide propagator (e.g. with `make_propagator_from_environment(...)`);
/// nullptr restores the default. Thread-safe.
inline void set_global_propagator(std::shared_ptr<const TextMapPropagator> propagator) {
  detail::global_propagator_slot().set(std::move(propagator));
}

/// The process-wide propagator: W3C trace context and baggage (what `OTEL_PROPAGATORS`
/// defaults to) until `set_global_propagator` is called. The default never reads the
/// environment; apply `OTEL_PROPAGATORS` explicitly with `make_propagator_from_environment`.
inline std::shared_ptr<const TextMapPropagator> global_propagator() {
  // Built directly: the default needs neither the other formats nor a name parser.
  return detail::global_propagator_slot().get_or_make([]() -> std::shared_ptr<const TextMapPropagator> {
    std::vector<std::unique_ptr<TextMapPropagator>> defaults;
    defaults.push_back(std::make_unique<TraceContextPropagator>());
    defaults.push_back(std::make_unique<BaggagePropagator>());
    return std::make_shared<CompositePropagator>(std::move(defaults));
  });
}

}  // namespace v0
}  // namespace tracewire
