// Span: the RAII guard of one timed operation.
#pragma once

#include <algorithm>
#include <chrono>
#include <exception>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <typeinfo>
#include <utility>
#include <vector>

#if defined(__GNUG__)
#include <cxxabi.h>
#include <cstdlib>
#endif

#include "tracewire/core/clock.hpp"
#include "tracewire/core/logger.hpp"
#include "tracewire/core/span_data.hpp"
#include "tracewire/trace/context.hpp"
#include "tracewire/trace/detail/provider_state.hpp"

namespace tracewire {
inline namespace v0 {

class Tracer;

/// One operation in a trace. Started by `Tracer::start_span`, it becomes the thread's
/// current span (unless started with `not_current()`), and ends when destroyed or when
/// `end()` is called. Move-only. Every method is safe on a span that is not recording,
/// already ended or moved from: it does nothing. Nothing here throws or blocks.
///
/// A span that is not sampled records nothing: `is_recording()` is false and setters are
/// free, but `context()` is still valid (with its own span id) so the trace propagates
/// downstream.
///
/// **Being current.** A span is current only on the thread, and in the place, that started
/// it: until it ends, is destroyed, or is moved. Moving a current span (into a completion
/// handler, a container, a `shared_ptr`, another thread) makes it current nowhere, and the
/// thread gets back what was current before it; where the moved span continues, make it
/// current again for that stretch with `Scope scope(span);` (or `bind_context(span,
/// handler)` in Asio code). Spans ended out of order restore correctly. A current span must
/// not be ended through a reference on another thread: that thread cannot touch the
/// starting thread's context, so the span stays current there until it is destroyed there
/// or an enclosing Scope ends (this is reported once).
///
/// **Lifetime.** A span may outlive its Tracer and its TracerProvider: a span ended after
/// its provider shut down is dropped and counted, never a use-after-free.
///
/// **Example**:
/// ```
/// auto span = tracer.start_span("charge-card", SpanKind::client);
/// span.set_attribute("payment.amount", 42.5);
/// if (!ok) span.set_status(StatusCode::error, "card declined");
/// ```                                             // ends here
class Span {
 public:
  /// An inert span (records nothing, has an invalid context).
  Span() noexcept = default;
  ~Span() {
    end();
    release_activation(Release::destroy);  // a span ended elsewhere is released here
  }

  Span(const Span&) = delete;
  Span& operator=(const Span&) = delete;
  Span(Span&& other) noexcept { take(other); }
  Span& operator=(Span&& other) noexcept {
    if (this != &other) {
      end();
      release_activation(Release::destroy);
      take(other);
    }
    return *this;
  }

  /// True while the span records (it was sampled or recorded, and has not ended).
  bool is_recording() const noexcept { return record_ != nullptr; }

  /// The span's identity, for propagation and for links; stays valid after end().
  const SpanContext& context() const noexcept { return record_ ? record_->context() : context_; }

  /// Sets an attribute; an existing key is overwritten. Beyond the span limits it is
  /// dropped and counted.
  void set_attribute(std::string_view key, const AttributeValue& value) noexcept {
    guarded([&] { record_->set_attribute(key, value); });
  }
  /// Sets an array of strings (AttributeValue views cannot point into std::string arrays).
  void set_attribute(std::string_view key, const std::vector<std::string>& values) noexcept {
    guarded([&] {
      std::vector<std::string_view> views(values.begin(), values.end());
      record_->set_attribute(key, ArrayView<std::string_view>(views));
    });
  }
  void set_attributes(ArrayView<KeyValue> attributes) noexcept {
    guarded([&] {
      for (const KeyValue& attribute : attributes) record_->set_attribute(attribute.key, attribute.value);
    });
  }
  void set_attributes(std::initializer_list<KeyValue> attributes) noexcept {
    set_attributes(ArrayView<KeyValue>(attributes.begin(), attributes.size()));
  }

  /// Adds an event now, or at `time`.
  void add_event(std::string_view name, ArrayView<KeyValue> attributes = {},
                 std::optional<std::chrono::system_clock::time_point> time = std::nullopt) noexcept {
    guarded([&] { record_->add_event(name, time ? to_unix_nano(*time) : now_unix_nano(), attributes); });
  }
  void add_event(std::string_view name, std::initializer_list<KeyValue> attributes,
                 std::optional<std::chrono::system_clock::time_point> time = std::nullopt) noexcept {
    add_event(name, ArrayView<KeyValue>(attributes.begin(), attributes.size()), time);
  }

  /// Links this span to another span context (e.g. a message that caused it).
  void add_link(const SpanContext& linked, ArrayView<KeyValue> attributes = {}) noexcept {
    guarded([&] { record_->add_link(linked, attributes); });
  }
  void add_link(const SpanContext& linked, std::initializer_list<KeyValue> attributes) noexcept {
    add_link(linked, ArrayView<KeyValue>(attributes.begin(), attributes.size()));
  }

  /// Sets the status: Unset is ignored, Ok is final, the message is kept only with Error.
  void set_status(StatusCode code, std::string_view message = {}) noexcept {
    guarded([&] { record_->set_status(code, message); });
  }

  /// Records an `exception` event (semantic conventions: exception.type, .message,
  /// .stacktrace). Does not change the status: call set_status(StatusCode::error) too if
  /// the exception is the span's outcome.
  void record_exception(std::string_view type, std::string_view message, std::string_view stacktrace = {}) noexcept {
    KeyValue attributes[] = {
        {"exception.type", type}, {"exception.message", message}, {"exception.stacktrace", stacktrace}};
    add_event("exception", ArrayView<KeyValue>(attributes, stacktrace.empty() ? 2 : 3));
  }
  void record_exception(const std::exception& error) noexcept {
    guarded([&] { record_exception(type_name(error), error.what()); });
  }

  void update_name(std::string_view name) noexcept {
    guarded([&] { record_->set_name(name); });
  }

  /// Ends the span (now, or at `time`; a time before the start is taken as the start);
  /// later calls do nothing. The thread gets back what was current before the span.
  void end(std::optional<std::chrono::system_clock::time_point> time = std::nullopt) noexcept {
    if (ended_) return;
    ended_ = true;
    release_activation(Release::end);
    if (record_) finish(time);
  }

  /// The Context in which this span is the active one: its span context and the baggage it
  /// was started with. `Scope scope(span);` makes it current.
  Context to_context() const {
    if (activation_.thread) {
      const detail::ThreadContext& thread = detail::ThreadContext::get();
      if (thread.holds(activation_)) return Context(context(), thread.baggage_of(activation_));
    }
    return Context(context(), baggage_);
  }

 private:
  friend class Tracer;

  /// A span that records nothing, with identity `context`: made current over `parent` if
  /// `make_current`, else keeping `parent`'s baggage for `to_context()`.
  static Span non_recording(SpanContext&& context, const Context& parent, bool make_current) noexcept {
    return Span(nullptr, nullptr, std::move(context), parent, make_current);
  }
  /// A span that records into `record` (taken from a pool) and ends into `state`.
  static Span recording(detail::ProviderState& state, SpanData& record, const Context& parent,
                        bool make_current) noexcept {
    return Span(&state, &record, SpanContext(), parent, make_current);
  }

  /// Made current over `parent` if `make_current` (with `parent`'s baggage unless `parent`
  /// is the thread's current context, whose baggage simply stays); else it keeps
  /// `parent`'s baggage for `to_context()`.
  Span(detail::ProviderState* provider, SpanData* record, SpanContext&& context, const Context& parent,
       bool make_current) noexcept
      : provider_(provider), record_(record), context_(std::move(context)), ended_(false) {
    if (make_current) {
      detail::ThreadContext& thread = detail::ThreadContext::get();
      activation_ = thread.push(this->context(), &parent == &thread.current() ? nullptr : &parent.baggage());
    } else {
      baggage_ = parent.baggage();
    }
  }

  /// Why a span gives up being current (see the class comment).
  enum class Release { end, destroy, move };

  /// Gives up being current on the thread that made this span current. A span moved away
  /// keeps the baggage it was current with. On another thread nothing can be restored: an
  /// end there is reported and the span stays registered until it is destroyed.
  void release_activation(Release why) noexcept {
    if (!activation_.thread) return;
    detail::ThreadContext& thread = detail::ThreadContext::get();
    if (activation_.thread == &thread) {
      if (why == Release::move && thread.holds(activation_)) baggage_ = thread.baggage_of(activation_);
      thread.pop(activation_);  // nothing if a Scope already discarded it
    } else if (why != Release::destroy) {
      report_foreign_release(why == Release::move);
      if (why == Release::end) return;
    }
    activation_.thread = nullptr;
  }

  static void report_foreign_release(bool moved) noexcept {
    static detail::RateLimitedLog log;
    log(LogLevel::warn,
        "a current span was {} on another thread than the one it is current on; it stays current "
        "there until destroyed there or until an enclosing Scope ends: move spans before handing them to other "
        "threads, or start them with not_current()",
        moved ? "moved" : "ended");
  }

  void finish(const std::optional<std::chrono::system_clock::time_point>& time) noexcept {
    // Two system_clock reads per span (start, end) are the minimum for wall-clock
    // timestamps: a steady_clock duration would need a third read. A step of the wall
    // clock (NTP) between them, or an explicit end time before the start, is clamped so a
    // span never ends before it starts.
    const std::uint64_t end_time = time ? to_unix_nano(*time) : now_unix_nano();
    record_->set_end_time(std::max(end_time, record_->start_time_unix_nano()));
    record_->note_storage();
    SpanData* record = std::exchange(record_, nullptr);
    context_ = record->context();  // keep context() valid after end
    provider_->end_span(record);
  }

  /// Runs a write on the record if recording; an allocation failure drops the write.
  template <class Write>
  void guarded(Write write) noexcept {
    if (!record_) return;
    try {
      write();
    } catch (...) {
      record_->add_dropped_attributes(1);
    }
  }

  void take(Span& other) noexcept {
    other.release_activation(Release::move);  // a moved span is current nowhere
    provider_ = std::exchange(other.provider_, nullptr);
    record_ = std::exchange(other.record_, nullptr);
    context_ = std::move(other.context_);
    baggage_ = std::move(other.baggage_);
    ended_ = std::exchange(other.ended_, true);
  }

  static std::string type_name(const std::exception& error) {
    const char* name = typeid(error).name();
#if defined(__GNUG__)
    int status = 0;
    char* demangled = abi::__cxa_demangle(name, nullptr, nullptr, &status);
    if (status == 0 && demangled) {
      std::string result(demangled);
      std::free(demangled);
      return result;
    }
#endif
    return name;
  }

  detail::ProviderState* provider_ = nullptr;
  SpanData* record_ = nullptr;
  SpanContext context_;            // the context of a non-recording span, or of a recording one after end
  bool ended_ = true;              // an inert span is born ended
  detail::Activation activation_;  // where it was made current, if it was
  Baggage baggage_;                // the baggage it was started with, when it is not current
};

inline Scope::Scope(const Span& span) noexcept : Scope(span.to_context()) {}

}  // namespace v0
}  // namespace tracewire
