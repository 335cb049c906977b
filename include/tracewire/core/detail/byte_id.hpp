// ByteId: what TraceId and SpanId share — N bytes, all zero meaning "none", lowercase hex.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "tracewire/core/detail/hex.hpp"

namespace tracewire {
inline namespace v0 {
namespace detail {

/// The bytes of an identifier and their hex text; `Id` (the derived type) adds the integer
/// views its formats need. Trivially copyable and N bytes, like the array it holds.
template <class Id, std::size_t N>
class ByteId {
 public:
  static constexpr std::size_t size = N;

  constexpr ByteId() noexcept = default;
  explicit ByteId(const std::array<std::uint8_t, N>& bytes) noexcept : bytes_(bytes) {}

  /// Parses exactly 2N lowercase hex characters; the all-zero id is returned as is (check
  /// `is_valid()`), anything else malformed yields nullopt.
  static std::optional<Id> from_hex(std::string_view hex) noexcept {
    Id id;
    if (!from_hex(hex, id)) return std::nullopt;
    return id;
  }
  /// The same, parsed into `out` in place (a propagator filling the span context it
  /// returns: copying an id just written piecewise costs a store-forwarding stall). On
  /// false `out` holds garbage.
  static bool from_hex(std::string_view hex, Id& out) noexcept { return parse_lower_hex(hex, out.bytes_.data(), N); }

  const std::array<std::uint8_t, N>& bytes() const noexcept { return bytes_; }

  /// Writes 2N lowercase hex characters to `out` (no terminator).
  void write_hex(char* out) const noexcept { detail::write_hex(bytes_.data(), N, out); }
  std::string to_hex() const {
    std::string text(2 * N, '0');
    write_hex(text.data());
    return text;
  }

  friend bool operator==(const Id& a, const Id& b) noexcept { return a.bytes_ == b.bytes_; }
  friend bool operator!=(const Id& a, const Id& b) noexcept { return !(a == b); }

 protected:
  std::array<std::uint8_t, N> bytes_{};
};

}  // namespace detail
}  // namespace v0
}  // namespace tracewire
