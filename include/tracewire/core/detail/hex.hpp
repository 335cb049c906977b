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

// Digit values of the 256 byte values (-1: not a lowercase hex digit), so parsing an id is
// one load per character instead of two range checks.
struct LowerHexTable {
  signed char values[256];
  constexpr LowerHexTable() noexcept : values() {
    for (int c = 0; c < 256; ++c) {
      values[c] = static_cast<signed char>(c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1);
    }
  }
};
inline constexpr LowerHexTable lower_hex_table{};

/// Value of one lowercase hex digit, or -1. Uppercase is rejected on purpose:
/// W3C trace context allows lowercase only.
constexpr int lower_hex_value(char c) noexcept { return lower_hex_table.values[static_cast<unsigned char>(c)]; }

/// Value of one hex digit of either case, or -1 (for formats that tolerate uppercase).
constexpr int any_case_hex_value(char c) noexcept {
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return lower_hex_value(c);
}

// The two hex digits of each byte value, so writing an id is one 2-byte copy per byte.
struct HexPairTable {
  char pairs[512];
  constexpr HexPairTable() noexcept : pairs() {
    for (int b = 0; b < 256; ++b) {
      pairs[2 * b] = lower_hex_digits[b >> 4];
      pairs[2 * b + 1] = lower_hex_digits[b & 0x0f];
    }
  }
};
inline constexpr HexPairTable hex_pair_table{};

/// Writes `size` bytes as 2*size lowercase hex characters.
inline void write_hex(const std::uint8_t* bytes, std::size_t size, char* out) noexcept {
  for (std::size_t i = 0; i < size; ++i) std::memcpy(out + 2 * i, hex_pair_table.pairs + 2 * bytes[i], 2);
}

/// Parses exactly 2*size lowercase hex characters into `out`; false on any other input
/// (`out` then holds garbage).
inline bool parse_lower_hex(std::string_view text, std::uint8_t* out, std::size_t size) noexcept {
  if (text.size() != 2 * size) return false;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  if (size % 8 == 0) {
    // The ids: 16 characters to 8 bytes per step, SWAR on two little-endian 64-bit words,
    // with no call and no branch per word (an id is parsed on every extract), and one
    // 8-byte store: an id is read back by 8- or 16-byte loads (is_valid, copies), which
    // narrower stores would make wait (no store forwarding across several stores).
    constexpr std::uint64_t ones = 0x0101010101010101ULL;
    constexpr std::uint64_t high_bits = 0x80 * ones;
    constexpr std::uint64_t lane_nibble = 0x000f000f000f000fULL;
    std::uint64_t invalid = 0;  // a high bit set by any bad character, checked at the end
    for (std::size_t i = 0; i < size; i += 8) {
      std::uint64_t bytes_out = 0;
      for (std::size_t half = 0; half < 2; ++half) {
        std::uint64_t x;
        std::memcpy(&x, text.data() + 2 * i + 8 * half, 8);
        // Exact when every byte is below 0x80 (the byte-wise sums cannot carry); when one
        // is not, the result is garbage but `invalid` says so.
        const std::uint64_t digit = (x + 0x50 * ones) & ~(x + 0x46 * ones);   // '0'..'9': 0x30..0x39
        const std::uint64_t letter = (x + 0x1f * ones) & ~(x + 0x19 * ones);  // 'a'..'f': 0x61..0x66
        invalid |= (x | ~(digit | letter)) & high_bits;
        // Digit values: the low nibble, plus 9 for letters (bit 6 set).
        const std::uint64_t nibbles = (x & (0x0f * ones)) + 9 * ((x >> 6) & ones);
        // Each 16-bit lane holds the two nibbles of one byte, first character in its low byte;
        // then byte k sits in the low half of lane k: pairs first, then the two pairs.
        const std::uint64_t bytes = ((nibbles & lane_nibble) << 4) | ((nibbles >> 8) & lane_nibble);
        const std::uint64_t pairs = bytes | (bytes >> 8);
        bytes_out |= ((pairs & 0xffff) | ((pairs >> 16) & 0xffff0000)) << (32 * half);
      }
      std::memcpy(out + i, &bytes_out, 8);
    }
    return invalid == 0;
  }
#endif
  int invalid = 0;  // checked once at the end: the loop has no branch per digit
  for (std::size_t i = 0; i < size; ++i) {
    const int high = lower_hex_value(text[2 * i]);
    const int low = lower_hex_value(text[2 * i + 1]);
    invalid |= high | low;
    // Unsigned: an invalid digit (-1) must not be shifted as a negative int.
    out[i] = static_cast<std::uint8_t>((static_cast<unsigned>(high) << 4) | static_cast<unsigned>(low));
  }
  return invalid >= 0;
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
