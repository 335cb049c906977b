// JsonWriter: appends JSON tokens to a reusable buffer (OTLP/JSON, Zipkin, console).
#pragma once

#include <cassert>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "tracewire/core/detail/hex.hpp"
#include "tracewire/core/detail/utf8.hpp"
#include "tracewire/export/detail/string_cursor.hpp"

namespace tracewire {
inline namespace v0 {
namespace detail {

/// A minimal streaming JSON writer. It tracks only whether a comma is due, so callers
/// write objects in order without building a tree: `begin_object(); key("a"); value(1);
/// end_object();`. Strings are escaped per RFC 8259 and invalid UTF-8 is replaced by
/// U+FFFD, so a receiver's parser always accepts the output.
///
/// It writes through a StringCursor: until `finish()` (or the destructor) the string's tail
/// is scratch space, so the caller reads or appends to it only after finishing.
///
/// **Example**:
/// ```
/// std::string text;
/// JsonWriter json(text);
/// json.begin_object(); json.key("a"); json.value(1); json.end_object();
/// json.finish();  // text == R"({"a":1})"
/// ```
class JsonWriter {
 public:
  /// Appends to `out`.
  explicit JsonWriter(std::string& out) : out_(out) {}
  /// Writes from `start` (at most `out.size()`) on, over what `out` holds there.
  JsonWriter(std::string& out, std::size_t start) : out_(out, start) {}

  /// Trims the string to what was written; writing may continue afterwards.
  void finish() { out_.finish(); }

  void begin_object() { open('{'); }
  void end_object() { close('}'); }
  void begin_array() { open('['); }
  void end_array() { close(']'); }

  /// Writes `"name":`; the next value call completes the member.
  void key(std::string_view name) {
    separate();
    write_string(name, ":");
    after_key_ = true;
  }

  /// `key` for a name the caller knows needs no escaping (a schema's field name, a
  /// literal): copied without the scan, a large share of the OTLP/JSON encoder's time
  /// (guarded by `BM_OtlpJsonEncode512` in bench/bench_otlp.cpp).
  void schema_key(std::string_view name) {
    assert(is_plain(name));
    separate();
    reserve(name.size() + 3);
    put('"');
    out_.write(name);
    put('"');
    put(':');
    after_key_ = true;
  }

  void value(std::string_view text) {
    separate();
    write_string(text, {});
  }
  void value(const char* text) { value(std::string_view(text)); }
  void value(bool flag) { raw_value(flag ? "true" : "false"); }
  void value(std::int64_t number) { write_number(number, false); }
  void value(std::uint64_t number) { write_number(number, false); }
  void value(int number) { value(static_cast<std::int64_t>(number)); }
  void value(unsigned number) { value(static_cast<std::uint64_t>(number)); }
  /// Finite doubles as the shortest round-trip form; NaN and infinities, which JSON cannot
  /// express as numbers, as the strings "NaN", "Infinity", "-Infinity" (what protobuf's
  /// JSON mapping and OTLP/JSON accept).
  void value(double number) {
    if (std::isnan(number)) {
      raw_value("\"NaN\"");
    } else if (std::isinf(number)) {
      raw_value(number > 0 ? "\"Infinity\"" : "\"-Infinity\"");
    } else {
      separate();
      // The shortest round-trip form needs at most 24 characters ("-2.2250738585072014e-308").
      reserve(32);
      out_.advance_to(fmt::format_to(out_.position(), "{}", number));
    }
  }
  /// A 64-bit integer as a decimal string (OTLP/JSON's rule for int64/fixed64 fields).
  void value_as_string(std::int64_t number) { write_number(number, true); }
  void value_as_string(std::uint64_t number) { write_number(number, true); }
  /// Bytes as a lowercase hex string (trace and span ids).
  void value_hex(const std::uint8_t* bytes, std::size_t size) {
    separate();
    reserve(2 * size + 2);
    put('"');
    write_hex(bytes, size, out_.position());
    out_.advance_to(out_.position() + 2 * size);
    put('"');
  }
  /// Pre-encoded JSON, inserted as one value.
  void raw_value(std::string_view json) {
    separate();
    put(json);
  }
  /// Pre-encoded object members (`"a":1,"b":2`, no braces), inserted as if written one by
  /// one (e.g. tags shared by every span of a batch, encoded once). Empty inserts nothing.
  void raw_members(std::string_view members) {
    if (!members.empty()) raw_value(members);
  }

 private:
  void reserve(std::size_t bytes) { out_.reserve(bytes); }
  void put(char c) noexcept { out_.put(c); }  // after `reserve`
  void put(std::string_view text) { out_.write(text); }

  // The comma that separates a key or value from the previous value, when one is due.
  void separate() {
    reserve(1);
    if (after_key_) {
      after_key_ = false;
      return;
    }
    if (need_comma_) put(',');
    need_comma_ = true;
  }

  void open(char bracket) {
    separate();
    reserve(1);
    put(bracket);
    need_comma_ = false;
  }
  void close(char bracket) {
    reserve(1);
    put(bracket);
    need_comma_ = true;
  }

  template <class Integer>
  void write_number(Integer number, bool quoted) {
    separate();
    reserve(24);  // 20 digits, a sign and two quotes
    if (quoted) put('"');
    out_.advance_to(std::to_chars(out_.position(), out_.position() + 21, number).ptr);
    if (quoted) put('"');
  }

  static constexpr bool is_plain(unsigned char c) noexcept { return c >= 0x20 && c < 0x7f && c != '"' && c != '\\'; }
  // Whether no byte of `text` needs escaping or UTF-8 checking. Eight bytes are tested at
  // a time with the bit tricks of "Bit Twiddling Hacks" (haszero/hasless), because a
  // per-byte test was the JSON encoders' largest cost (guarded by `BM_OtlpJsonEncode512`
  // and `BM_ZipkinJsonEncode512`).
  static bool is_plain(std::string_view text) noexcept {
    const char* at = text.data();
    std::size_t left = text.size();
    for (; left >= 8; at += 8, left -= 8) {
      std::uint64_t word;
      std::memcpy(&word, at, sizeof word);
      if (!is_plain_word(word)) return false;
    }
    for (; left != 0; ++at, --left) {
      if (!is_plain(static_cast<unsigned char>(*at))) return false;
    }
    return true;
  }
  static constexpr bool is_plain_word(std::uint64_t word) noexcept {
    constexpr std::uint64_t ones = 0x0101010101010101ULL;
    constexpr std::uint64_t highs = 0x8080808080808080ULL;
    const auto has_zero_byte = [](std::uint64_t x) { return (x - ones) & ~x & highs; };
    const std::uint64_t control = (word - ones * 0x20) & ~word & highs;  // a byte < 0x20
    const std::uint64_t quote = has_zero_byte(word ^ (ones * '"'));
    const std::uint64_t backslash = has_zero_byte(word ^ (ones * '\\'));
    const std::uint64_t del = has_zero_byte(word ^ (ones * 0x7f));
    const std::uint64_t non_ascii = word & highs;
    return (control | quote | backslash | del | non_ascii) == 0;
  }

  // Writes `"text"` then `suffix` (a key's colon). Printable ASCII other than `"` and `\`
  // (nearly every string of a span) needs no escaping and is copied whole.
  void write_string(std::string_view text, std::string_view suffix) {
    if (is_plain(text)) {
      reserve(text.size() + 2 + suffix.size());
      put('"');
      out_.write(text);  // an empty view may hold a null pointer: write() checks
      put('"');
      for (char c : suffix) put(c);
      return;
    }
    reserve(1);
    put('"');
    write_escaped(text);
    reserve(1 + suffix.size());
    put('"');
    for (char c : suffix) put(c);
  }

  void write_escaped(std::string_view text) {
    std::size_t i = 0;
    while (i < text.size()) {
      // Plain runs are copied whole.
      std::size_t plain = i;
      while (plain < text.size() && is_plain(static_cast<unsigned char>(text[plain]))) ++plain;
      if (plain != i) {
        put(text.substr(i, plain - i));
        i = plain;
        continue;
      }
      const auto c = static_cast<unsigned char>(text[i]);
      if (c >= 0x80) {
        const std::size_t length = utf8_sequence_length(text, i);
        if (length == 0) {
          put(utf8_replacement_character);
          ++i;
        } else {
          put(text.substr(i, length));
          i += length;
        }
        continue;
      }
      switch (c) {
        case '"':
          put("\\\"");
          break;
        case '\\':
          put("\\\\");
          break;
        case '\n':
          put("\\n");
          break;
        case '\r':
          put("\\r");
          break;
        case '\t':
          put("\\t");
          break;
        case '\b':
          put("\\b");
          break;
        case '\f':
          put("\\f");
          break;
        default: {  // the other control characters, and DEL
          const char escape[6] = {'\\', 'u', '0', '0', lower_hex_digits[c >> 4], lower_hex_digits[c & 0x0f]};
          put(std::string_view(escape, sizeof escape));
        }
      }
      ++i;
    }
  }

  StringCursor out_;
  bool need_comma_ = false;
  bool after_key_ = false;
};

}  // namespace detail
}  // namespace v0
}  // namespace tracewire
