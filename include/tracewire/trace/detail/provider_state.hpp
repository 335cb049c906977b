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

/// What a Tracer needs to know to start a span, fixed when the provider is built: the
/// sampling decisions the built-in samplers make from the parent alone (see
/// `fixed_decision`), and the shortcuts they allow.
struct SpanPlan {
  FixedDecision root = FixedDecision::ask_sampler;
  FixedDecision sampled_parent = FixedDecision::ask_sampler;
  FixedDecision unsampled_parent = FixedDecision::ask_sampler;
  /// Every child of an unsampled parent is dropped: the tracer's inline path for it.
  bool unsampled_children_are_free = false;
  /// Every root is dropped (always_off): likewise.
  bool unsampled_roots_are_free = false;
  /// The id generator is tracewire's own: its static functions are called and inlined.
  bool uses_default_id_generator = false;
  /// Trace ids are random in their rightmost 7 bytes: roots set the W3C random flag.
  bool sets_random_flag = false;
  /// The no-op provider: spans record nothing and carry their parent's context.
  bool noop = false;
  /// The processor asked for `on_start`.
  bool calls_on_start = false;

  FixedDecision decision_for(const SpanContext& parent) const noexcept {
    if (!parent.is_valid()) return root;
    return parent.sampled() ? sampled_parent : unsampled_parent;
  }
};

/// The provider's configuration and pipeline: what a TracerProvider shares with its Tracers
/// and Spans. Built complete by `make_provider_state` and never changed afterwards, but for
/// the scopes it hands out and being shut down.
///
/// Lifetime: Tracers keep it alive through a shared_ptr; spans refer to it by raw pointer
/// (no reference-count traffic per span), and may outlive the provider and every tracer:
/// see `release_provider_state`.
class ProviderState {
 public:
  ProviderState(Resource resource, SpanLimits limits, std::shared_ptr<Sampler> sampler,
                std::unique_ptr<IdGenerator> id_generator, std::unique_ptr<SpanProcessor> processor, bool noop)
      : resource_(std::move(resource)),
        limits_(limits),
        sampler_(std::move(sampler)),
        id_generator_(std::move(id_generator)),
        processor_(std::move(processor)) {
    plan_.noop = noop;
    plan_.uses_default_id_generator = dynamic_cast<RandomIdGenerator*>(id_generator_.get()) != nullptr;
    plan_.sets_random_flag = id_generator_->random_trace_ids();
    plan_.calls_on_start = processor_ && processor_->wants_on_start();
    if (noop) return;  // the no-op path keeps the parent as is: no shortcut applies
    const bool sampled = true;
    const bool not_sampled = false;
    plan_.root = fixed_decision(*sampler_, nullptr);
    plan_.sampled_parent = fixed_decision(*sampler_, &sampled);
    plan_.unsampled_parent = fixed_decision(*sampler_, &not_sampled);
    plan_.unsampled_children_are_free = plan_.unsampled_parent == FixedDecision::drop;
    plan_.unsampled_roots_are_free = plan_.root == FixedDecision::drop;
  }
  ProviderState(const ProviderState&) = delete;
  ProviderState& operator=(const ProviderState&) = delete;

  const SpanPlan& plan() const noexcept { return plan_; }
  const Resource& resource() const noexcept { return resource_; }
  const SpanLimits& limits() const noexcept { return limits_; }
  Sampler& sampler() const noexcept { return *sampler_; }
  /// The processor pipeline; null when there is none (spans are sampled but go nowhere).
  SpanProcessor* processor() const noexcept { return processor_.get(); }

  bool shut_down() const noexcept { return shut_down_.load(std::memory_order_relaxed); }
  /// Marks the state shut down; false if it already was.
  bool begin_shutdown() noexcept { return !shut_down_.exchange(true); }

  SpanId new_span_id() noexcept {
    return plan_.uses_default_id_generator ? RandomIdGenerator::random_span_id() : id_generator_->new_span_id();
  }
  /// A new trace id and its root span's id (one draw of the thread's generator by default).
  void new_root_ids(TraceId& trace_id, SpanId& span_id) noexcept {
    if (plan_.uses_default_id_generator) return RandomIdGenerator::random_root_ids(trace_id, span_id);
    trace_id = id_generator_->new_trace_id();
    span_id = id_generator_->new_span_id();
  }

  /// The scope of a name, version and schema URL, made on first use; its address is stable.
  const InstrumentationScope* scope(std::string_view name, std::string_view version, std::string_view schema_url) {
    std::lock_guard<std::mutex> lock(scopes_mutex_);
    for (const InstrumentationScope& scope : scopes_) {
      if (scope.name == name && scope.version == version && scope.schema_url == schema_url) return &scope;
    }
    scopes_.push_back(InstrumentationScope{std::string(name), std::string(version), std::string(schema_url), {}});
    return &scopes_.back();
  }

  /// Hands a finished record to the processors (or back to the pool if there are none).
  void end_span(SpanData* record) noexcept {
    {
      SpanDataPtr owner = SpanDataPtr::first_owner(record);
      if (processor_) processor_->on_end(std::move(owner));
    }
    OpenSpanCount::ended();  // last: this span is done with the state
  }

 private:
  const Resource resource_;
  const SpanLimits limits_;
  const std::shared_ptr<Sampler> sampler_;
  const std::unique_ptr<IdGenerator> id_generator_;
  const std::unique_ptr<SpanProcessor> processor_;
  SpanPlan plan_;
  std::atomic<bool> shut_down_{false};
  std::mutex scopes_mutex_;
  std::deque<InstrumentationScope> scopes_;  // deque: addresses stay valid as it grows
  ForkHooks fork_hooks_ = mutex_fork_hooks(ForkHooks::Order::global_slot, scopes_mutex_);
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

/// A ProviderState owned by shared_ptrs that release it through `release_provider_state`.
inline std::shared_ptr<ProviderState> make_provider_state(Resource resource, SpanLimits limits,
                                                          std::shared_ptr<Sampler> sampler,
                                                          std::unique_ptr<IdGenerator> id_generator,
                                                          std::unique_ptr<SpanProcessor> processor, bool noop) {
  return std::shared_ptr<ProviderState>(new ProviderState(std::move(resource), limits, std::move(sampler),
                                                          std::move(id_generator), std::move(processor), noop),
                                        &release_provider_state);
}

}  // namespace detail
}  // namespace v0
}  // namespace tracewire
