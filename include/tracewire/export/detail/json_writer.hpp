// JsonWriter: appends JSON tokens to a reusable buffer (OTLP/JSON, Zipkin, console).
#pragma once

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "tracewire/core/detail/hex.hpp"
#include "tracewire/core/detail/utf8.hpp"

namespace tracewire {
inline namespace v0 {
namespace detail {

/// A minimal streaming JSON writer. It tracks only whether a comma is due, so callers
/// write objects in order without building a tree: `begin_object(); key("a"); value(1);
/// end_object();`. Strings are escaped per RFC 8259 and invalid UTF-8 is replaced by
/// U+FFFD, so a receiver's parser always accepts the output.
///
/// Each value (its separating comma, quotes, and the key of its member included) is
/// composed in a small buffer and appended to the string in one call: `std::string`'s
/// `append` and `push_back` are out-of-line library calls, and making several per token
/// was most of the JSON encoders' time. A key is therefore held back until its value is
/// written; after each value the string is complete JSON-so-far, so callers may read or
/// append to it between members.
class JsonWriter {
 public:
  explicit JsonWriter(std::string& out) noexcept : out_(out) {}

  void begin_object() { open('{'); }
  void end_object() { close('}'); }
  void begin_array() { open('['); }
  void end_array() { close(']'); }

  /// Holds `"name":` back; the next value call writes the member.
  void key(std::string_view name) {
    separate();
    write_string(name, ":");
    after_key_ = true;
  }

  void value(std::string_view text) {
    separate();
    write_string(text, {});
    flush();
  }
  void value(const char* text) { value(std::string_view(text)); }
  void value(bool flag) { raw_value(flag ? "true" : "false"); }
  void value(std::int64_t number) { write_number(number, {}); }
  void value(std::uint64_t number) { write_number(number, {}); }
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
      make_room(32);
      token_.size = static_cast<std::size_t>(fmt::format_to(token_.end(), "{}", number) - token_.data);
      flush();
    }
  }
  /// A 64-bit integer as a decimal string (OTLP/JSON's rule for int64/fixed64 fields).
  void value_as_string(std::int64_t number) { write_number(number, "\""); }
  void value_as_string(std::uint64_t number) { write_number(number, "\""); }
  /// Bytes as a lowercase hex string (trace and span ids).
  void value_hex(const std::uint8_t* bytes, std::size_t size) {
    separate();
    if (make_room(2 * size + 2)) {
      token_.put('"');
      write_hex(bytes, size, token_.end());
      token_.size += 2 * size;
      token_.put('"');
      flush();
    } else {  // longer than any id
      const std::size_t at = out_.size() + 1;
      out_.append(2 * size + 2, '"');
      write_hex(bytes, size, &out_[at]);
    }
  }
  /// Pre-encoded JSON, inserted as one value.
  void raw_value(std::string_view json) {
    separate();
    if (make_room(json.size())) {
      token_.put(json);
      flush();
    } else {
      out_.append(json.data(), json.size());
    }
  }
  /// Pre-encoded object members (`"a":1,"b":2`, no braces), inserted as if written one by
  /// one (e.g. tags shared by every span of a batch, encoded once). Empty inserts nothing.
  void raw_members(std::string_view members) {
    if (!members.empty()) raw_value(members);
  }

 private:
  // The text not yet appended: a held-back key, then its value. 128 bytes hold nearly every
  // member of a span.
  struct Token {
    char data[128];
    std::size_t size = 0;

    char* end() noexcept { return data + size; }
    bool fits(std::size_t bytes) const noexcept { return bytes <= sizeof data - size; }
    void put(char c) noexcept { data[size++] = c; }
    void put(std::string_view text) noexcept {
      std::memcpy(data + size, text.data(), text.size());
      size += text.size();
    }
  };

  void flush() {
    out_.append(token_.data, token_.size);
    token_.size = 0;
  }
  // True when `bytes` more fit in the token; otherwise flushes it, so the caller writes to
  // the string directly (and false when even an empty token is too small).
  bool make_room(std::size_t bytes) {
    if (token_.fits(bytes)) return true;
    flush();
    return token_.fits(bytes);
  }

  // The comma that separates a key or value from the previous value, when one is due.
  void separate() {
    if (after_key_) {
      after_key_ = false;
      return;
    }
    if (need_comma_) {
      make_room(1);
      token_.put(',');
    }
    need_comma_ = true;
  }

  void open(char bracket) {
    separate();
    make_room(1);
    token_.put(bracket);
    flush();
    need_comma_ = false;
  }
  void close(char bracket) {
    flush();  // a key without a value; never in well-formed use
    out_ += bracket;
    need_comma_ = true;
  }

  template <class Integer>
  void write_number(Integer number, std::string_view quote) {
    separate();
    make_room(24);  // 20 digits, a sign and two quotes
    token_.put(quote);
    token_.size = static_cast<std::size_t>(std::to_chars(token_.end(), token_.data + sizeof token_.data, number).ptr -
                                           token_.data);
    token_.put(quote);
    flush();
  }

  static constexpr bool is_plain(unsigned char c) noexcept { return c >= 0x20 && c < 0x7f && c != '"' && c != '\\'; }
  // Whether no byte of `text` needs escaping or UTF-8 checking. Eight bytes are tested at
  // a time with the bit tricks of "Bit Twiddling Hacks" (haszero/hasless), a quarter of the
  // instructions of a per-byte test, which was the JSON encoders' largest cost; the last
  // bytes are tested padded with plain ones.
  static bool is_plain(std::string_view text) noexcept {
    const char* at = text.data();
    std::size_t left = text.size();
    for (; left >= 8; at += 8, left -= 8) {
      std::uint64_t word;
      std::memcpy(&word, at, sizeof word);
      if (!is_plain_word(word)) return false;
    }
    std::uint64_t word = 0x6161616161616161ULL;  // "aaaaaaaa"
    std::memcpy(&word, at, left);
    return is_plain_word(word);
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

  // Writes `"text"` then `suffix` (a key's colon) into the token. Printable ASCII other than
  // `"` and `\` (nearly every string of a span) needs no escaping and is copied whole.
  void write_string(std::string_view text, std::string_view suffix) {
    if (is_plain(text) && make_room(text.size() + 2 + suffix.size())) {
      token_.put('"');
      token_.put(text);
      token_.put('"');
      token_.put(suffix);
      return;
    }
    make_room(1);
    token_.put('"');
    flush();
    write_escaped(text);
    out_ += '"';
    out_.append(suffix.data(), suffix.size());
  }

  void write_escaped(std::string_view text) {
    std::size_t i = 0;
    while (i < text.size()) {
      // Plain runs are copied whole: appending byte by byte was most of the JSON encoders' time.
      std::size_t plain = i;
      while (plain < text.size() && is_plain(static_cast<unsigned char>(text[plain]))) ++plain;
      if (plain != i) {
        out_.append(text.data() + i, plain - i);
        i = plain;
        continue;
      }
      const auto c = static_cast<unsigned char>(text[i]);
      if (c >= 0x80) {
        const std::size_t length = utf8_sequence_length(text, i);
        if (length == 0) {
          out_.append(utf8_replacement_character);
          ++i;
        } else {
          out_.append(text.substr(i, length));
          i += length;
        }
        continue;
      }
      switch (c) {
        case '"': out_ += "\\\""; break;
        case '\\': out_ += "\\\\"; break;
        case '\n': out_ += "\\n"; break;
        case '\r': out_ += "\\r"; break;
        case '\t': out_ += "\\t"; break;
        case '\b': out_ += "\\b"; break;
        case '\f': out_ += "\\f"; break;
        default: {  // the other control characters, and DEL
          const char escape[6] = {'\\', 'u', '0', '0', lower_hex_digits[c >> 4], lower_hex_digits[c & 0x0f]};
          out_.append(escape, sizeof escape);
        }
      }
      ++i;
    }
  }

  std::string& out_;
  Token token_;
  bool need_comma_ = false;
  bool after_key_ = false;
};

}  // namespace detail
}  // namespace v0
}  // namespace tracewire
