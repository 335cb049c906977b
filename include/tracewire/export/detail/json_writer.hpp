// JsonWriter: appends JSON tokens to a reusable buffer (OTLP/JSON, Zipkin, console).
#pragma once

#include <cmath>
#include <cstdint>
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
class JsonWriter {
 public:
  explicit JsonWriter(std::string& out) noexcept : out_(out) {}

  void begin_object() { open('{'); }
  void end_object() { close('}'); }
  void begin_array() { open('['); }
  void end_array() { close(']'); }

  /// Writes `"name":`; the next value call completes the member.
  void key(std::string_view name) {
    separate();
    write_string(name);
    out_ += ':';
    after_key_ = true;
  }

  void value(std::string_view text) {
    separate();
    write_string(text);
  }
  void value(const char* text) { value(std::string_view(text)); }
  void value(bool flag) {
    separate();
    out_ += flag ? "true" : "false";
  }
  void value(std::int64_t number) {
    separate();
    fmt::format_to(std::back_inserter(out_), "{}", number);
  }
  void value(std::uint64_t number) {
    separate();
    fmt::format_to(std::back_inserter(out_), "{}", number);
  }
  void value(int number) { value(static_cast<std::int64_t>(number)); }
  void value(unsigned number) { value(static_cast<std::uint64_t>(number)); }
  /// Finite doubles as the shortest round-trip form; NaN and infinities, which JSON cannot
  /// express as numbers, as the strings "NaN", "Infinity", "-Infinity" (what protobuf's
  /// JSON mapping and OTLP/JSON accept).
  void value(double number) {
    separate();
    if (std::isnan(number)) {
      out_ += "\"NaN\"";
    } else if (std::isinf(number)) {
      out_ += number > 0 ? "\"Infinity\"" : "\"-Infinity\"";
    } else {
      fmt::format_to(std::back_inserter(out_), "{}", number);
    }
  }
  /// A 64-bit integer as a decimal string (OTLP/JSON's rule for int64/fixed64 fields).
  void value_as_string(std::int64_t number) {
    separate();
    fmt::format_to(std::back_inserter(out_), "\"{}\"", number);
  }
  void value_as_string(std::uint64_t number) {
    separate();
    fmt::format_to(std::back_inserter(out_), "\"{}\"", number);
  }
  /// Bytes as a lowercase hex string (trace and span ids).
  void value_hex(const std::uint8_t* bytes, std::size_t size) {
    separate();
    out_ += '"';
    const std::size_t at = out_.size();
    out_.resize(at + 2 * size);
    write_hex(bytes, size, &out_[at]);
    out_ += '"';
  }
  /// Pre-encoded JSON, inserted as one value.
  void raw_value(std::string_view json) {
    separate();
    out_.append(json);
  }
  /// Pre-encoded object members (`"a":1,"b":2`, no braces), inserted as if written one by
  /// one (e.g. tags shared by every span of a batch, encoded once). Empty inserts nothing.
  void raw_members(std::string_view members) {
    if (members.empty()) return;
    separate();
    out_.append(members);
  }

  std::string& buffer() noexcept { return out_; }

 private:
  void open(char bracket) {
    separate();
    out_ += bracket;
    need_comma_ = false;
  }
  void close(char bracket) {
    out_ += bracket;
    need_comma_ = true;
  }
  void separate() {
    if (after_key_) {
      after_key_ = false;
      return;
    }
    if (need_comma_) out_ += ',';
    need_comma_ = true;
  }

  static constexpr bool is_plain(unsigned char c) noexcept { return c >= 0x20 && c < 0x7f && c != '"' && c != '\\'; }

  void write_string(std::string_view text) {
    out_ += '"';
    std::size_t i = 0;
    while (i < text.size()) {
      // Printable ASCII other than `"` and `\` (nearly every byte of a span) is copied a
      // run at a time: appending byte by byte was most of the JSON encoders' time.
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
        default:
          if (c < 0x20 || c == 0x7f) {
            fmt::format_to(std::back_inserter(out_), "\\u{:04x}", static_cast<unsigned>(c));
          } else {
            out_ += static_cast<char>(c);
          }
      }
      ++i;
    }
    out_ += '"';
  }

  std::string& out_;
  bool need_comma_ = false;
  bool after_key_ = false;
};

}  // namespace detail
}  // namespace v0
}  // namespace tracewire
