// TraceId: the 16-byte identifier shared by every span of one trace.
#pragma once

#include <cstdint>
#include <cstring>

#include "tracewire/core/detail/byte_id.hpp"
#include "tracewire/core/detail/hex.hpp"

namespace tracewire {
inline namespace v0 {

/// A 16-byte trace identifier. All zero means invalid ("no trace"). `from_hex` parses
/// exactly 32 lowercase hex characters; `to_hex`/`write_hex` write them; `bytes()` is the
/// binary form.
///
/// **Example**: `auto id = TraceId::from_hex("4bf92f3577b34da6a3ce929d0e0e4736");`
class TraceId : public detail::ByteId<TraceId, 16> {
 public:
  using ByteId::ByteId;

  /// Builds an id from its high and low 64-bit halves (big-endian, as Jaeger and B3 split it).
  static TraceId from_halves(std::uint64_t high, std::uint64_t low) noexcept {
    TraceId id;
#if defined(__GNUC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    // One 16-byte store, not two of 8: an id is copied whole (a 16-byte load) right after it
    // is made, and a load spanning two recent stores cannot be forwarded from them, which
    // costs more than the rest of an unsampled span (bench: BM_SpanUnsampled at -O2).
    using Words = std::uint64_t __attribute__((vector_size(16)));
    const Words words = {__builtin_bswap64(high), __builtin_bswap64(low)};
    std::memcpy(id.bytes_.data(), &words, sizeof(words));
#else
    detail::store_big_endian64(high, id.bytes_.data());
    detail::store_big_endian64(low, id.bytes_.data() + 8);
#endif
    return id;
  }

  bool is_valid() const noexcept { return high() != 0 || low() != 0; }
  std::uint64_t high() const noexcept { return detail::load_big_endian64(bytes_.data()); }
  std::uint64_t low() const noexcept { return detail::load_big_endian64(bytes_.data() + 8); }
};

}  // namespace v0
}  // namespace tracewire
