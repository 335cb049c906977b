// quote: how a diagnostic shows a value it did not choose (configuration, received headers).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

namespace tracewire {
inline namespace v0 {
namespace detail {

/// How many bytes of a value a diagnostic shows: enough to recognise it, short enough that
/// a 100 kB environment variable or header still makes a one-line message.
inline constexpr std::size_t quoted_bytes = 64;

/// `value` in double quotes with control characters, quotes and bytes that are not valid
/// UTF-8 escaped (so it cannot forge or split a log line), cut to its first `max_bytes`
/// bytes with its full size said: `"abc"`, or `"aaaa"…(100000 bytes)` when cut.
///
/// **Example**: `log(LogLevel::warn, "invalid {}={}", name, detail::quote(value));`
inline std::string quote(std::string_view value, std::size_t max_bytes = quoted_bytes) {
  if (value.size() <= max_bytes) return fmt::format("{:?}", value);
  return fmt::format("{:?}…({} bytes)", value.substr(0, max_bytes), value.size());
}

/// The first `max_items` of `items`, each quoted, then how many more there are:
/// `"a", "b", "c" and 49997 more`. One line however long the list.
inline std::string quote_list(const std::vector<std::string_view>& items, std::size_t max_items = 3) {
  std::string text;
  for (std::size_t i = 0; i < items.size() && i < max_items; ++i) {
    if (i > 0) text += ", ";
    text += quote(items[i]);
  }
  if (items.size() > max_items) text += fmt::format(" and {} more", items.size() - max_items);
  return text;
}

}  // namespace detail
}  // namespace v0
}  // namespace tracewire
