// Reading a finished span in tests: an attribute as text or integer, an event's attribute,
// a span by name among the exported ones.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tracewire/core/span_data.hpp"

namespace tracewire_test {

/// The string attribute `key`, or "<absent>" (also when it is not a string).
inline std::string text_attribute(tracewire::ArrayView<tracewire::KeyValue> attributes, std::string_view key) {
  for (const tracewire::KeyValue& attribute : attributes) {
    if (attribute.key != key) continue;
    const auto* text = attribute.value.get_if<std::string_view>();
    return text ? std::string(*text) : "<not a string>";
  }
  return "<absent>";
}
inline std::string text_attribute(const tracewire::SpanData& span, std::string_view key) {
  return text_attribute(span.attributes(), key);
}

/// The integer attribute `key`, or nothing.
inline std::optional<std::int64_t> int_attribute(tracewire::ArrayView<tracewire::KeyValue> attributes,
                                                 std::string_view key) {
  for (const tracewire::KeyValue& attribute : attributes) {
    if (attribute.key != key) continue;
    const auto* value = attribute.value.get_if<std::int64_t>();
    return value ? std::optional<std::int64_t>(*value) : std::nullopt;
  }
  return std::nullopt;
}
inline std::optional<std::int64_t> int_attribute(const tracewire::SpanData& span, std::string_view key) {
  return int_attribute(span.attributes(), key);
}

/// The spans named `name`, in export order.
inline std::vector<tracewire::SpanData> spans_named(const std::vector<tracewire::SpanData>& spans,
                                                    std::string_view name) {
  std::vector<tracewire::SpanData> found;
  for (const tracewire::SpanData& span : spans) {
    if (span.name() == name) found.push_back(span);
  }
  return found;
}

}  // namespace tracewire_test
