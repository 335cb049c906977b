// Tracer: starts spans for one instrumentation scope.
#pragma once

#include <memory>
#include <string_view>
#include <utility>

#include "tracewire/core/clock.hpp"
#include "tracewire/trace/detail/provider_state.hpp"
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

  Span start_span(std::string_view name) { return start_span(name, SpanStartOptions()); }
  Span start_span(std::string_view name, SpanKind kind) { return start_span(name, SpanStartOptions().with_kind(kind)); }

  Span start_span(std::string_view name, const SpanStartOptions& options) noexcept {
    const Context& current = Context::current();
    const Context* parent_context = options.parent ? &*options.parent : &current;
    static const SpanContext no_parent;
    const SpanContext& parent =
        options.parent ? options.parent->span_context() : (options.root ? no_parent : current.span_context());

    Span span;
    span.active_ = true;
    detail::ProviderState* state = state_.get();
    if (state == nullptr || state->noop || state->shut_down.load(std::memory_order_relaxed)) {
      span.context_ = state && !state->noop ? SpanContext() : parent;  // the API's no-op keeps the parent
      make_current(span, *parent_context, options);
      return span;
    }

    const bool has_parent = parent.is_valid();
    const TraceId trace_id = has_parent ? parent.trace_id : state->id_generator->new_trace_id();
    const SamplingResult decision = state->sampler->should_sample(
        SamplingParameters{parent, trace_id, name, options.kind, options.attributes});

    std::uint8_t flags = has_parent ? static_cast<std::uint8_t>(parent.flags.bits() & TraceFlags::random_bit)
                                    : (state->random_trace_ids ? TraceFlags::random_bit : 0);
    if (decision.sampled()) flags |= TraceFlags::sampled_bit;
    SpanContext context{trace_id, state->id_generator->new_span_id(), TraceFlags(flags),
                        decision.trace_state ? *decision.trace_state : parent.trace_state, false};

    if (!decision.recorded()) {
      span.context_ = std::move(context);
      make_current(span, *parent_context, options);
      return span;
    }

    try {
      SpanData* record = state->pool->acquire();
      record->set_origin(&state->resource, scope_, &state->limits);
      record->set_start_time(options.start_time ? to_unix_nano(*options.start_time) : now_unix_nano());
      record->set_name(name);
      record->set_kind(options.kind);
      record->set_context(std::move(context));
      if (has_parent) record->set_parent(parent.span_id, parent.is_remote);
      for (const KeyValue& attribute : options.attributes) record->set_attribute(attribute.key, attribute.value);
      for (const SpanLink& link : options.links) record->add_link(link.context, link.attributes);
      span.provider_ = state;
      span.record_ = record;
      if (state->processor_wants_on_start) state->processor->on_start(*record, *parent_context);
    } catch (...) {
      // Out of memory: the span degrades to a non-recording one with the same identity.
      span.context_ = std::move(context);
    }
    make_current(span, *parent_context, options);
    return span;
  }

  const InstrumentationScope* scope() const noexcept { return scope_; }

 private:
  static void make_current(Span& span, const Context& parent, const SpanStartOptions& options) noexcept {
    if (!options.make_current) return;
    Context& slot = Context::slot();
    // The new current context keeps the parent's baggage.
    Context next = &parent == &slot ? slot.with_span_context(span.context()) : parent.with_span_context(span.context());
    span.previous_ = std::exchange(slot, std::move(next));
    span.made_current_ = true;
  }

  std::shared_ptr<detail::ProviderState> state_;
  const InstrumentationScope* scope_ = nullptr;
};

}  // namespace v0
}  // namespace tracewire
