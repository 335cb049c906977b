// Percent-decoding (RFC 3986 §2.1) for header lists and baggage-style values.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "tracewire/core/detail/hex.hpp"

namespace tracewire {
inline namespace v0 {
namespace detail {

/// Decodes `%XX` escapes (either case); other characters are copied as they are. A `%`
/// not followed by two hex digits makes the whole text invalid (nullopt): the
/// specification's list variables (OTEL_EXPORTER_OTLP_HEADERS, OTEL_RESOURCE_ATTRIBUTES)
/// treat a decoding error as an error, not as a literal `%`.
inline std::optional<std::string> percent_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
      continue;
    }
    if (i + 2 >= text.size()) return std::nullopt;
    const int high = any_case_hex_value(text[i + 1]);
    const int low = any_case_hex_value(text[i + 2]);
    if ((high | low) < 0) return std::nullopt;
    out += static_cast<char>((high << 4) | low);
    i += 2;
  }
  return out;
}

}  // namespace detail
}  // namespace v0
}  // namespace tracewire
