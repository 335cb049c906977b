// SpanLimits: how much one span may hold.
#pragma once

#include <cstddef>
#include <cstdint>

namespace tracewire {
inline namespace v0 {

/// Bounds on what one span records (specification: Span Limits). What goes beyond is
/// dropped and counted in the span's dropped_*_count; strings beyond the value length
/// limit are truncated. Defaults are the specification's.
struct SpanLimits {
  static constexpr std::size_t unlimited = SIZE_MAX;

  std::size_t attribute_count = 128;               ///< OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT
  std::size_t attribute_value_length = unlimited;  ///< OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT
  std::size_t event_count = 128;                   ///< OTEL_SPAN_EVENT_COUNT_LIMIT
  std::size_t link_count = 128;                    ///< OTEL_SPAN_LINK_COUNT_LIMIT
  std::size_t attributes_per_event = 128;          ///< OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT
  std::size_t attributes_per_link = 128;           ///< OTEL_LINK_ATTRIBUTE_COUNT_LIMIT
};

}  // namespace v0
}  // namespace tracewire
