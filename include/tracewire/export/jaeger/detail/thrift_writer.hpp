// Thrift compact and binary protocol writers: the wire layer under the Jaeger encoder.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "tracewire/export/detail/string_cursor.hpp"
#include "tracewire/export/jaeger/thrift_protocol.hpp"

namespace tracewire {
inline namespace v0 {

namespace detail {

/// Protocol-neutral Thrift value types; each writer maps them to its own type codes.
enum class ThriftType : std::uint8_t { boolean, i8, i16, i32, i64, float64, string, list, set, map, structure };

/// Thrift message types (the `oneway` call is how a Jaeger agent takes `emitBatch`).
enum class ThriftMessageType : std::uint8_t { call = 1, reply = 2, exception = 3, oneway = 4 };

/// Appends Thrift compact protocol (THRIFT-110) to a caller-owned buffer: field ids as
/// deltas in the type byte when they fit, integers as zig-zag varints, doubles as eight
/// little-endian bytes, booleans folded into the field header. Structs nest by
/// `struct_begin`/`struct_end`, which keep the last field id per level on a small fixed
/// stack (Jaeger nests four deep).
///
/// It writes through a StringCursor: until `finish()` (or the destructor) the string's tail
/// is scratch space, so bytes from elsewhere go in through `raw` and the written size is
/// `size()`.
///
/// Both writers have the same member functions, so an encoder written once as a template
/// emits either protocol.
class ThriftCompactWriter {
 public:
  static constexpr std::size_t max_depth = 16;

  explicit ThriftCompactWriter(std::string& out) : out_(out) {}

  /// Trims the string to what was written; writing may continue afterwards.
  void finish() { out_.finish(); }
  /// The bytes in the string, once finished.
  std::size_t size() const noexcept { return out_.size(); }
  /// Pre-encoded bytes (a struct or list element encoded separately).
  void raw(std::string_view bytes) { out_.write(bytes); }

  /// A message header: protocol id 0x82, version 1 with the type in the top three bits,
  /// the sequence id as a varint, then the method name.
  void message_begin(std::string_view name, ThriftMessageType type, std::int32_t sequence_id) {
    reserve(12);
    put(static_cast<char>(0x82));
    put(static_cast<char>(0x01 | (static_cast<unsigned>(type) << 5)));
    put_varint(static_cast<std::uint32_t>(sequence_id));
    write_binary(name);
  }

  /// Opens a struct that is not a field (a message's arguments, a list element, a
  /// top-level value); `field_struct_begin` opens one that is.
  void struct_begin() noexcept {
    if (depth_ + 1 < max_depth) last_field_id_[++depth_] = 0;
  }
  /// Writes the stop byte and returns to the enclosing struct.
  void struct_end() {
    reserve(1);
    put('\0');
    if (depth_ > 0) --depth_;
  }

  /// A field header alone, for a value written next by `list_begin` or `struct_begin`.
  void field_begin(std::int16_t id, ThriftType type) { field_header(id, code(type)); }
  void field_struct_begin(std::int16_t id) {
    field_begin(id, ThriftType::structure);
    struct_begin();
  }
  void field_list_begin(std::int16_t id, ThriftType element, std::uint32_t size) {
    field_begin(id, ThriftType::list);
    list_begin(element, size);
  }
  /// A list header on its own (a list element of a list, or a field whose header was
  /// written separately). Sizes up to 14 share the byte with the element type.
  void list_begin(ThriftType element, std::uint32_t size) {
    reserve(6);
    if (size < 15) {
      put(static_cast<char>((size << 4) | code(element)));
    } else {
      put(static_cast<char>(0xf0 | code(element)));
      put_varint(size);
    }
  }
  /// The number of bytes `list_begin(element, size)` writes.
  static constexpr std::size_t list_header_size(std::uint32_t size) noexcept {
    return size < 15 ? 1 : 1 + varint_size(size);
  }

  void field_bool(std::int16_t id, bool value) { field_header(id, value ? 1 : 2); }
  void field_i32(std::int16_t id, std::int32_t value) {
    field_header(id, code(ThriftType::i32));
    put_varint(zigzag32(value));
  }
  void field_i64(std::int16_t id, std::int64_t value) {
    field_header(id, code(ThriftType::i64));
    put_varint(zigzag64(value));
  }
  void field_double(std::int16_t id, double value) {
    field_header(id, code(ThriftType::float64));
    std::uint64_t bits;
    std::memcpy(&bits, &value, sizeof bits);
    for (int i = 0; i < 8; ++i) put(static_cast<char>((bits >> (8 * i)) & 0xff));
  }
  /// A string or binary field (the same encoding): varint length, then the bytes.
  void field_binary(std::int16_t id, std::string_view value) {
    field_header(id, code(ThriftType::string));
    write_binary(value);
  }

 private:
  static constexpr std::uint8_t code(ThriftType type) noexcept {
    // Compact type codes; 1/2 are boolean true/false in a field header, 1 in a container.
    constexpr std::uint8_t codes[] = {1, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
    return codes[static_cast<std::size_t>(type)];
  }
  static constexpr std::uint32_t zigzag32(std::int32_t value) noexcept {
    return (static_cast<std::uint32_t>(value) << 1) ^ static_cast<std::uint32_t>(value >> 31);
  }
  static constexpr std::uint64_t zigzag64(std::int64_t value) noexcept {
    return (static_cast<std::uint64_t>(value) << 1) ^ static_cast<std::uint64_t>(value >> 63);
  }
  static constexpr std::size_t varint_size(std::uint64_t value) noexcept {
    std::size_t size = 1;
    while (value >= 0x80) {
      value >>= 7;
      ++size;
    }
    return size;
  }

  void reserve(std::size_t bytes) { out_.reserve(bytes); }
  void put(char c) noexcept { out_.put(c); }  // after `reserve`
  void put_varint(std::uint64_t value) noexcept {
    while (value >= 0x80) {
      put(static_cast<char>((value & 0x7f) | 0x80));
      value >>= 7;
    }
    put(static_cast<char>(value));
  }

  // Reserves room for the header and the largest value that follows one (a varint or a
  // double), so the field's writers need no check of their own.
  void field_header(std::int16_t id, std::uint8_t type_code) {
    reserve(16);
    std::int16_t& last = last_field_id_[depth_];
    const int delta = id - last;
    if (delta > 0 && delta <= 15) {
      put(static_cast<char>((delta << 4) | type_code));
    } else {
      // Long form: the type alone, then the id as a zig-zag varint (an i16).
      put(static_cast<char>(type_code));
      put_varint(zigzag32(id));
    }
    last = id;
  }

  void write_binary(std::string_view value) {
    reserve(5);
    put_varint(static_cast<std::uint32_t>(value.size()));
    raw(value);
  }

  StringCursor out_;
  std::array<std::int16_t, max_depth> last_field_id_{};
  std::size_t depth_ = 0;
};

/// Appends Thrift binary protocol to a caller-owned buffer: a type byte and a big-endian
/// i16 id per field, fixed-width big-endian integers and doubles, i32 length prefixes.
/// Messages use the strict (versioned) header that Jaeger clients send.
class ThriftBinaryWriter {
 public:
  explicit ThriftBinaryWriter(std::string& out) noexcept : out_(out) {}

  void message_begin(std::string_view name, ThriftMessageType type, std::int32_t sequence_id) {
    write_u32(0x80010000u | static_cast<std::uint32_t>(type));
    write_binary(name);
    write_u32(static_cast<std::uint32_t>(sequence_id));
  }

  /// The same interface as ThriftCompactWriter's: this writer appends to the string
  /// directly, so finishing has nothing to do.
  void finish() noexcept {}
  std::size_t size() const noexcept { return out_.size(); }
  void raw(std::string_view bytes) { out_.append(bytes.data(), bytes.size()); }

  void struct_begin() noexcept {}
  void struct_end() { out_ += '\0'; }

  void field_begin(std::int16_t id, ThriftType type) { field_header(id, type); }
  void field_struct_begin(std::int16_t id) { field_header(id, ThriftType::structure); }
  void field_list_begin(std::int16_t id, ThriftType element, std::uint32_t size) {
    field_header(id, ThriftType::list);
    list_begin(element, size);
  }
  void list_begin(ThriftType element, std::uint32_t size) {
    out_ += static_cast<char>(code(element));
    write_u32(size);
  }
  static constexpr std::size_t list_header_size(std::uint32_t /*size*/) noexcept { return 5; }

  void field_bool(std::int16_t id, bool value) {
    field_header(id, ThriftType::boolean);
    out_ += static_cast<char>(value ? 1 : 0);
  }
  void field_i32(std::int16_t id, std::int32_t value) {
    field_header(id, ThriftType::i32);
    write_u32(static_cast<std::uint32_t>(value));
  }
  void field_i64(std::int16_t id, std::int64_t value) {
    field_header(id, ThriftType::i64);
    write_u64(static_cast<std::uint64_t>(value));
  }
  void field_double(std::int16_t id, double value) {
    field_header(id, ThriftType::float64);
    std::uint64_t bits;
    std::memcpy(&bits, &value, sizeof bits);
    write_u64(bits);
  }
  void field_binary(std::int16_t id, std::string_view value) {
    field_header(id, ThriftType::string);
    write_binary(value);
  }

 private:
  static constexpr std::uint8_t code(ThriftType type) noexcept {
    constexpr std::uint8_t codes[] = {2, 3, 6, 8, 10, 4, 11, 15, 14, 13, 12};
    return codes[static_cast<std::size_t>(type)];
  }

  void field_header(std::int16_t id, ThriftType type) {
    const char header[3] = {static_cast<char>(code(type)),
                            static_cast<char>((static_cast<std::uint16_t>(id) >> 8) & 0xff),
                            static_cast<char>(static_cast<std::uint16_t>(id) & 0xff)};
    out_.append(header, 3);
  }
  void write_u32(std::uint32_t value) {
    const char bytes[4] = {static_cast<char>(value >> 24), static_cast<char>((value >> 16) & 0xff),
                           static_cast<char>((value >> 8) & 0xff), static_cast<char>(value & 0xff)};
    out_.append(bytes, 4);
  }
  void write_u64(std::uint64_t value) {
    char bytes[8];
    for (int i = 0; i < 8; ++i) bytes[i] = static_cast<char>((value >> (56 - 8 * i)) & 0xff);
    out_.append(bytes, 8);
  }
  void write_binary(std::string_view value) {
    write_u32(static_cast<std::uint32_t>(value.size()));
    out_.append(value.data(), value.size());
  }

  std::string& out_;
};

}  // namespace detail
}  // namespace v0
}  // namespace tracewire
