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
/// **Example**:
/// ```
/// static auto tracer = tracewire::global_provider()->tracer("checkout", "1.2.0");
/// auto span = tracer.start_span("load-cart");
/// ```
class Tracer {
 public:
  /// A tracer whose spans are no-ops (what a default-constructed handle does).
  Tracer() = default;
  Tracer(std::shared_ptr<detail::ProviderState> state, const InstrumentationScope* scope) noexcept
      : state_(std::move(state)), scope_(scope) {}

  // The shorter forms share one default SpanStartOptions rather than building one per span.
  Span start_span(std::string_view name) noexcept { return start(name, SpanKind::internal, default_options()); }
  Span start_span(std::string_view name, SpanKind kind) noexcept { return start(name, kind, default_options()); }
  Span start_span(std::string_view name, const SpanStartOptions& options) noexcept {
    return start(name, options.kind, options);
  }

  const InstrumentationScope* scope() const noexcept { return scope_; }

 private:
  static const SpanStartOptions& default_options() noexcept {
    static const SpanStartOptions options;
    return options;
  }

  // Every path ends in `return Span(...)`: the span is built once in the caller's storage
  // (guaranteed copy elision), never default-built and then assigned.
  //
  // The two unsampled cases a fixed sampler decides from the current context alone are
  // dispatched here inline; everything else (explicit parents, root option, sampled spans,
  // samplers that must be asked) is out of line in start_other, which gives the same
  // results for these cases too (see core/detail/inlining.hpp for why the split pays).
  Span start(std::string_view name, SpanKind kind, const SpanStartOptions& options) noexcept {
    detail::ProviderState* state = state_.get();
    if (state && (state->unsampled_children_are_free || state->unsampled_roots_are_free) && !options.parent &&
        !options.root && !state->shut_down.load(std::memory_order_relaxed)) {
      const Context& current = Context::current();
      if (current.span_context().is_valid()) {
        if (!current.span_context().sampled() && state->unsampled_children_are_free) {
          return start_unsampled(*state, current, options.make_current);
        }
      } else if (state->unsampled_roots_are_free) {
        return start_unsampled(*state, current, options.make_current);
      }
    }
    return start_other(name, kind, options);
  }

  /// A span that is never sampled: new ids only (a span id of its own, and a new trace id
  /// for a root), so that a downstream call names it as its parent; no clock read, no
  /// record. Out of line so that start() stays small for the sampled spans that pass
  /// through it.
  static TRACEWIRE_NOINLINE Span start_unsampled(detail::ProviderState& state, const Context& parent,
                                                 bool make_current) noexcept {
    return Span(nullptr, nullptr, unsampled_context(state, parent.span_context()), parent, make_current);
  }

  /// The identity of an unsampled span under `parent` (a root if `parent` is invalid).
  static SpanContext unsampled_context(detail::ProviderState& state, const SpanContext& parent) noexcept {
    if (parent.is_valid()) {
      return SpanContext{parent.trace_id, state.new_span_id(),
                         TraceFlags(parent.flags.bits() & TraceFlags::random_bit), parent.trace_state, false};
    }
    TraceId trace_id;
    SpanId span_id;
    state.new_root_ids(trace_id, span_id);
    return SpanContext{trace_id, span_id, TraceFlags(state.random_trace_ids ? TraceFlags::random_bit : 0),
                       parent.trace_state, false};
  }

  TRACEWIRE_NOINLINE Span start_other(std::string_view name, SpanKind kind, const SpanStartOptions& options) noexcept {
    static const Context no_parent_context;
    const Context& parent_context =
        options.parent ? *options.parent : (options.root ? no_parent_context : Context::current());
    const SpanContext& parent = parent_context.span_context();
    const bool make_current = options.make_current;

    detail::ProviderState* state = state_.get();
    if (state == nullptr || state->noop || state->shut_down.load(std::memory_order_relaxed)) {
      // The API's no-op keeps the parent; a shut-down provider starts invalid spans.
      return Span(nullptr, nullptr, state && !state->noop ? SpanContext() : SpanContext(parent), parent_context,
                  make_current);
    }

    const bool has_parent = parent.is_valid();
    const detail::FixedDecision fixed = state->decision_for(parent);
    if (fixed == detail::FixedDecision::drop) {
      return Span(nullptr, nullptr, unsampled_context(*state, parent), parent_context, make_current);
    }

    // A root span's three id words come from one draw of the thread's generator.
    TraceId trace_id;
    SpanId span_id;
    if (has_parent) {
      trace_id = parent.trace_id;
      span_id = state->new_span_id();
    } else {
      state->new_root_ids(trace_id, span_id);
    }
    SamplingResult decision;
    if (fixed == detail::FixedDecision::ask_sampler) {
      decision = state->sampler->should_sample(SamplingParameters{parent, trace_id, name, kind, options.attributes});
    } else {
      decision.decision = SamplingDecision::record_and_sample;
    }

    std::uint8_t flags = has_parent ? static_cast<std::uint8_t>(parent.flags.bits() & TraceFlags::random_bit)
                                    : (state->random_trace_ids ? TraceFlags::random_bit : 0);
    if (decision.sampled()) flags |= TraceFlags::sampled_bit;
    SpanContext context{trace_id, span_id, TraceFlags(flags),
                        decision.trace_state ? *decision.trace_state : parent.trace_state, false};
    if (!decision.recorded()) return Span(nullptr, nullptr, std::move(context), parent_context, make_current);

    SpanData* record = nullptr;
    try {
      record = detail::SpanRecordPool::for_this_thread().acquire();
      record->set_origin(&state->resource, scope_, &state->limits);
      record->set_start_time(options.start_time ? to_unix_nano(*options.start_time) : now_unix_nano());
      record->set_name(name);
      record->set_kind(kind);
      record->set_context(context);
      if (has_parent) record->set_parent(parent.span_id, parent.is_remote);
      for (const KeyValue& attribute : options.attributes) record->set_attribute(attribute.key, attribute.value);
      for (const SpanLink& link : options.links) record->add_link(link.context, link.attributes);
      if (state->processor_wants_on_start) state->processor->on_start(*record, parent_context);
    } catch (...) {
      // Out of memory: the span degrades to a non-recording one with the same identity.
      if (record) (void)SpanDataPtr(record);  // back to its pool
      return Span(nullptr, nullptr, std::move(context), parent_context, make_current);
    }
    detail::OpenSpanCount::started();  // balanced in ProviderState::end_span
    return Span(state, record, SpanContext(), parent_context, make_current);
  }

  std::shared_ptr<detail::ProviderState> state_;
  const InstrumentationScope* scope_ = nullptr;
};

}  // namespace v0
}  // namespace tracewire
