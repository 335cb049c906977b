// Tracer: starts spans for one instrumentation scope.
#pragma once

#include <memory>
#include <string_view>
#include <utility>

#include "tracewire/core/clock.hpp"
#include "tracewire/core/detail/inlining.hpp"
#include "tracewire/trace/detail/provider_state.hpp"
#include "tracewire/trace/detail/span_record_pool.hpp"
#include "tracewire/trace/span.hpp"
#include "tracewire/trace/span_start_options.hpp"

namespace tracewire {
inline namespace v0 {

/// A cheap, copyable handle from `TracerProvider::tracer(name, version)`. Keep one per
/// library or component (e.g. a static) and start spans from it on any thread.
///
/// The span's parent is, in order: `options.parent` if set; nothing if `options.root`;
/// else the thread's current span. The sampler decides first: an unsampled span reads no
/// clock, takes no record and allocates nothing.
///
/// Spans may outlive their Tracer and its TracerProvider (see Span).
///
/// **Example**:
/// ```
/// static auto tracer = tracewire::global_provider()->tracer("checkout", "1.2.0");
/// auto span = tracer.start_span("load-cart");
/// ```
class Tracer {
 public:
  /// A tracer whose spans are no-ops (what a default-constructed handle does).
  Tracer() = default;

  // The shorter forms share one default SpanStartOptions rather than building one per span.
  Span start_span(std::string_view name) noexcept { return start(name, SpanKind::internal, default_options()); }
  Span start_span(std::string_view name, SpanKind kind) noexcept { return start(name, kind, default_options()); }
  Span start_span(std::string_view name, const SpanStartOptions& options) noexcept {
    return start(name, options.kind, options);
  }

  const InstrumentationScope* scope() const noexcept { return scope_; }

 private:
  friend class TracerProvider;
  Tracer(std::shared_ptr<detail::ProviderState> state, const InstrumentationScope* scope) noexcept
      : state_(std::move(state)), scope_(scope) {}

  static const SpanStartOptions& default_options() noexcept {
    static const SpanStartOptions options;
    return options;
  }

  // Every path ends in `return Span::...(...)`: the span is built once in the caller's
  // storage (guaranteed copy elision), never default-built and then assigned.
  //
  // The two unsampled cases a fixed sampler decides from the current context alone are
  // dispatched here inline; everything else (explicit parents, root option, sampled spans,
  // samplers that must be asked) is out of line in start_other, which gives the same
  // results for these cases too (bench_tracer's BM_SpanUnsampled* guard the split).
  Span start(std::string_view name, SpanKind kind, const SpanStartOptions& options) noexcept {
    detail::ProviderState* state = state_.get();
    if (state && (state->plan().unsampled_children_are_free || state->plan().unsampled_roots_are_free) &&
        !options.parent && !options.root && !state->shut_down()) {
      const Context& current = Context::current();
      const bool free = current.span_context().is_valid()
                            ? !current.span_context().sampled() && state->plan().unsampled_children_are_free
                            : state->plan().unsampled_roots_are_free;
      if (free) return start_unsampled(*state, current, options.make_current);
    }
    return start_other(name, kind, options);
  }

  /// A span that is never sampled: new ids only (a span id of its own, and a new trace id
  /// for a root), so that a downstream call names it as its parent; no clock read, no
  /// record. Out of line so that start() stays small for the sampled spans that pass
  /// through it.
  static TRACEWIRE_NOINLINE Span start_unsampled(detail::ProviderState& state, const Context& parent,
                                                 bool make_current) noexcept {
    return Span::non_recording(unsampled_context(state, parent.span_context()), parent, make_current);
  }

  /// The flags a child inherits: the random flag (it describes the trace id) and the debug
  /// bit (a caller forced the whole trace, so the calls the child makes pass it on).
  static std::uint8_t inherited_flags(const SpanContext& parent) noexcept {
    return static_cast<std::uint8_t>(parent.flags.bits() & (TraceFlags::random_bit | TraceFlags::debug_bit));
  }

  /// The identity of an unsampled span under `parent` (a root if `parent` is invalid).
  static SpanContext unsampled_context(detail::ProviderState& state, const SpanContext& parent) noexcept {
    if (parent.is_valid()) {
      return SpanContext{parent.trace_id, state.new_span_id(), TraceFlags(inherited_flags(parent)), parent.trace_state,
                         false};
    }
    TraceId trace_id;
    SpanId span_id;
    state.new_root_ids(trace_id, span_id);
    return SpanContext{trace_id, span_id, TraceFlags(state.plan().sets_random_flag ? TraceFlags::random_bit : 0),
                       parent.trace_state, false};
  }

  /// The parent a span starts under: `options.parent`, none for `as_root()`, else the
  /// thread's current context.
  static const Context& resolve_parent(const SpanStartOptions& options) noexcept {
    static const Context no_parent;
    return options.parent ? *options.parent : (options.root ? no_parent : Context::current());
  }

  /// The new span's identity and the sampler's decision (asked only when not fixed).
  static SamplingResult decide(detail::ProviderState& state, std::string_view name, SpanKind kind,
                               const SpanStartOptions& options, const SpanContext& parent,
                               SpanContext& context) noexcept {
    const bool has_parent = parent.is_valid();
    TraceId trace_id;
    SpanId span_id;
    if (has_parent) {
      trace_id = parent.trace_id;
      span_id = state.new_span_id();
    } else {
      state.new_root_ids(trace_id, span_id);  // one draw of the thread's generator
    }
    SamplingResult decision;
    if (state.plan().decision_for(parent) == detail::FixedDecision::ask_sampler) {
      decision = state.sampler().should_sample(SamplingParameters{parent, trace_id, name, kind, options.attributes});
    } else {
      decision.decision = SamplingDecision::record_and_sample;
    }
    std::uint8_t flags =
        has_parent ? inherited_flags(parent) : (state.plan().sets_random_flag ? TraceFlags::random_bit : 0);
    if (decision.sampled()) flags |= TraceFlags::sampled_bit;
    context = SpanContext{trace_id, span_id, TraceFlags(flags),
                          decision.trace_state ? *decision.trace_state : parent.trace_state, false};
    return decision;
  }

  /// Fills a pooled record for a recording span; null if memory ran out.
  SpanData* fill_record(detail::ProviderState& state, std::string_view name, SpanKind kind,
                        const SpanStartOptions& options, const Context& parent_context,
                        const SpanContext& context) const noexcept {
    SpanData* record = nullptr;
    try {
      record = detail::SpanRecordPool::for_this_thread().acquire();
      record->set_origin(&state.resource(), scope_, &state.limits());
      record->set_start_time(options.start_time ? to_unix_nano(*options.start_time) : now_unix_nano());
      record->set_name(name);
      record->set_kind(kind);
      record->set_context(context);
      const SpanContext& parent = parent_context.span_context();
      if (parent.is_valid()) record->set_parent(parent.span_id, parent.is_remote);
      for (const KeyValue& attribute : options.attributes) record->set_attribute(attribute.key, attribute.value);
      for (const SpanLink& link : options.links) record->add_link(link.context, link.attributes);
      if (state.plan().calls_on_start) state.processor()->on_start(*record, parent_context);
      return record;
    } catch (...) {
      if (record) (void)SpanDataPtr::first_owner(record);  // back to its pool
      return nullptr;
    }
  }

  TRACEWIRE_NOINLINE Span start_other(std::string_view name, SpanKind kind, const SpanStartOptions& options) noexcept {
    const Context& parent_context = resolve_parent(options);
    const SpanContext& parent = parent_context.span_context();
    detail::ProviderState* state = state_.get();
    if (state == nullptr || state->plan().noop) {
      return Span::non_recording(SpanContext(parent), parent_context, options.make_current);  // the API's no-op
    }
    if (state->shut_down()) return Span::non_recording(SpanContext(), parent_context, options.make_current);
    if (state->plan().decision_for(parent) == detail::FixedDecision::drop) {
      return Span::non_recording(unsampled_context(*state, parent), parent_context, options.make_current);
    }
    SpanContext context;
    const SamplingResult decision = decide(*state, name, kind, options, parent, context);
    if (!decision.recorded()) return Span::non_recording(std::move(context), parent_context, options.make_current);
    SpanData* record = fill_record(*state, name, kind, options, parent_context, context);
    if (record == nullptr) {  // out of memory: a non-recording span with the same identity
      return Span::non_recording(std::move(context), parent_context, options.make_current);
    }
    detail::OpenSpanCount::started();  // balanced in ProviderState::end_span
    return Span::recording(*state, *record, parent_context, options.make_current);
  }

  std::shared_ptr<detail::ProviderState> state_;
  const InstrumentationScope* scope_ = nullptr;
};

}  // namespace v0
}  // namespace tracewire
