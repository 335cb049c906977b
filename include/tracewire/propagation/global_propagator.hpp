// The process-wide propagator that instrumentation helpers use by default.
#pragma once

#include <memory>
#include <mutex>
#include <utility>
#include <vector>

#include "tracewire/core/detail/fork_hooks.hpp"
#include "tracewire/propagation/baggage_propagator.hpp"
#include "tracewire/propagation/composite_propagator.hpp"
#include "tracewire/propagation/trace_context_propagator.hpp"

namespace tracewire {
inline namespace v0 {

namespace detail {
struct GlobalPropagatorSlot {
  std::mutex mutex;
  std::shared_ptr<const TextMapPropagator> propagator;
  ForkHooks fork_hooks = mutex_fork_hooks(ForkHooks::Order::global_slot, mutex);
};
/// Never destroyed: threads may still inject and extract while the process exits.
inline GlobalPropagatorSlot& global_propagator_slot() {
  static GlobalPropagatorSlot* slot = new GlobalPropagatorSlot();
  return *slot;
}
}  // namespace detail

/// Replaces the process-wide propagator (e.g. with `make_propagator_from_environment(...)`);
/// nullptr restores the default. Thread-safe.
inline void set_global_propagator(std::shared_ptr<const TextMapPropagator> propagator) {
  auto& slot = detail::global_propagator_slot();
  std::unique_lock<std::mutex> lock(slot.mutex);
  std::swap(slot.propagator, propagator);
  lock.unlock();  // the previous one is released outside the lock
}

/// The process-wide propagator: W3C trace context and baggage (what `OTEL_PROPAGATORS`
/// defaults to) until `set_global_propagator` is called. The default never reads the
/// environment; apply `OTEL_PROPAGATORS` explicitly with `make_propagator_from_environment`.
inline std::shared_ptr<const TextMapPropagator> global_propagator() {
  auto& slot = detail::global_propagator_slot();
  std::lock_guard<std::mutex> lock(slot.mutex);
  if (!slot.propagator) {  // built directly: the default needs neither the other formats nor a name parser
    std::vector<std::unique_ptr<TextMapPropagator>> defaults;
    defaults.push_back(std::make_unique<TraceContextPropagator>());
    defaults.push_back(std::make_unique<BaggagePropagator>());
    slot.propagator = std::make_shared<CompositePropagator>(std::move(defaults));
  }
  return slot.propagator;
}

}  // namespace v0
}  // namespace tracewire
