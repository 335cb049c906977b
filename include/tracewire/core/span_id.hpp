// SpanId: the 8-byte identifier of one span within its trace.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "tracewire/core/detail/hex.hpp"

namespace tracewire {
inline namespace v0 {

/// An 8-byte span identifier. All zero means invalid ("no span", e.g. no parent).
class SpanId {
 public:
  static constexpr std::size_t size = 8;

  constexpr SpanId() noexcept = default;
  explicit SpanId(const std::array<std::uint8_t, size>& bytes) noexcept : bytes_(bytes) {}

  /// Builds an id from its big-endian 64-bit value.
  static SpanId from_u64(std::uint64_t value) noexcept {
    SpanId id;
    detail::store_big_endian64(value, id.bytes_.data());
    return id;
  }

  /// Parses exactly 16 lowercase hex characters (the all-zero id included); else nullopt.
  static std::optional<SpanId> from_hex(std::string_view hex) noexcept {
    SpanId id;
    if (!detail::parse_lower_hex(hex, id.bytes_.data(), size)) return std::nullopt;
    return id;
  }

  bool is_valid() const noexcept { return to_u64() != 0; }
  std::uint64_t to_u64() const noexcept { return detail::load_big_endian64(bytes_.data()); }
  const std::array<std::uint8_t, size>& bytes() const noexcept { return bytes_; }

  /// Writes 16 lowercase hex characters to `out` (no terminator).
  void write_hex(char* out) const noexcept { detail::write_hex(bytes_.data(), size, out); }
  std::string to_hex() const {
    std::string text(2 * size, '0');
    write_hex(text.data());
    return text;
  }

  friend bool operator==(const SpanId& a, const SpanId& b) noexcept { return a.bytes_ == b.bytes_; }
  friend bool operator!=(const SpanId& a, const SpanId& b) noexcept { return !(a == b); }

 private:
  std::array<std::uint8_t, size> bytes_{};
};

}  // namespace v0
}  // namespace tracewire
