// OtlpPartialSuccess: what a receiver says it rejected from an accepted export.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "tracewire/export/otlp/detail/proto_reader.hpp"
#include "tracewire/export/otlp/otlp_encoder.hpp"

namespace tracewire {
inline namespace v0 {

/// The `partial_success` of an `ExportTraceServiceResponse`: a receiver accepted the
/// request but dropped `rejected_spans` of it, and may say why. The specification says
/// such a response must not be retried; the exporters count the rejected spans and log
/// the message (rate-limited).
struct OtlpPartialSuccess {
  std::int64_t rejected_spans = 0;
  std::string error_message;

  /// Reads the partial success from a response body in the request's encoding. Nullopt
  /// when there is none (an empty body, an empty `partial_success`, or a body that cannot
  /// be read: a garbage 200 is still a success).
  static std::optional<OtlpPartialSuccess> parse(std::string_view body, OtlpEncoding encoding) {
    bool seen = false;
    return read(body, encoding, /*whole=*/true, &seen);
  }

  /// What the first bytes of a response whose end was cut off say (see parse_prefix).
  struct PrefixReading;

  /// Reads the partial success from the first bytes of a response body whose end was cut
  /// off (an HTTP client keeps a bounded part of a response: CurlHttpClient 64 KiB; only a
  /// long error message makes a response that large). The count is taken only if it is
  /// whole in the part that was read, and the message is what of it was read. Receivers
  /// write the count before the message (protobuf serialises fields in number order, and
  /// protobuf's JSON mapping does too), so a cut message still gives the count.
  static PrefixReading parse_prefix(std::string_view prefix, OtlpEncoding encoding);

 private:
  // `whole`: the body is complete. Otherwise it is a prefix: a field cut at the end counts
  // only when it is the message (what was read of it), never the count (a cut number is a
  // different number), and the result is set only when the count was read. `seen`: a
  // partial success begins in the body.
  static std::optional<OtlpPartialSuccess> read(std::string_view body, OtlpEncoding encoding, bool whole, bool* seen) {
    OtlpPartialSuccess result;
    bool has_count = false;
    bool has_message = false;
    if (encoding == OtlpEncoding::protobuf) {
      for (auto response = whole ? detail::ProtoReader(body) : detail::ProtoReader::prefix(body); response.next();) {
        if (response.field() != 1 || response.wire_type() != 2) continue;
        *seen = true;
        const std::string_view bytes = response.bytes();
        for (auto partial = whole ? detail::ProtoReader(bytes) : detail::ProtoReader::prefix(bytes); partial.next();) {
          if (partial.field() == 1 && partial.wire_type() == 0) {
            result.rejected_spans = static_cast<std::int64_t>(partial.varint());
            has_count = true;
          } else if (partial.field() == 2 && partial.wire_type() == 2) {
            result.error_message.assign(partial.bytes());
            has_message = true;
          }
        }
      }
    } else {
      const std::size_t start = body.find("\"partialSuccess\"");
      if (start == std::string_view::npos) return std::nullopt;
      *seen = true;
      const std::string_view object = body.substr(start);
      if (auto number = json_member(object, "rejectedSpans")) {
        // A bare number that reaches the end of a prefix may be cut short.
        const bool complete = whole || number->data() + number->size() < object.data() + object.size();
        if (complete) {
          result.rejected_spans = parse_integer(*number);
          has_count = true;
        }
      }
      if (auto text = json_member(object, "errorMessage", /*allow_unterminated=*/!whole)) {
        result.error_message = unescape_json_string(*text);
        has_message = true;
      }
    }
    if (!whole) return has_count ? std::optional<OtlpPartialSuccess>(std::move(result)) : std::nullopt;
    if ((!has_count && !has_message) || (result.rejected_spans == 0 && result.error_message.empty())) {
      return std::nullopt;
    }
    return result;
  }

  // The raw value of `"name": value` (a string without its quotes, or a number token).
  static std::optional<std::string_view> json_member(std::string_view json, std::string_view name,
                                                     bool allow_unterminated = false) {
    const std::string quoted = "\"" + std::string(name) + "\"";
    std::size_t at = json.find(quoted);
    if (at == std::string_view::npos) return std::nullopt;
    at += quoted.size();
    while (at < json.size() && (json[at] == ' ' || json[at] == '\t' || json[at] == '\n' || json[at] == '\r')) ++at;
    if (at >= json.size() || json[at] != ':') return std::nullopt;
    ++at;
    while (at < json.size() && (json[at] == ' ' || json[at] == '\t' || json[at] == '\n' || json[at] == '\r')) ++at;
    if (at >= json.size()) return std::nullopt;
    if (json[at] == '"') {
      std::size_t end = at + 1;
      while (end < json.size() && json[end] != '"') end += json[end] == '\\' ? 2 : 1;
      if (end >= json.size()) {
        if (!allow_unterminated) return std::nullopt;
        end = json.size();  // the beginning of a string whose end was cut off
      }
      return json.substr(at + 1, end - at - 1);
    }
    std::size_t end = at;
    while (end < json.size() && (json[end] == '-' || (json[end] >= '0' && json[end] <= '9'))) ++end;
    if (end == at) return std::nullopt;
    return json.substr(at, end - at);
  }

  // A decimal int64, exactly over the whole range; beyond it, saturated (a count that
  // large only ever means "all of them"). Found by fuzz_partial_success: the 19-digit
  // numbers near the limits used to be read as a different, shorter number.
  static std::int64_t parse_integer(std::string_view text) noexcept {
    const bool negative = !text.empty() && text.front() == '-';
    if (negative) text.remove_prefix(1);
    const std::uint64_t limit = static_cast<std::uint64_t>(INT64_MAX) + (negative ? 1 : 0);
    std::uint64_t magnitude = 0;
    for (char c : text) {
      if (c < '0' || c > '9') break;
      const auto digit = static_cast<std::uint64_t>(c - '0');
      if (magnitude > (limit - digit) / 10) {
        magnitude = limit;
        break;
      }
      magnitude = magnitude * 10 + digit;
    }
    if (!negative) return static_cast<std::int64_t>(magnitude);
    return magnitude == limit ? INT64_MIN : -static_cast<std::int64_t>(magnitude);
  }

  // Enough of JSON string unescaping for a diagnostic message; \u escapes outside ASCII
  // become U+FFFD.
  static std::string unescape_json_string(std::string_view text) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
      if (text[i] != '\\' || i + 1 >= text.size()) {
        out += text[i];
        continue;
      }
      const char escaped = text[++i];
      switch (escaped) {
        case 'n':
          out += '\n';
          break;
        case 't':
          out += '\t';
          break;
        case 'r':
          out += '\r';
          break;
        case 'b':
          out += '\b';
          break;
        case 'f':
          out += '\f';
          break;
        case 'u': {
          unsigned code = 0;
          bool valid = i + 4 < text.size();
          for (std::size_t k = 1; valid && k <= 4; ++k) {
            const int digit = detail::any_case_hex_value(text[i + k]);
            valid = digit >= 0;
            code = code * 16 + static_cast<unsigned>(digit);
          }
          if (valid && code < 0x80) {
            out += static_cast<char>(code);
          } else {
            out.append(detail::utf8_replacement_character);
          }
          if (valid) i += 4;
          break;
        }
        default:
          out += escaped;  // \" \\ \/
      }
    }
    return out;
  }
};

struct OtlpPartialSuccess::PrefixReading {
  bool partial_success = false;              ///< a partial success begins in them
  std::optional<OtlpPartialSuccess> result;  ///< set when its rejected count is in them too
};

inline OtlpPartialSuccess::PrefixReading OtlpPartialSuccess::parse_prefix(std::string_view prefix,
                                                                          OtlpEncoding encoding) {
  PrefixReading reading;
  reading.result = read(prefix, encoding, /*whole=*/false, &reading.partial_success);
  return reading;
}

}  // namespace v0
}  // namespace tracewire
