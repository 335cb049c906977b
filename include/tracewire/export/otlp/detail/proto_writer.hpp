// ProtoWriter: appends protobuf wire-format fields to one reusable byte buffer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "tracewire/core/detail/utf8.hpp"
#include "tracewire/export/detail/string_cursor.hpp"

namespace tracewire {
inline namespace v0 {
namespace detail {

/// Writes protobuf fields (varints, fixed32/64, doubles, length-delimited bytes and nested
/// messages) straight into a `std::string` that the caller keeps between exports, so a
/// steady-state export allocates nothing. Like the JSON and Thrift writers it writes
/// through a StringCursor: after the string's contents, or from a given start (an
/// encoder's next message over its last). It knows no schema: field numbers come from the
/// caller.
///
/// Nested messages are written without a sizing pass: `begin_message` reserves the number
/// of length bytes the caller expects the message to need (one for a small KeyValue, two
/// for a span, three for a whole scope's spans) and `end_message` back-patches the length.
/// When the guess was wrong the body is moved by the difference, so the output is always
/// the canonical (shortest) encoding that every protobuf parser expects. On the 512-span
/// benchmark (`BM_OtlpProtoEncode512`) this is faster than a separate sizing pass (which
/// visits every field twice) and, unlike padded fixed-width lengths, adds no bytes to the request.
///
/// **Example**:
/// ```
/// ProtoWriter out(buffer, 0);  // the exporter's buffer, over the previous message
/// auto span = out.begin_message(2, 2);
/// out.write_string(5, "GET /");
/// out.end_message(span);
/// out.finish();  // buffer now holds the encoded bytes
/// ```
class ProtoWriter {
 public:
  enum WireType : std::uint32_t { varint = 0, fixed64 = 1, length_delimited = 2, fixed32 = 5 };

  /// A nested message in progress: where its body starts and how many length bytes were
  /// reserved in front of it.
  struct Mark {
    std::size_t body_start;
    std::uint32_t reserved;
  };

  /// Appends to `buffer`.
  explicit ProtoWriter(std::string& buffer) : out_(buffer) {}
  /// Writes from `start` (at most `buffer.size()`) on, over what `buffer` holds there.
  ProtoWriter(std::string& buffer, std::size_t start) : out_(buffer, start) {}

  /// Trims the buffer to what was written (the destructor does too).
  void finish() { out_.finish(); }
  /// The bytes in the buffer, its earlier contents included.
  std::size_t size() const noexcept { return out_.size(); }

  // ---- fields ----
  void write_tag(std::uint32_t field, WireType type) {
    out_.reserve(5);
    put_varint(static_cast<std::uint64_t>(field) << 3 | type);
  }
  void write_varint(std::uint32_t field, std::uint64_t value) {
    out_.reserve(15);
    put_varint(static_cast<std::uint64_t>(field) << 3 | varint);
    put_varint(value);
  }
  /// int64/int32/enum fields: negative numbers are ten-byte varints (two's complement).
  void write_int64(std::uint32_t field, std::int64_t value) { write_varint(field, static_cast<std::uint64_t>(value)); }
  void write_bool(std::uint32_t field, bool value) { write_varint(field, value ? 1 : 0); }
  void write_fixed64(std::uint32_t field, std::uint64_t value) {
    out_.reserve(13);
    put_varint(static_cast<std::uint64_t>(field) << 3 | fixed64);
    put_little_endian(value, 8);
  }
  void write_fixed32(std::uint32_t field, std::uint32_t value) {
    out_.reserve(9);
    put_varint(static_cast<std::uint64_t>(field) << 3 | fixed32);
    put_little_endian(value, 4);
  }
  void write_double(std::uint32_t field, double value) {
    std::uint64_t bits;
    std::memcpy(&bits, &value, sizeof bits);
    write_fixed64(field, bits);
  }
  /// A length-delimited field (bytes, or a string the caller knows is valid UTF-8).
  void write_bytes(std::uint32_t field, const void* data, std::size_t size) {
    out_.reserve(15 + size);
    put_varint(static_cast<std::uint64_t>(field) << 3 | length_delimited);
    put_varint(size);
    out_.put(data, size);
  }
  void write_string(std::uint32_t field, std::string_view text) { write_bytes(field, text.data(), text.size()); }
  /// A string from outside the span records (which repair their strings when they store
  /// them): invalid UTF-8 is replaced by U+FFFD, since proto3 parsers reject the whole
  /// request over one bad `string` field.
  void write_string_checked(std::uint32_t field, std::string_view text) {
    if (is_valid_utf8(text)) return write_string(field, text);
    out_.reserve(15 + 3 * text.size());
    const Mark mark = begin_message(field, text.size() * 3 < 128 ? 1 : 5);
    char* repaired = out_.position();
    out_.advance_to(repaired + repair_utf8(text, repaired));
    end_message(mark);
  }

  // ---- nested messages ----
  /// Writes the field's tag and reserves `length_bytes` (1..5) for its length.
  Mark begin_message(std::uint32_t field, std::uint32_t length_bytes) {
    out_.reserve(10);
    put_varint(static_cast<std::uint64_t>(field) << 3 | length_delimited);
    out_.advance_to(out_.position() + length_bytes);
    return {out_.size(), length_bytes};
  }
  /// Back-patches the length of the message started by `mark`, moving its body if the
  /// length needs a different number of bytes than reserved.
  void end_message(const Mark& mark) {
    const std::size_t length = out_.size() - mark.body_start;
    const std::uint32_t needed = varint_size(length);
    if (needed != mark.reserved) {
      if (needed > mark.reserved) out_.reserve(needed - mark.reserved);
      char* body = out_.at(mark.body_start);
      std::memmove(body + needed - mark.reserved, body, length);
      out_.advance_to(body + needed - mark.reserved + length);
    }
    char* at = out_.at(mark.body_start - mark.reserved);
    std::uint64_t value = length;
    while (value >= 0x80) {
      *at++ = static_cast<char>(static_cast<std::uint8_t>(value) | 0x80);
      value >>= 7;
    }
    *at = static_cast<char>(value);
  }

  static constexpr std::uint32_t varint_size(std::uint64_t value) noexcept {
    std::uint32_t bytes = 1;
    while (value >= 0x80) {
      value >>= 7;
      ++bytes;
    }
    return bytes;
  }

 private:
  // After out_.reserve, as every field writer does first.
  void put_varint(std::uint64_t value) noexcept {
    char* out = out_.position();
    while (value >= 0x80) {
      *out++ = static_cast<char>(static_cast<std::uint8_t>(value) | 0x80);
      value >>= 7;
    }
    *out++ = static_cast<char>(value);
    out_.advance_to(out);
  }
  void put_little_endian(std::uint64_t value, int bytes) noexcept {
    for (int i = 0; i < bytes; ++i) {
      out_.put(static_cast<char>(value & 0xff));
      value >>= 8;
    }
  }

  StringCursor out_;
};

}  // namespace detail
}  // namespace v0
}  // namespace tracewire
