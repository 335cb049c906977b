// BaggagePropagator: the W3C `baggage` header.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tracewire/core/baggage.hpp"
#include "tracewire/core/detail/ascii.hpp"
#include "tracewire/core/detail/percent_encoding.hpp"
#include "tracewire/core/detail/utf8.hpp"
#include "tracewire/core/logger.hpp"
#include "tracewire/propagation/detail/header_values.hpp"
#include "tracewire/propagation/text_map_propagator.hpp"

namespace tracewire {
inline namespace v0 {

/// The W3C Baggage propagator (`baggage: key1=value1;property1;p2=v2, key2 = value2`).
///
/// Extract reads every `baggage` field (combined with ','), trims optional whitespace,
/// percent-decodes values (bytes that are not UTF-8 become U+FFFD) and keeps properties as
/// the entry's metadata (`p1;p2=v2`). A member that breaks the grammar (key not a token,
/// a space, quote or backslash in a value, a bad `%` escape, a malformed property) is
/// skipped without discarding the valid ones. The extracted entries are merged over the
/// base context's baggage; a repeated key keeps its last value.
///
/// Inject writes one `baggage` header: values percent-encoded, so no control character can
/// reach the wire; an entry whose key is not a token, or metadata that is not a valid
/// property list, is left out (the metadata alone, for the latter).
///
/// Both directions carry up to `max_members` (64) members and `max_bytes` (8192) bytes of
/// header intact — the specification's minimum — and drop whole members beyond that,
/// never part of one; every drop is reported (rate-limited).
class BaggagePropagator final : public TextMapPropagator {
 public:
  static constexpr std::string_view header = "baggage";
  static constexpr std::size_t max_members = 64;
  static constexpr std::size_t max_bytes = 8192;

  BaggagePropagator() : fields_{std::string(header)} {}

  /// Parses one header value into `entries` (appending). Returns how many members were
  /// skipped as invalid and how many were dropped for the limits; `bytes` and `entries`
  /// carry the running totals across several calls.
  struct ParseCounts {
    std::size_t invalid = 0;
    std::size_t over_limit = 0;
  };
  static ParseCounts parse(std::string_view value, std::vector<Baggage::Entry>& entries, std::size_t& bytes) {
    ParseCounts counts;
    std::size_t start = 0;
    while (start <= value.size()) {
      std::size_t comma = value.find(',', start);
      if (comma == std::string_view::npos) comma = value.size();
      std::string_view member = detail::trim_spaces(value.substr(start, comma - start));
      start = comma + 1;
      if (member.empty()) continue;  // "a=1,,b=2" and trailing commas: nothing there to keep
      const std::size_t member_bytes = member.size() + (entries.empty() ? 0 : 1);
      if (entries.size() >= max_members || bytes + member_bytes > max_bytes) {
        ++counts.over_limit;
        continue;
      }
      Baggage::Entry entry;
      if (!parse_member(member, entry)) {
        ++counts.invalid;
        continue;
      }
      entries.push_back(std::move(entry));
      bytes += member_bytes;
    }
    return counts;
  }

  /// The baggage-octet of W3C Baggage: printable ASCII except space, `"`, `,`, `;` and `\`.
  static constexpr bool is_value_char(char c) noexcept {
    return c >= 0x21 && c <= 0x7e && c != '"' && c != ',' && c != ';' && c != '\\';
  }

  /// True if `metadata` is a `;`-separated list of `key[=value]` properties.
  static bool is_valid_metadata(std::string_view metadata) noexcept {
    std::size_t start = 0;
    while (start <= metadata.size()) {
      std::size_t semicolon = metadata.find(';', start);
      if (semicolon == std::string_view::npos) semicolon = metadata.size();
      if (!is_valid_property(metadata.substr(start, semicolon - start))) return false;
      start = semicolon + 1;
    }
    return true;
  }

  const std::vector<std::string>& fields() const noexcept override { return fields_; }
  std::string describe() const override {
    return fmt::format("BaggagePropagator{{max_members={}, max_bytes={}}}", max_members, max_bytes);
  }

 protected:
  Context do_extract(const TextMapGetter& carrier, const Context& base) const override {
    std::vector<Baggage::Entry> entries;
    std::size_t bytes = 0;
    ParseCounts counts;
    carrier.get_all(header, [&](std::string_view value) {
      ParseCounts more = parse(value, entries, bytes);
      counts.invalid += more.invalid;
      counts.over_limit += more.over_limit;
    });
    if (counts.invalid > 0) {
      static detail::RateLimitedLog log;
      log(LogLevel::warn, "baggage: skipped {} invalid member(s) of the incoming header", counts.invalid);
    }
    if (counts.over_limit > 0) {
      static detail::RateLimitedLog log;
      log(LogLevel::warn, "baggage: dropped {} incoming member(s) beyond {} members or {} bytes", counts.over_limit,
          max_members, max_bytes);
    }
    if (entries.empty()) return base;
    if (!base.baggage().empty()) {
      std::vector<Baggage::Entry> merged = base.baggage().entries();
      merged.insert(merged.end(), std::make_move_iterator(entries.begin()), std::make_move_iterator(entries.end()));
      entries = std::move(merged);
    }
    return base.with_baggage(Baggage::from_entries(std::move(entries)));
  }

  void do_inject(const Context& context, TextMapSetter& carrier) const override {
    const Baggage& baggage = context.baggage();
    if (baggage.empty()) return;
    std::string value;
    std::string member;
    std::size_t members = 0;
    std::size_t invalid = 0;
    std::size_t over_limit = 0;
    for (const Baggage::Entry& entry : baggage.entries()) {
      if (!detail::is_token(entry.key)) {
        ++invalid;
        continue;
      }
      member.assign(entry.key).append(1, '=');
      detail::percent_encode(entry.value, member, [](char c) { return is_value_char(c) && c != '%'; });
      if (!entry.metadata.empty()) {
        if (is_valid_metadata(entry.metadata)) {
          member.append(1, ';').append(entry.metadata);
        } else {
          ++invalid;
        }
      }
      if (members == max_members || value.size() + member.size() + (members > 0 ? 1 : 0) > max_bytes) {
        ++over_limit;
        continue;
      }
      if (members++ > 0) value.append(1, ',');
      value.append(member);
    }
    if (invalid > 0) {
      static detail::RateLimitedLog log;
      log(LogLevel::warn,
          "baggage: left out {} key(s) that are not HTTP tokens or metadata that is not a property list", invalid);
    }
    if (over_limit > 0) {
      static detail::RateLimitedLog log;
      log(LogLevel::warn, "baggage: dropped {} entr(ies) beyond {} members or {} bytes from the outgoing header",
          over_limit, max_members, max_bytes);
    }
    if (!value.empty()) carrier.set(header, value);
  }

 private:
  static bool parse_member(std::string_view member, Baggage::Entry& entry) {
    const std::size_t semicolon = member.find(';');
    const std::string_view pair = member.substr(0, semicolon);
    const std::size_t equals = pair.find('=');
    if (equals == std::string_view::npos) return false;
    const std::string_view key = detail::trim_spaces(pair.substr(0, equals));
    const std::string_view raw_value = detail::trim_spaces(pair.substr(equals + 1));
    if (!detail::is_token(key)) return false;
    for (char c : raw_value) {
      if (!is_value_char(c)) return false;
    }
    if (!detail::percent_decode(raw_value, entry.value)) return false;
    detail::make_valid_utf8(entry.value);
    entry.key.assign(key);
    if (semicolon != std::string_view::npos) return parse_metadata(member.substr(semicolon + 1), entry.metadata);
    return true;
  }

  // Properties are opaque to the specification; they are kept with whitespace trimmed
  // around each property, its key and its value, so inject writes them back canonically.
  static bool parse_metadata(std::string_view text, std::string& metadata) {
    std::size_t start = 0;
    while (start <= text.size()) {
      std::size_t semicolon = text.find(';', start);
      if (semicolon == std::string_view::npos) semicolon = text.size();
      const std::string_view property = text.substr(start, semicolon - start);
      start = semicolon + 1;
      if (!is_valid_property(property)) return false;
      const std::size_t equals = property.find('=');
      if (!metadata.empty()) metadata.append(1, ';');
      metadata.append(detail::trim_spaces(property.substr(0, equals)));
      if (equals != std::string_view::npos) {
        metadata.append(1, '=').append(detail::trim_spaces(property.substr(equals + 1)));
      }
    }
    return true;
  }

  // property = key OWS "=" OWS value / key OWS, with OWS around the whole property.
  static bool is_valid_property(std::string_view property) noexcept {
    const std::size_t equals = property.find('=');
    if (!detail::is_token(detail::trim_spaces(property.substr(0, equals)))) return false;
    if (equals == std::string_view::npos) return true;
    for (char c : detail::trim_spaces(property.substr(equals + 1))) {
      if (!is_value_char(c)) return false;
    }
    return true;
  }

  std::vector<std::string> fields_;
};

}  // namespace v0
}  // namespace tracewire
