// UTF-8 validation and repair for strings that must reach receivers intact.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>

namespace tracewire {
inline namespace v0 {
namespace detail {

/// Length of the valid UTF-8 sequence starting at `text[i]`, or 0 if it is invalid
/// (overlong forms, surrogates and code points above U+10FFFF are invalid).
inline std::size_t utf8_sequence_length(std::string_view text, std::size_t i) noexcept {
  const auto byte = [&](std::size_t k) { return static_cast<std::uint8_t>(text[k]); };
  const std::uint8_t lead = byte(i);
  if (lead < 0x80) return 1;
  std::size_t length;
  std::uint8_t low = 0x80, high = 0xbf;  // allowed range of the second byte
  if (lead >= 0xc2 && lead <= 0xdf) {
    length = 2;
  } else if (lead >= 0xe0 && lead <= 0xef) {
    length = 3;
    if (lead == 0xe0) low = 0xa0;
    if (lead == 0xed) high = 0x9f;
  } else if (lead >= 0xf0 && lead <= 0xf4) {
    length = 4;
    if (lead == 0xf0) low = 0x90;
    if (lead == 0xf4) high = 0x8f;
  } else {
    return 0;
  }
  if (i + length > text.size()) return 0;
  if (byte(i + 1) < low || byte(i + 1) > high) return 0;
  for (std::size_t k = 2; k < length; ++k) {
    if ((byte(i + k) & 0xc0) != 0x80) return 0;
  }
  return length;
}

/// True if every byte of `text` is ASCII. Eight bytes at a time with no branch per word
/// (attribute keys and most values are ASCII: this is the whole check for them).
inline bool is_ascii(std::string_view text) noexcept {
  const char* data = text.data();
  const std::size_t size = text.size();
  std::uint64_t bits = 0;
  if (size >= 8) {
    std::uint64_t word = 0;
    for (std::size_t i = 0; i + 8 <= size; i += 8) {
      std::memcpy(&word, data + i, 8);
      bits |= word;
    }
    std::memcpy(&word, data + size - 8, 8);  // the last 8 bytes (overlapping): no tail loop
    bits |= word;
  } else if (size >= 4) {
    std::uint32_t head = 0, tail = 0;  // two overlapping 4-byte loads cover 4..7 bytes
    std::memcpy(&head, data, 4);
    std::memcpy(&tail, data + size - 4, 4);
    bits = head | tail;
  } else if (size > 0) {
    // 1..3 bytes: the first, middle and last cover them all.
    bits = static_cast<std::uint8_t>(data[0]) | static_cast<std::uint8_t>(data[size / 2]) |
           static_cast<std::uint8_t>(data[size - 1]);
  }
  return (bits & 0x8080808080808080ULL) == 0;
}

/// True if `text` is valid UTF-8.
inline bool is_valid_utf8(std::string_view text) noexcept {
  if (is_ascii(text)) return true;
  std::size_t i = 0;
  while (i < text.size()) {
    if (static_cast<std::uint8_t>(text[i]) < 0x80) {
      ++i;
      continue;
    }
    const std::size_t length = utf8_sequence_length(text, i);
    if (length == 0) return false;
    i += length;
  }
  return true;
}

inline constexpr std::string_view utf8_replacement_character = "\xEF\xBF\xBD";

/// Copies `text` to `out` with every invalid sequence replaced by U+FFFD; returns the
/// number of bytes written. `out` needs room for 3 * text.size() bytes in the worst case.
inline std::size_t repair_utf8(std::string_view text, char* out) noexcept {
  std::size_t written = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    const std::size_t length = utf8_sequence_length(text, i);
    if (length == 0) {
      for (char c : utf8_replacement_character) out[written++] = c;
      ++i;
    } else {
      for (std::size_t k = 0; k < length; ++k) out[written++] = text[i + k];
      i += length;
    }
  }
  return written;
}

/// Makes `text` valid UTF-8 in place, every invalid sequence replaced by U+FFFD (for
/// decoded header values, which may hold any bytes).
inline void make_valid_utf8(std::string& text) {
  if (is_valid_utf8(text)) return;
  std::string repaired(3 * text.size(), '\0');
  repaired.resize(repair_utf8(text, repaired.data()));
  text = std::move(repaired);
}

/// The first `max_characters` code points of valid UTF-8 `text` (the attribute value
/// length limit counts characters, and a character is never cut in two).
inline std::string_view truncate_utf8(std::string_view text, std::size_t max_characters) noexcept {
  if (text.size() <= max_characters) return text;
  std::size_t characters = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<std::uint8_t>(text[i]) & 0xc0) != 0x80 && characters++ == max_characters) {
      return text.substr(0, i);
    }
  }
  return text;
}

}  // namespace detail
}  // namespace v0
}  // namespace tracewire
