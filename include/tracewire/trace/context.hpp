// Context: what is "current" on a thread — the active span context and the baggage — and
// Scope, which makes a Context current for a block.
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "tracewire/core/baggage.hpp"
#include "tracewire/core/span_context.hpp"

namespace tracewire {
inline namespace v0 {

class Span;
namespace detail {
class ThreadContext;
}

/// A small copyable value holding the span context that new spans become children of,
/// and the baggage that travels with it. Propagators extract one from incoming headers and
/// inject one into outgoing headers. Async code captures a Context (or a Span) and
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

  Context with_span_context(SpanContext span_context) const { return Context(std::move(span_context), baggage_); }
  Context with_baggage(Baggage baggage) const { return Context(span_context_, std::move(baggage)); }

  /// The calling thread's current context (empty if nothing is active).
  static const Context& current() noexcept;

  friend bool operator==(const Context& a, const Context& b) noexcept {
    return a.span_context_ == b.span_context_ && a.baggage_ == b.baggage_;
  }
  friend bool operator!=(const Context& a, const Context& b) noexcept { return !(a == b); }

 private:
  friend class detail::ThreadContext;

  SpanContext span_context_;
  Baggage baggage_;
};

namespace detail {

/// Where an activation (a current Span, or a Scope) sits in its thread's activation stack.
/// `thread` is null when nothing was made current.
struct Activation {
  ThreadContext* thread = nullptr;
  std::uint32_t index;
  std::uint32_t serial;
};

/// The calling thread's current Context and the stack of activations that made it so.
///
/// Every activation pushes a frame holding what it replaced. Ending the activation on top
/// restores that, and then also pops the frames below it whose activations already ended
/// out of order, so that after `a.end(); b.end();` (a started first) the thread's context
/// is what it was before `a`, never the ended `a`. A Scope is authoritative: when it ends,
/// every activation above it that is still registered (a span leaked out of a handler) is
/// discarded with it. Frames live here, not in the spans, so a frame never dangles when a
/// span is moved or destroyed elsewhere; a serial number tells a frame's owner it is still
/// the same frame.
///
/// A coroutine that moves between threads carries a stack of its own
/// (instrumentation/asio_awaitable.hpp): while it runs, it installs that stack on the
/// thread, and get() returns it there instead of the thread's.
class ThreadContext {
 public:
  static ThreadContext& get() noexcept;

  /// A stack that belongs to no thread (a coroutine's), starting from `base`. Its serial
  /// numbers start apart from other such stacks', so that a span still holding an
  /// activation of a destroyed stack cannot mistake a new stack at the same address for it.
  explicit ThreadContext(const Context& base) : current_(base), serial_(next_serial_base()) { frames_.reserve(16); }

  /// Makes `stack` what get() returns on this thread (null: the thread's own stack again)
  /// and returns what was installed before.
  static ThreadContext* install(ThreadContext* stack) noexcept;

  const Context& current() const noexcept { return current_; }

  /// Makes `span_context` current, with `baggage` unless it is null (then the current
  /// baggage stays). Returns an inactive Activation if memory for the frame ran out.
  Activation push(const SpanContext& span_context, const Baggage* baggage) noexcept {
    try {
      frames_.emplace_back();
    } catch (...) {
      return {};
    }
    Frame& frame = frames_.back();
    frame.serial = ++serial_;
    frame.ended = false;
    frame.previous_span_context = std::move(current_.span_context_);
    current_.span_context_ = span_context;
    if (baggage) {
      frame.previous_baggage.emplace(std::move(current_.baggage_));
      current_.baggage_ = *baggage;
    }
    return Activation{this, static_cast<std::uint32_t>(frames_.size() - 1), frame.serial};
  }
  /// A Scope's push: the whole context is replaced.
  Activation push(const Context& context) noexcept { return push(context.span_context_, &context.baggage_); }

