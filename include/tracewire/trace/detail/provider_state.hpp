// ProviderState: what a TracerProvider shares with its Tracers and Spans.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string_view>
#include <vector>

#include "tracewire/core/detail/fork_hooks.hpp"
#include "tracewire/core/instrumentation_scope.hpp"
#include "tracewire/core/resource.hpp"
#include "tracewire/core/span_limits.hpp"
#include "tracewire/trace/id_generator.hpp"
#include "tracewire/trace/parent_based_sampler.hpp"
#include "tracewire/trace/sampler.hpp"
#include "tracewire/trace/detail/open_span_count.hpp"
#include "tracewire/trace/span_processor.hpp"

namespace tracewire {
inline namespace v0 {
namespace detail {

/// A sampling decision known when the provider is built, for the built-in samplers whose
/// answer depends only on the parent's sampled flag: the tracer then decides without a
/// virtual call, and an unsampled span without ids or a clock read.
enum class FixedDecision : std::uint8_t { ask_sampler, sample, drop };

/// What `sampler` always decides for one kind of parent, if fixed. `parent` is nullptr for
/// root spans, else whether the parent is sampled.
inline FixedDecision fixed_decision(const Sampler& sampler, const bool* parent_sampled) noexcept {
  if (dynamic_cast<const AlwaysOnSampler*>(&sampler)) return FixedDecision::sample;
  if (dynamic_cast<const AlwaysOffSampler*>(&sampler)) return FixedDecision::drop;
  const auto* parent_based = dynamic_cast<const ParentBasedSampler*>(&sampler);
  if (!parent_based) return FixedDecision::ask_sampler;
  if (!parent_sampled) return fixed_decision(parent_based->root(), nullptr);
  const auto& delegates = parent_based->delegates();
  // ParentBased picks a delegate by remoteness too; fixed only if both agree.
  const Sampler& remote = *parent_sampled ? *delegates.remote_parent_sampled : *delegates.remote_parent_not_sampled;
  const Sampler& local = *parent_sampled ? *delegates.local_parent_sampled : *delegates.local_parent_not_sampled;
  const FixedDecision decision = fixed_decision(remote, nullptr);
  return decision == fixed_decision(local, nullptr) ? decision : FixedDecision::ask_sampler;
}

/// The provider's configuration and pipeline. Tracers keep it alive through a shared_ptr
/// made by `make_provider_state`; spans refer to it by raw pointer (no reference-count
/// traffic per span), and may outlive the provider and every tracer: see
/// `release_provider_state`.
struct ProviderState {
  Resource resource;
  SpanLimits limits;
  std::shared_ptr<Sampler> sampler;
  std::unique_ptr<IdGenerator> id_generator;
  std::unique_ptr<SpanProcessor> processor;  // null: spans are sampled but go nowhere
  bool processor_wants_on_start = false;
  /// Set with the sampler (see `fixed_decision`): for root spans, sampled and unsampled parents.
  FixedDecision root_decision = FixedDecision::ask_sampler;
  FixedDecision sampled_parent_decision = FixedDecision::ask_sampler;
  FixedDecision unsampled_parent_decision = FixedDecision::ask_sampler;
  /// Not a no-op provider, and a fixed sampler drops every child of an unsampled parent:
  /// the tracer's inline fast path (see Tracer::start).
  bool unsampled_children_are_free = false;
  /// Likewise for root spans: the sampler drops every root (always_off).
  bool unsampled_roots_are_free = false;
  /// True when the id generator is the default one: its static functions are called
  /// directly and inlined.
  bool random_ids = false;
  bool random_trace_ids = false;
  /// A no-op provider starts non-recording spans that carry their parent's context.
  bool noop = false;
  std::atomic<bool> shut_down{false};

  std::mutex scopes_mutex;
  std::deque<InstrumentationScope> scopes;  // deque: addresses stay valid as it grows

  ProviderState() = default;
  ProviderState(const ProviderState&) = delete;
  ProviderState& operator=(const ProviderState&) = delete;
  ~ProviderState() = default;

  /// Call after setting `sampler` and `id_generator`.
  void precompute() noexcept {
    const bool sampled = true;
    const bool not_sampled = false;
    root_decision = fixed_decision(*sampler, nullptr);
    sampled_parent_decision = fixed_decision(*sampler, &sampled);
    unsampled_parent_decision = fixed_decision(*sampler, &not_sampled);
    unsampled_children_are_free = !noop && unsampled_parent_decision == FixedDecision::drop;
    unsampled_roots_are_free = !noop && root_decision == FixedDecision::drop;
    random_ids = dynamic_cast<RandomIdGenerator*>(id_generator.get()) != nullptr;
  }

  FixedDecision decision_for(const SpanContext& parent) const noexcept {
    if (!parent.is_valid()) return root_decision;
    return parent.sampled() ? sampled_parent_decision : unsampled_parent_decision;
  }

  SpanId new_span_id() noexcept { return random_ids ? RandomIdGenerator::random_span_id() : id_generator->new_span_id(); }
  /// A new trace id and its root span's id (one draw of the thread's generator by default).
  void new_root_ids(TraceId& trace_id, SpanId& span_id) noexcept {
    if (random_ids) return RandomIdGenerator::random_root_ids(trace_id, span_id);
    trace_id = id_generator->new_trace_id();
    span_id = id_generator->new_span_id();
  }

  const InstrumentationScope* scope(std::string_view name, std::string_view version, std::string_view schema_url) {
    std::lock_guard<std::mutex> lock(scopes_mutex);
    for (const InstrumentationScope& scope : scopes) {
      if (scope.name == name && scope.version == version && scope.schema_url == schema_url) return &scope;
    }
    scopes.push_back(InstrumentationScope{std::string(name), std::string(version), std::string(schema_url), {}});
    return &scopes.back();
  }

  /// Hands a finished record to the processors (or back to the pool if there are none).
  void end_span(SpanData* record) noexcept {
    {
      SpanDataPtr owner(record);
      if (processor) processor->on_end(std::move(owner));
    }
    OpenSpanCount::ended();  // last: this span is done with the state
  }
};

/// Called when the last TracerProvider or Tracer of `state` lets go of it. A span started
/// from it may still be open (the provider was replaced while a request was in flight), and
/// will end into it: the state, already shut down, is kept until no recording span is open
/// anywhere in the process, checked now and whenever another state is released.
inline void release_provider_state(ProviderState* state) noexcept {
  struct Retired {
    std::mutex mutex;
    std::vector<ProviderState*> states;
    ForkHooks fork_hooks = mutex_fork_hooks(ForkHooks::Order::global_slot, mutex);
  };
  static Retired* retired = new Retired();  // never destroyed: states are released at exit too
  // The states retired before the count is read are the ones it can vouch for: their spans
  // all started before they were retired.
  std::vector<ProviderState*> candidates;
  try {
    std::lock_guard<std::mutex> lock(retired->mutex);
    retired->states.push_back(state);
    candidates = retired->states;
  } catch (...) {
    return;  // out of memory: kept forever
  }
  if (OpenSpanCount::open() != 0) return;
  std::vector<ProviderState*> freed;
  try {
    freed.reserve(candidates.size());
  } catch (...) {
    return;
  }
  {
    std::lock_guard<std::mutex> lock(retired->mutex);
    for (ProviderState* candidate : candidates) {
      const auto found = std::find(retired->states.begin(), retired->states.end(), candidate);
      if (found == retired->states.end()) continue;  // another release freed it
      retired->states.erase(found);
      freed.push_back(candidate);
    }
  }
  for (ProviderState* done : freed) delete done;
}

inline std::shared_ptr<ProviderState> make_provider_state() {
  return std::shared_ptr<ProviderState>(new ProviderState(), &release_provider_state);
}

}  // namespace detail
}  // namespace v0
}  // namespace tracewire
