// TraceFlags: the W3C trace-flags byte (sampled, random).
#pragma once

#include <cstdint>

namespace tracewire {
inline namespace v0 {

/// The eight W3C trace flag bits. Only `sampled` (0x01) and the Level 2 `random`
/// (0x02, the trace id's rightmost 7 bytes are random) are defined; other bits are
/// written as zero by the propagators.
class TraceFlags {
 public:
  static constexpr std::uint8_t sampled_bit = 0x01;
  static constexpr std::uint8_t random_bit = 0x02;

  constexpr TraceFlags() noexcept = default;
  constexpr explicit TraceFlags(std::uint8_t bits) noexcept : bits_(bits) {}

  constexpr bool sampled() const noexcept { return (bits_ & sampled_bit) != 0; }
  constexpr bool random() const noexcept { return (bits_ & random_bit) != 0; }
  constexpr std::uint8_t bits() const noexcept { return bits_; }

  constexpr TraceFlags with_sampled(bool on) const noexcept {
    return TraceFlags(static_cast<std::uint8_t>(on ? (bits_ | sampled_bit) : (bits_ & ~sampled_bit)));
  }

  friend constexpr bool operator==(TraceFlags a, TraceFlags b) noexcept { return a.bits_ == b.bits_; }
  friend constexpr bool operator!=(TraceFlags a, TraceFlags b) noexcept { return a.bits_ != b.bits_; }

 private:
  std::uint8_t bits_ = 0;
};

}  // namespace v0
}  // namespace tracewire
