// ASCII helpers for protocol text: case-insensitive comparison, optional whitespace, tokens.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace tracewire {
inline namespace v0 {
namespace detail {

constexpr char ascii_lower(char c) noexcept { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

/// The 8 bytes at `text` with 'A'..'Z' made lowercase (bytes from 0x80 up are kept).
inline std::uint64_t ascii_lower_word(const char* text) noexcept {
  constexpr std::uint64_t ones = 0x0101010101010101ULL;
  std::uint64_t x;
  std::memcpy(&x, text, 8);
  const std::uint64_t low7 = x & (0x7f * ones);  // so that the byte-wise sums cannot carry
  const std::uint64_t upper = (low7 + (0x80 - 'A') * ones) & ~(low7 + (0x80 - 'Z' - 1) * ones) & ~x & (0x80 * ones);
  return x | (upper >> 2);  // 0x20, the case bit
}

/// Compares ASCII letters without regard to case (HTTP header names, enum values).
inline bool equals_ignore_case(std::string_view a, std::string_view b) noexcept {
  const std::size_t size = a.size();
  if (size != b.size()) return false;
  if (size >= 8) {
    // A word at a time, inline (a carrier compares every header name it holds on every
    // lookup); the last word overlaps the one before when the size is not a multiple of 8.
    for (std::size_t i = 0;; i += 8) {
      if (i > size - 8) i = size - 8;
      if (ascii_lower_word(a.data() + i) != ascii_lower_word(b.data() + i)) return false;
      if (i == size - 8) return true;
    }
  }
  for (std::size_t i = 0; i < size; ++i) {
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  }
  return true;
}

inline bool starts_with_ignore_case(std::string_view text, std::string_view prefix) noexcept {
  return text.size() >= prefix.size() && equals_ignore_case(text.substr(0, prefix.size()), prefix);
}

inline std::string to_lower(std::string_view text) {
  std::string lower(text);
  for (char& c : lower) c = ascii_lower(c);
  return lower;
}

/// Strips RFC 7230 optional whitespace (spaces and horizontal tabs) from both ends.
inline std::string_view trim_spaces(std::string_view text) noexcept {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

/// Splits a list on `separator`, trimming spaces and tabs and skipping empty items
/// (`OTEL_*` list variables, `OTEL_PROPAGATORS`).
inline std::vector<std::string_view> split_list(std::string_view text, char separator = ',') {
  std::vector<std::string_view> items;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find(separator, start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view item = trim_spaces(text.substr(start, end - start));
    if (!item.empty()) items.push_back(item);
    start = end + 1;
  }
  return items;
}

/// RFC 7230 `tchar`: the characters of a header name or a W3C baggage key.
constexpr bool is_token_char(char c) noexcept {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  switch (c) {
    case '!':
    case '#':
    case '$':
    case '%':
    case '&':
    case '\'':
    case '*':
    case '+':
    case '-':
    case '.':
    case '^':
    case '_':
    case '`':
    case '|':
    case '~':
      return true;
    default:
      return false;
  }
}

/// A non-empty RFC 7230 token.
inline bool is_token(std::string_view text) noexcept {
  if (text.empty()) return false;
  for (char c : text) {
    if (!is_token_char(c)) return false;
  }
  return true;
}

}  // namespace detail
}  // namespace v0
}  // namespace tracewire
