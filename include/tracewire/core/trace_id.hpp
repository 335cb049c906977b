// TraceId: the 16-byte identifier shared by every span of one trace.
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

#include "tracewire/core/detail/hex.hpp"

namespace tracewire {
inline namespace v0 {

/// A 16-byte trace identifier. All zero means invalid ("no trace").
///
/// **Example**: `auto id = TraceId::from_hex("4bf92f3577b34da6a3ce929d0e0e4736");`
class TraceId {
 public:
  static constexpr std::size_t size = 16;

  constexpr TraceId() noexcept = default;
  explicit TraceId(const std::array<std::uint8_t, size>& bytes) noexcept : bytes_(bytes) {}

  /// Builds an id from its high and low 64-bit halves (big-endian, as Jaeger and B3 split it).
  static TraceId from_halves(std::uint64_t high, std::uint64_t low) noexcept {
    TraceId id;
    detail::store_big_endian64(high, id.bytes_.data());
    detail::store_big_endian64(low, id.bytes_.data() + 8);
    return id;
  }

  /// Parses exactly 32 lowercase hex characters; the all-zero id is returned as is
  /// (check `is_valid()`), anything else malformed yields nullopt.
  static std::optional<TraceId> from_hex(std::string_view hex) noexcept {
    TraceId id;
    if (!detail::parse_lower_hex(hex, id.bytes_.data(), size)) return std::nullopt;
    return id;
  }

  bool is_valid() const noexcept { return high() != 0 || low() != 0; }
  std::uint64_t high() const noexcept { return detail::load_big_endian64(bytes_.data()); }
  std::uint64_t low() const noexcept { return detail::load_big_endian64(bytes_.data() + 8); }
  const std::array<std::uint8_t, size>& bytes() const noexcept { return bytes_; }

  /// Writes 32 lowercase hex characters to `out` (no terminator).
  void write_hex(char* out) const noexcept { detail::write_hex(bytes_.data(), size, out); }
  std::string to_hex() const {
    std::string text(2 * size, '0');
    write_hex(text.data());
    return text;
  }

  friend bool operator==(const TraceId& a, const TraceId& b) noexcept { return a.bytes_ == b.bytes_; }
  friend bool operator!=(const TraceId& a, const TraceId& b) noexcept { return !(a == b); }

 private:
  std::array<std::uint8_t, size> bytes_{};
};

}  // namespace v0
}  // namespace tracewire
