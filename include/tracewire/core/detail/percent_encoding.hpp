// Percent-encoding (RFC 3986) as W3C Baggage, Jaeger baggage headers and OTEL_* lists use it.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "tracewire/core/detail/hex.hpp"

namespace tracewire {
inline namespace v0 {
namespace detail {

/// Appends `text` to `out` with every `%XX` escape (either case) decoded. Returns false,
/// leaving `out` partly written, when a `%` is not followed by two hex digits: such text was
/// not produced by a percent-encoder and its meaning is unknown.
inline bool percent_decode(std::string_view text, std::string& out) {
  out.reserve(out.size() + text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out.push_back(text[i]);
      continue;
    }
    if (i + 2 >= text.size()) return false;
    const int high = any_case_hex_value(text[i + 1]);
    const int low = any_case_hex_value(text[i + 2]);
    if ((high | low) < 0) return false;
    out.push_back(static_cast<char>((high << 4) | low));
    i += 2;
  }
  return true;
}

/// The decoded text, or nullopt on a malformed escape: the specification's list variables
/// (OTEL_EXPORTER_OTLP_HEADERS, OTEL_RESOURCE_ATTRIBUTES) treat that as an error.
inline std::optional<std::string> percent_decode(std::string_view text) {
  std::string out;
  if (!percent_decode(text, out)) return std::nullopt;
  return out;
}

/// Appends `text` to `out`, writing every byte for which `keep(byte)` is false as `%XX`
/// (uppercase hex, as RFC 3986 recommends).
template <class Keep>
void percent_encode(std::string_view text, std::string& out, Keep keep) {
  static constexpr char upper_hex_digits[] = "0123456789ABCDEF";
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (keep(c)) {
      out.push_back(c);
    } else {
      out.push_back('%');
      out.push_back(upper_hex_digits[byte >> 4]);
      out.push_back(upper_hex_digits[byte & 0x0f]);
    }
  }
}

/// RFC 3986 unreserved characters plus those JavaScript's encodeURIComponent leaves alone,
/// which is what Jaeger clients use for `uberctx-` values.
constexpr bool is_uri_component_char(char c) noexcept {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  switch (c) {
    case '-':
    case '_':
    case '.':
    case '!':
    case '~':
    case '*':
    case '\'':
    case '(':
    case ')':
      return true;
    default:
      return false;
  }
}

}  // namespace detail
}  // namespace v0
}  // namespace tracewire
