// Context: what is "current" on a thread — the active span context and the baggage.
#pragma once

#include <utility>

#include "tracewire/core/baggage.hpp"
#include "tracewire/core/span_context.hpp"

namespace tracewire {
inline namespace v0 {

/// A small copyable value holding the span context that new spans become children of,
/// and the baggage that travels with it. Propagators extract one from incoming headers and
/// inject one into outgoing headers. Async code captures `Context::current()` and
/// re-activates it elsewhere with a Scope.
///
/// **Example**:
/// ```
/// auto context = tracewire::Context::current();
/// pool.post([context] {
///   tracewire::Scope scope(context);          // spans started here are children
///   auto span = tracer.start_span("work");
/// });
/// ```
class Context {
 public:
  Context() = default;
  explicit Context(SpanContext span_context, Baggage baggage = {})
      : span_context_(std::move(span_context)), baggage_(std::move(baggage)) {}

  const SpanContext& span_context() const noexcept { return span_context_; }
  const Baggage& baggage() const noexcept { return baggage_; }

  Context with_span_context(SpanContext span_context) const {
    return Context(std::move(span_context), baggage_);
  }
  Context with_baggage(Baggage baggage) const { return Context(span_context_, std::move(baggage)); }

  /// The calling thread's current context (empty if nothing is active).
  static const Context& current() noexcept { return slot(); }

  friend bool operator==(const Context& a, const Context& b) noexcept {
    return a.span_context_ == b.span_context_ && a.baggage_ == b.baggage_;
  }
  friend bool operator!=(const Context& a, const Context& b) noexcept { return !(a == b); }

 private:
  friend class Scope;
  friend class Span;
  friend class Tracer;
  /// The thread-local storage behind current(); Scope and Span swap values in and out.
  static Context& slot() noexcept {
    thread_local Context current_context;
    return current_context;
  }

  SpanContext span_context_;
  Baggage baggage_;
};

/// Makes a Context current on this thread until the Scope is destroyed, then restores the
/// previous one. Scopes must be destroyed in reverse order of creation on their thread.
class Scope {
 public:
  explicit Scope(Context context) : previous_(std::exchange(Context::slot(), std::move(context))) {}
  ~Scope() { Context::slot() = std::move(previous_); }
  Scope(const Scope&) = delete;
  Scope& operator=(const Scope&) = delete;

 private:
  Context previous_;
};

}  // namespace v0
}  // namespace tracewire
