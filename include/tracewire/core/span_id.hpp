// SpanId: the 8-byte identifier of one span within its trace.
#pragma once

#include <cstdint>

#include "tracewire/core/detail/byte_id.hpp"
#include "tracewire/core/detail/hex.hpp"

namespace tracewire {
inline namespace v0 {

/// An 8-byte span identifier. All zero means invalid ("no span", e.g. no parent).
/// `from_hex` parses exactly 16 lowercase hex characters; `to_hex`/`write_hex` write them;
/// `bytes()` is the binary form.
class SpanId : public detail::ByteId<SpanId, 8> {
 public:
  using ByteId::ByteId;

  /// Builds an id from its big-endian 64-bit value.
  static SpanId from_u64(std::uint64_t value) noexcept {
    SpanId id;
    detail::store_big_endian64(value, id.bytes_.data());
    return id;
  }

  bool is_valid() const noexcept { return to_u64() != 0; }
  std::uint64_t to_u64() const noexcept { return detail::load_big_endian64(bytes_.data()); }
};

}  // namespace v0
}  // namespace tracewire
