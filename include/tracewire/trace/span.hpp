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
#include "tracewire/core/span_data.hpp"
#include "tracewire/trace/context.hpp"
#include "tracewire/trace/detail/provider_state.hpp"

namespace tracewire {
inline namespace v0 {

class Tracer;

/// One operation in a trace. Started by `Tracer::start_span`, it becomes the thread's
/// current span (unless started with `not_current()`), and ends when destroyed or when
/// `end()` is called; ending restores the previously current span. Move-only. Every method
/// is safe on a span that is not recording, already ended or moved from: it does nothing.
/// Nothing here throws or blocks.
///
/// A span that is not sampled records nothing: `is_recording()` is false and setters are
/// free, but `context()` is still valid so the trace propagates downstream.
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
  ~Span() { end(); }

  Span(const Span&) = delete;
  Span& operator=(const Span&) = delete;
  Span(Span&& other) noexcept { take(other); }
  Span& operator=(Span&& other) noexcept {
    if (this != &other) {
      end();
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
    KeyValue attributes[] = {{"exception.type", type}, {"exception.message", message}, {"exception.stacktrace", stacktrace}};
    add_event("exception", ArrayView<KeyValue>(attributes, stacktrace.empty() ? 2 : 3));
  }
  void record_exception(const std::exception& error) noexcept {
    guarded([&] { record_exception(type_name(error), error.what()); });
  }

  void update_name(std::string_view name) noexcept {
    guarded([&] { record_->set_name(name); });
  }

  /// Ends the span (now, or at `time`); later calls do nothing.
  void end(std::optional<std::chrono::system_clock::time_point> time = std::nullopt) noexcept {
    if (ended_) return;
    ended_ = true;
    if (previous_span_context_) restore_previous();
    if (record_) finish(time);
  }

 private:
  friend class Tracer;

  /// A started span (see Tracer): recording if `record` is set, else with identity
  /// `context`; made current over `parent` unless that is null.
  Span(detail::ProviderState* provider, SpanData* record, SpanContext&& context, const Context* parent) noexcept
      : provider_(provider), record_(record), context_(std::move(context)), ended_(false) {
    if (parent) make_current(*parent);
  }

  /// A non-recording span with its (unsampled) parent's identity, not made current. Copied
  /// straight into the span: building a SpanContext first and moving it in makes g++ store
  /// it in pieces and reload it whole, a store-forwarding stall worth a third of this span.
  struct KeepParentIdentity {};
  Span(KeepParentIdentity, const SpanContext& parent) noexcept : context_(parent), ended_(false) {
    context_.is_remote = false;
  }

  // Making a span current exchanges only what changes: the span context, and the baggage
  // only when the parent is not the current context (an explicit parent brings its own).
  // The usual child of the current span thus never copies or releases the baggage.
  void make_current(const Context& parent) noexcept {
    Context& slot = Context::slot();
    // Moved out, then assigned: std::exchange would add a temporary to build and destroy.
    if (&parent != &slot) {
      previous_baggage_.emplace(std::move(slot.baggage_));
      slot.baggage_ = parent.baggage_;
    }
    previous_span_context_.emplace(std::move(slot.span_context_));
    slot.span_context_ = context();
  }

  void restore_previous() noexcept {
    Context& slot = Context::slot();
    // Restore only if still current: spans ended out of order leave the newer one in place.
    if (slot.span_context_.span_id == context().span_id) {
      slot.span_context_ = std::move(*previous_span_context_);
      if (previous_baggage_) slot.baggage_ = std::move(*previous_baggage_);
    }
    previous_span_context_.reset();
    previous_baggage_.reset();
  }

  void finish(const std::optional<std::chrono::system_clock::time_point>& time) noexcept {
    // Two system_clock reads per span (start, end) are the minimum for wall-clock
    // timestamps: a steady_clock duration would need a third read. A step of the wall
    // clock (NTP) between them is clamped so a span never ends before it starts.
    record_->set_end_time(time ? to_unix_nano(*time) : std::max(now_unix_nano(), record_->start_time_unix_nano()));
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
    provider_ = std::exchange(other.provider_, nullptr);
    record_ = std::exchange(other.record_, nullptr);
    context_ = std::move(other.context_);
    previous_span_context_ = std::move(other.previous_span_context_);
    previous_baggage_ = std::move(other.previous_baggage_);
    other.previous_span_context_.reset();
    other.previous_baggage_.reset();
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
  SpanContext context_;  // the context of a non-recording span, or of a recording one after end
  bool ended_ = true;  // an inert span is born ended
  // What this span replaced in the thread's current context; empty if it was not made
  // current (see make_current). Optionals so that a span that is not made current
  // initialises neither: zeroing the whole span makes g++ emit a `rep stos` costing ~10 ns,
  // twice an unsampled span's budget.
  std::optional<SpanContext> previous_span_context_;
  std::optional<Baggage> previous_baggage_;
};

}  // namespace v0
}  // namespace tracewire
