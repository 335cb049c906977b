// SpanStartOptions: how a span starts (kind, parent, time, attributes, links).
#pragma once

#include <chrono>
#include <initializer_list>
#include <optional>
#include <vector>

#include "tracewire/core/attribute_value.hpp"
#include "tracewire/core/span_data.hpp"
#include "tracewire/core/span_kind.hpp"
#include "tracewire/trace/context.hpp"

namespace tracewire {
inline namespace v0 {

/// Options for `Tracer::start_span`, set with chained calls (C++17 has no designated
/// initialisers). Attributes and links are views: they are copied when the span starts.
///
/// **Example**: `tracer.start_span("GET /cart", SpanStartOptions().with_kind(SpanKind::server).with_parent(incoming));`
struct SpanStartOptions {
  SpanKind kind = SpanKind::internal;
  /// The parent; when unset the thread's current context is used.
  std::optional<Context> parent;
  /// Start a new trace whatever is current (ignored when `parent` is set).
  bool root = false;
  std::optional<std::chrono::system_clock::time_point> start_time;
  ArrayView<KeyValue> attributes;
  ArrayView<SpanLink> links;
  /// Make the new span the thread's current span until it ends.
  bool make_current = true;

  SpanStartOptions& with_kind(SpanKind value) noexcept {
    kind = value;
    return *this;
  }
  SpanStartOptions& with_parent(Context value) {
    parent = std::move(value);
    return *this;
  }
  SpanStartOptions& with_parent(const SpanContext& value) {
    parent = Context::current().with_span_context(value);
    return *this;
  }
  SpanStartOptions& as_root() noexcept {
    root = true;
    return *this;
  }
  SpanStartOptions& with_start_time(std::chrono::system_clock::time_point value) noexcept {
    start_time = value;
    return *this;
  }
  SpanStartOptions& with_attributes(ArrayView<KeyValue> value) noexcept {
    attributes = value;
    return *this;
  }
  /// A braced list lives until the end of the full expression: use this form only inline,
  /// inside the `start_span(...)` call.
  SpanStartOptions& with_attributes(std::initializer_list<KeyValue> value) noexcept {
    attributes = ArrayView<KeyValue>(value.begin(), value.size());
    return *this;
  }
  SpanStartOptions& with_links(ArrayView<SpanLink> value) noexcept {
    links = value;
    return *this;
  }
  SpanStartOptions& not_current() noexcept {
    make_current = false;
    return *this;
  }
};

}  // namespace v0
}  // namespace tracewire
