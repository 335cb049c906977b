// ProtoReader: walks the fields of a small protobuf message (export responses, gRPC status).
#pragma once

#include <cstdint>
#include <cstring>
#include <string_view>

namespace tracewire {
inline namespace v0 {
namespace detail {

/// Reads protobuf fields one at a time from untrusted bytes: every length is checked
/// against what is left, so a truncated or garbage body ends the walk (`ok()` turns
/// false) instead of reading past the end. Only what the exporters need to read back is
/// here: varints and length-delimited fields; fixed-width fields are skipped.
///
/// Reading the beginning of a message whose end was cut off (a response body kept up to a
/// cap) is `ProtoReader::prefix(data)`: a length-delimited field that runs past the end is
/// then returned with the bytes that are there, marked `cut()`, and ends the walk.
///
/// **Example**: `for (ProtoReader in(body); in.next();) if (in.field() == 1) use(in.bytes());`
class ProtoReader {
 public:
  static constexpr std::uint64_t max_field_number = (1u << 29) - 1;

  explicit ProtoReader(std::string_view data) noexcept : data_(data) {}

  /// A reader of the first bytes of a longer message (see above).
  static ProtoReader prefix(std::string_view data) noexcept {
    ProtoReader reader(data);
    reader.prefix_ = true;
    return reader;
  }

  /// Advances to the next field; false at the end or on malformed input.
  bool next() noexcept {
    if (position_ >= data_.size() || !ok_ || cut_) return false;
    std::uint64_t tag = 0;
    // Field numbers are 1 .. 2^29 - 1; a larger tag is malformed, not a field whose number
    // wraps to a small one (found by fuzz_proto_reader: 2^32 + 1 read as field 1).
    if (!read_varint(tag) || (tag >> 3) == 0 || (tag >> 3) > max_field_number) return fail();
    field_ = static_cast<std::uint32_t>(tag >> 3);
    wire_type_ = static_cast<std::uint32_t>(tag & 7);
    varint_ = 0;
    bytes_ = {};
    switch (wire_type_) {
      case 0:
        return read_varint(varint_) || fail();
      case 1:
        return skip(8);
      case 2: {
        std::uint64_t length = 0;
        if (!read_varint(length)) return fail();
        if (length > data_.size() - position_) {
          if (!prefix_) return fail();
          cut_ = true;  // the rest of the data is the beginning of this field
          length = data_.size() - position_;
        }
        bytes_ = data_.substr(position_, static_cast<std::size_t>(length));
        position_ += static_cast<std::size_t>(length);
        return true;
      }
      case 5:
        return skip(4);
      default:
        return fail();
    }
  }

  std::uint32_t field() const noexcept { return field_; }
  std::uint32_t wire_type() const noexcept { return wire_type_; }
  /// The value of a varint field (0 for other wire types).
  std::uint64_t varint() const noexcept { return varint_; }
  /// The contents of a length-delimited field (empty for other wire types).
  std::string_view bytes() const noexcept { return bytes_; }
  /// False if the walk stopped on malformed input.
  bool ok() const noexcept { return ok_; }
  /// True when the current field ran past the end of a prefix: `bytes()` is its beginning.
  bool cut() const noexcept { return cut_; }

 private:
  bool read_varint(std::uint64_t& value) noexcept {
    value = 0;
    for (int shift = 0; shift < 64 && position_ < data_.size(); shift += 7) {
      const auto byte = static_cast<std::uint8_t>(data_[position_++]);
      value |= static_cast<std::uint64_t>(byte & 0x7f) << shift;
      if ((byte & 0x80) == 0) return true;
    }
    return false;
  }
  bool skip(std::size_t bytes) noexcept {
    if (bytes > data_.size() - position_) return fail();
    position_ += bytes;
    return true;
  }
  bool fail() noexcept {
    ok_ = false;
    return false;
  }

  std::string_view data_;
  std::size_t position_ = 0;
  std::uint32_t field_ = 0;
  std::uint32_t wire_type_ = 0;
  std::uint64_t varint_ = 0;
  std::string_view bytes_;
  bool ok_ = true;
  bool prefix_ = false;
  bool cut_ = false;
};

}  // namespace detail
}  // namespace v0
}  // namespace tracewire