  /// True if `activation` is still registered on this thread.
  bool holds(const Activation& activation) const noexcept {
    return activation.thread == this && activation.index < frames_.size() &&
           frames_[activation.index].serial == activation.serial;
  }

  /// Ends a span's activation (this thread must hold it): restores what it replaced if it
  /// is on top, else marks it ended so that the frame above restores past it.
  void pop(const Activation& activation) noexcept {
    if (!holds(activation)) return;
    frames_[activation.index].ended = true;
    pop_ended();
  }

  /// Ends a Scope's activation: restores what it replaced and discards everything above.
  void pop_through(const Activation& activation) noexcept {
    if (!holds(activation)) return;
    while (frames_.size() > activation.index) restore_top();
    pop_ended();
  }

  /// The baggage in effect while `activation` is on top (it may have been replaced above).
  const Baggage& baggage_of(const Activation& activation) const noexcept {
    for (std::size_t i = activation.index + 1; i < frames_.size(); ++i) {
      if (frames_[i].previous_baggage) return *frames_[i].previous_baggage;
    }
    return current_.baggage_;
  }

 private:
  struct Frame {
    std::uint32_t serial;
    bool ended;
    SpanContext previous_span_context;
    std::optional<Baggage> previous_baggage;  // set only when the activation replaced it
  };

  ThreadContext() { frames_.reserve(16); }

  struct Slot;
  static Slot& slot() noexcept;
  static std::uint32_t next_serial_base() noexcept {
    static std::atomic<std::uint32_t> base{0};
    return base.fetch_add(std::uint32_t{1} << 20, std::memory_order_relaxed);
  }

  void restore_top() noexcept {
    Frame& frame = frames_.back();
    current_.span_context_ = std::move(frame.previous_span_context);
    if (frame.previous_baggage) current_.baggage_ = std::move(*frame.previous_baggage);
    frames_.pop_back();
  }
  void pop_ended() noexcept {
    while (!frames_.empty() && frames_.back().ended) restore_top();
  }

  Context current_;
  std::vector<Frame> frames_;
  std::uint32_t serial_ = 0;
};

/// The thread's own stack and the one in use (its own unless a coroutine's is installed),
/// in one thread_local: get() costs one load more than a plain thread_local stack.
struct ThreadContext::Slot {
  Slot() : active(&own) {}
  ThreadContext own;
  ThreadContext* active;
};

inline ThreadContext::Slot& ThreadContext::slot() noexcept {
  thread_local Slot thread;
  return thread;
}

inline ThreadContext& ThreadContext::get() noexcept { return *slot().active; }

inline ThreadContext* ThreadContext::install(ThreadContext* stack) noexcept {
  Slot& thread = slot();
  ThreadContext* previous = thread.active == &thread.own ? nullptr : thread.active;
  thread.active = stack ? stack : &thread.own;
  return previous;
}

}  // namespace detail

inline const Context& Context::current() noexcept { return detail::ThreadContext::get().current(); }

/// Makes a Context (or a Span, with the baggage it was started with) current on this thread
/// until the Scope is destroyed, then restores what was current before — also when a span
/// started inside the scope was left current (moved away or ended on another thread): the
/// end of a Scope is a boundary nothing leaks past. Scopes end in reverse order of creation
/// on the thread that made them.
///
/// **Example**: `tracewire::Scope scope(server_span);  // children and injected calls use it`
class Scope {
 public:
  explicit Scope(const Context& context) noexcept : activation_(detail::ThreadContext::get().push(context)) {}
  /// Makes `span` current with the baggage it was started with (see `Span::to_context`).
  explicit Scope(const Span& span) noexcept;
  ~Scope() {
    if (activation_.thread) detail::ThreadContext::get().pop_through(activation_);
  }
  Scope(const Scope&) = delete;
  Scope& operator=(const Scope&) = delete;

 private:
  detail::Activation activation_;
};

}  // namespace v0
}  // namespace tracewire
