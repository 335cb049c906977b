// Lowercase hexadecimal encoding shared by the id types and the propagators.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace tracewire {
inline namespace v0 {
namespace detail {

inline constexpr char lower_hex_digits[] = "0123456789abcdef";

/// Value of one lowercase hex digit, or -1. Uppercase is rejected on purpose:
/// W3C trace context allows lowercase only.
constexpr int lower_hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

/// Value of one hex digit of either case, or -1 (for formats that tolerate uppercase).
constexpr int any_case_hex_value(char c) noexcept {
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return lower_hex_value(c);
}

/// Writes `size` bytes as 2*size lowercase hex characters.
inline void write_hex(const std::uint8_t* bytes, std::size_t size, char* out) noexcept {
  for (std::size_t i = 0; i < size; ++i) {
    out[2 * i] = lower_hex_digits[bytes[i] >> 4];
    out[2 * i + 1] = lower_hex_digits[bytes[i] & 0x0f];
  }
}

/// Parses exactly 2*size lowercase hex characters into `out`; false on any other input.
inline bool parse_lower_hex(std::string_view text, std::uint8_t* out, std::size_t size) noexcept {
  if (text.size() != 2 * size) return false;
  for (std::size_t i = 0; i < size; ++i) {
    const int high = lower_hex_value(text[2 * i]);
    const int low = lower_hex_value(text[2 * i + 1]);
    if ((high | low) < 0) return false;
    out[i] = static_cast<std::uint8_t>((high << 4) | low);
  }
  return true;
}

/// Parses 1..16 hex digits (either case) as a big-endian 64-bit number.
inline bool parse_hex_u64(std::string_view text, std::uint64_t& out) noexcept {
  if (text.empty() || text.size() > 16) return false;
  std::uint64_t value = 0;
  for (char c : text) {
    const int digit = any_case_hex_value(c);
    if (digit < 0) return false;
    value = (value << 4) | static_cast<std::uint64_t>(digit);
  }
  out = value;
  return true;
}

// One 8-byte move and a byte swap: ids are built and checked on every span start.
inline std::uint64_t load_big_endian64(const std::uint8_t* bytes) noexcept {
#if defined(__GNUC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  std::uint64_t value;
  std::memcpy(&value, bytes, sizeof(value));
  return __builtin_bswap64(value);
#else
  std::uint64_t value = 0;
  for (int i = 0; i < 8; ++i) value = (value << 8) | bytes[i];
  return value;
#endif
}

inline void store_big_endian64(std::uint64_t value, std::uint8_t* bytes) noexcept {
#if defined(__GNUC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  value = __builtin_bswap64(value);
  std::memcpy(bytes, &value, sizeof(value));
#else
  for (int i = 7; i >= 0; --i) {
    bytes[i] = static_cast<std::uint8_t>(value & 0xff);
    value >>= 8;
  }
#endif
}

}  // namespace detail
}  // namespace v0
}  // namespace tracewire
