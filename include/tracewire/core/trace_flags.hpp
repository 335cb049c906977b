// TraceFlags: the W3C trace-flags byte (sampled, random) and tracewire's debug bit.
#pragma once

#include <cstdint>

namespace tracewire {
inline namespace v0 {

/// The trace flags of a span context: the eight W3C trace-flags bits, of which only
/// `sampled` (0x01) and the Level 2 `random` (0x02, the trace id's rightmost 7 bytes are
/// random) are defined, plus tracewire's `debug` bit.
///
/// `debug` is not a W3C flag: it records that the caller forced this trace ("debug" in B3
/// — `b3: …-d`, `X-B3-Flags: 1` — and flag 0x02 of Jaeger's `uber-trace-id`), so that the
/// B3 and Jaeger propagators can pass the request on downstream after extract → inject.
/// It lives in a bit W3C reserves (0x80) rather than in a new SpanContext field, which
/// would grow every span context, and it never reaches a wire format that does not define
/// it: the W3C propagator reads and writes `w3c_bits` only, and the OTLP encoder masks the
/// flags it exports the same way.
class TraceFlags {
 public:
  static constexpr std::uint8_t sampled_bit = 0x01;
  static constexpr std::uint8_t random_bit = 0x02;
  static constexpr std::uint8_t debug_bit = 0x80;
  /// The bits W3C Trace Context defines; every other bit is written as zero in a traceparent.
  static constexpr std::uint8_t w3c_bits = sampled_bit | random_bit;

  constexpr TraceFlags() noexcept = default;
  constexpr explicit TraceFlags(std::uint8_t bits) noexcept : bits_(bits) {}

  constexpr bool sampled() const noexcept { return (bits_ & sampled_bit) != 0; }
  constexpr bool random() const noexcept { return (bits_ & random_bit) != 0; }
  constexpr bool debug() const noexcept { return (bits_ & debug_bit) != 0; }
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
