// JaegerPropagator: `uber-trace-id` and `uberctx-*` baggage headers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tracewire/core/baggage.hpp"
#include "tracewire/core/detail/ascii.hpp"
#include "tracewire/core/detail/hex.hpp"
#include "tracewire/core/detail/quote.hpp"
#include "tracewire/core/detail/percent_encoding.hpp"
#include "tracewire/core/detail/utf8.hpp"
#include "tracewire/core/logger.hpp"
#include "tracewire/core/span_context.hpp"
#include "tracewire/propagation/detail/header_values.hpp"
#include "tracewire/propagation/text_map_propagator.hpp"

namespace tracewire {
inline namespace v0 {

/// The Jaeger propagator, as Jaeger clients and Traefik speak it:
/// `uber-trace-id: {trace-id}:{span-id}:{parent-span-id}:{flags}`, all hex.
///
/// Extract accepts 1–32 hex digits of trace id and 1–16 of span id (either case, left-padded
/// with zeros: "Receivers MUST accept hex-strings shorter than 32 characters and 0-pad them
/// on the left"), zero being invalid for both; any parent id (`0` means none; it is
/// deprecated and ignored); flags of one or two hex digits. The whole value may be
/// URL-encoded (`%3A` for `:`). Baggage comes from `uberctx-{key}` headers (URL-decoded
/// values) and from the `jaeger-baggage: k1=v1, k2=v2` header; a `jaeger-debug-id` header is
/// kept as the baggage entry `jaeger-debug-id` so the application can tag its span with it,
/// as Jaeger clients do.
///
/// The flag rule: "sampled" is bit 0x01 alone, as jaeger-client-go (`isSampled`:
/// `flags & 1`), the other reference clients and OpenTelemetry's Jaeger propagators read
/// it; so `…:2`, debug without sampled (which the Jaeger format says should not be sent),
/// is not sampled. The debug bit 0x02 is kept as TraceFlags' `debug` bit and written again
/// on inject, so a debug trace stays one downstream (and crosses to B3 as `d`). Firehose
/// (0x08) and the unused bits are not carried.
///
/// Inject writes what the Jaeger format asks of senders ("Senders SHOULD generate hex
/// strings of exactly 16 or 32 characters" for the trace id, "exactly 16" for the span
/// id): a trace id whose high half is zero as 16 digits — the form a 64-bit Jaeger client
/// wrote it in, and all that clients limited to 64-bit ids accept — any other as 32;
/// the span id as 16; parent `0`; flags `0`–`3` (sampled, plus 2 for debug) as one digit,
/// as Jaeger clients write them. Then one `uberctx-{key}` header per baggage entry whose
/// key is a token, with the value URL-encoded.
///
/// Extracted baggage is bounded like W3C baggage (64 entries, 8192 bytes of values); entries
/// beyond are dropped whole and reported. Baggage keys travel in lowercase, since header
/// names are case-insensitive (and lowercase in HTTP/2).
///
/// Both header names are configurable, as in Jaeger clients (`Options`; Traefik's
/// `traceContextHeaderName` is the same setting).
class JaegerPropagator final : public TextMapPropagator {
 public:
  static constexpr std::string_view default_trace_header = "uber-trace-id";
  static constexpr std::string_view default_baggage_prefix = "uberctx-";
  static constexpr std::string_view baggage_header = "jaeger-baggage";
  static constexpr std::string_view debug_id_header = "jaeger-debug-id";
  static constexpr std::uint8_t sampled_flag = 0x01;
  static constexpr std::uint8_t debug_flag = 0x02;

  struct Options {
    /// The header carrying the span context (lowercase).
    std::string trace_header = std::string(default_trace_header);
    /// The prefix of one-header-per-entry baggage (lowercase).
    std::string baggage_prefix = std::string(default_baggage_prefix);
  };

  JaegerPropagator() : JaegerPropagator(Options()) {}
  explicit JaegerPropagator(Options options)
      : trace_header_(detail::to_lower(options.trace_header)),
        baggage_prefix_(detail::to_lower(options.baggage_prefix)),
        fields_{trace_header_} {}

  /// Parses an `uber-trace-id` value (URL-encoded or not); nullopt unless valid.
  static std::optional<SpanContext> parse_trace_id_header(std::string_view value) noexcept {
    // A valid value has at most 32+16+16+2 digits and 3 separators, URL-encoded ones included.
    constexpr std::size_t max_length = 32 + 16 + 16 + 2 + 3 * 3;
    value = detail::trim_spaces(value);
    if (value.size() > max_length) return std::nullopt;
    char decoded[max_length];
    std::size_t length = 0;
    for (std::size_t i = 0; i < value.size(); ++i) {
      if (value[i] == '%') {
        if (i + 2 >= value.size()) return std::nullopt;
        const int high = detail::any_case_hex_value(value[i + 1]);
        const int low = detail::any_case_hex_value(value[i + 2]);
        if ((high | low) < 0) return std::nullopt;
        decoded[length++] = static_cast<char>((high << 4) | low);
        i += 2;
      } else {
        decoded[length++] = value[i];
      }
    }
    std::string_view parts[4];
    std::string_view rest(decoded, length);
    for (int i = 0; i < 3; ++i) {
      const std::size_t colon = rest.find(':');
      if (colon == std::string_view::npos) return std::nullopt;
      parts[i] = rest.substr(0, colon);
      rest.remove_prefix(colon + 1);
    }
    parts[3] = rest;
    std::uint64_t high = 0, low = 0, span = 0, parent = 0, flags = 0;
    const std::string_view trace = parts[0];
    if (trace.empty() || trace.size() > 32) return std::nullopt;
    if (trace.size() > 16 && !detail::parse_hex_u64(trace.substr(0, trace.size() - 16), high)) return std::nullopt;
    if (!detail::parse_hex_u64(trace.size() > 16 ? trace.substr(trace.size() - 16) : trace, low)) return std::nullopt;
    if (!detail::parse_hex_u64(parts[1], span) || !detail::parse_hex_u64(parts[2], parent)) return std::nullopt;
    if (parts[3].size() > 2 || !detail::parse_hex_u64(parts[3], flags)) return std::nullopt;
    if ((high == 0 && low == 0) || span == 0) return std::nullopt;
    SpanContext context;
    context.trace_id = TraceId::from_halves(high, low);
    context.span_id = SpanId::from_u64(span);
    context.flags = TraceFlags(static_cast<std::uint8_t>(((flags & sampled_flag) != 0 ? TraceFlags::sampled_bit : 0) |
                                                         ((flags & debug_flag) != 0 ? TraceFlags::debug_bit : 0)));
    context.is_remote = true;
    return context;
  }

  /// Writes the `uber-trace-id` value of `context` into `out` (at least 53 characters) and
  /// returns its length.
  static std::size_t write_trace_id_header(const SpanContext& context, char* out) noexcept {
    std::size_t length = 0;
    if (context.trace_id.high() != 0) length += write_fixed_hex(context.trace_id.high(), out);
    length += write_fixed_hex(context.trace_id.low(), out + length);
    out[length++] = ':';
    length += write_fixed_hex(context.span_id.to_u64(), out + length);
    out[length++] = ':';
    out[length++] = '0';
    out[length++] = ':';
    out[length++] =
        static_cast<char>('0' + (context.sampled() ? sampled_flag : 0) + (context.flags.debug() ? debug_flag : 0));
    return length;
  }

  const std::vector<std::string>& fields() const noexcept override { return fields_; }
  std::string describe() const override {
    return fmt::format("JaegerPropagator{{trace_header={}, baggage_prefix={}}}", trace_header_, baggage_prefix_);
  }

 protected:
  Context do_extract(const TextMapGetter& carrier, const Context& base) const override {
    Context result = base;
    const detail::SingleHeader header = detail::get_single(carrier, trace_header_);
    if (header.value) {
      if (auto context = parse_trace_id_header(*header.value)) {
        result = result.with_span_context(std::move(*context));
      } else {
        static detail::RateLimitedLog log;
        log(LogLevel::warn, "ignoring invalid {} {}: expected {{trace-id}}:{{span-id}}:{{parent-id}}:{{flags}} in hex",
            trace_header_, detail::quote(*header.value));
      }
    } else if (header.conflicting) {
      static detail::RateLimitedLog log;
      log(LogLevel::warn, "ignoring several different {} headers", trace_header_);
    }
    BaggageParts baggage;
    carrier.keys([&](std::string_view key) {
      if (key.size() <= baggage_prefix_.size() || !detail::starts_with_ignore_case(key, baggage_prefix_)) return;
      const std::string_view name = key.substr(baggage_prefix_.size());
      if (auto value = carrier.get(key); value && detail::is_token(name)) {
        baggage.add(detail::to_lower(name), *value);
      } else {
        ++baggage.invalid;
      }
    });
    if (auto list = carrier.get(baggage_header)) baggage.add_list(*list);
    if (auto debug_id = carrier.get(debug_id_header)) baggage.add(std::string(debug_id_header), *debug_id);
    if (baggage.invalid > 0) {
      static detail::RateLimitedLog log;
      log(LogLevel::warn, "jaeger: skipped {} baggage item(s) with an invalid key or URL encoding", baggage.invalid);
    }
    if (baggage.over_limit > 0) {
      static detail::RateLimitedLog log;
      log(LogLevel::warn, "jaeger: dropped {} baggage item(s) beyond {} entries or {} bytes", baggage.over_limit,
          BaggageParts::max_entries, BaggageParts::max_bytes);
    }
    if (baggage.entries.empty()) return result;
    std::vector<Baggage::Entry> merged = base.baggage().entries();
    merged.insert(merged.end(), std::make_move_iterator(baggage.entries.begin()),
                  std::make_move_iterator(baggage.entries.end()));
    return result.with_baggage(Baggage::from_entries(std::move(merged)));
  }

  void do_inject(const Context& context, TextMapSetter& carrier) const override {
    const SpanContext& span_context = context.span_context();
    if (span_context.is_valid()) {
      char value[64];
      carrier.set(trace_header_, std::string_view(value, write_trace_id_header(span_context, value)));
    }
    std::string key;
    std::string value;
    std::size_t invalid = 0;
    for (const Baggage::Entry& entry : context.baggage().entries()) {
      if (!detail::is_token(entry.key)) {
        ++invalid;
        continue;
      }
      key.assign(baggage_prefix_).append(detail::to_lower(entry.key));
      value.clear();
      detail::percent_encode(entry.value, value, detail::is_uri_component_char);
      carrier.set(key, value);
    }
    if (invalid > 0) {
      static detail::RateLimitedLog log;
      log(LogLevel::warn, "jaeger: left out {} baggage key(s) that are not HTTP tokens", invalid);
    }
  }

 private:
  static std::size_t write_fixed_hex(std::uint64_t value, char* out) noexcept {
    std::uint8_t bytes[8];
    detail::store_big_endian64(value, bytes);
    detail::write_hex(bytes, 8, out);
    return 16;
  }

  // Baggage items gathered from the several Jaeger headers, bounded and counted.
  struct BaggageParts {
    static constexpr std::size_t max_entries = 64;
    static constexpr std::size_t max_bytes = 8192;
    std::vector<Baggage::Entry> entries;
    std::size_t bytes = 0;
    std::size_t invalid = 0;
    std::size_t over_limit = 0;

    void add(std::string key, std::string_view encoded) {
      Baggage::Entry entry;
      if (!detail::percent_decode(detail::trim_spaces(encoded), entry.value)) {
        ++invalid;
        return;
      }
      detail::make_valid_utf8(entry.value);
      const std::size_t size = key.size() + 1 + entry.value.size();
      if (entries.size() == max_entries || bytes + size > max_bytes) {
        ++over_limit;
        return;
      }
      bytes += size;
      entry.key = std::move(key);
      entries.push_back(std::move(entry));
    }

    // `jaeger-baggage: k1=v1, k2=v2`, the header Jaeger clients accept from curl users.
    void add_list(std::string_view list) {
      std::size_t start = 0;
      while (start <= list.size()) {
        std::size_t comma = list.find(',', start);
        if (comma == std::string_view::npos) comma = list.size();
        const std::string_view item = detail::trim_spaces(list.substr(start, comma - start));
        start = comma + 1;
        if (item.empty()) continue;
        const std::size_t equals = item.find('=');
        const std::string_view key = detail::trim_spaces(item.substr(0, equals));
        if (equals == std::string_view::npos || !detail::is_token(key)) {
          ++invalid;
          continue;
        }
        add(detail::to_lower(key), item.substr(equals + 1));  // keys travel in lowercase, as uberctx-* names do
      }
    }
  };

  std::string trace_header_;
  std::string baggage_prefix_;
  std::vector<std::string> fields_;
};

}  // namespace v0
}  // namespace tracewire
