// XRayPropagator: AWS X-Ray's `X-Amzn-Trace-Id` header.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tracewire/core/detail/ascii.hpp"
#include "tracewire/core/detail/hex.hpp"
#include "tracewire/core/detail/quote.hpp"
#include "tracewire/core/logger.hpp"
#include "tracewire/core/span_context.hpp"
#include "tracewire/propagation/detail/header_values.hpp"
#include "tracewire/propagation/text_map_propagator.hpp"

namespace tracewire {
inline namespace v0 {

/// The AWS X-Ray propagator:
/// `X-Amzn-Trace-Id: Root=1-{8 hex epoch}-{24 hex};Parent={16 hex};Sampled={0|1}`.
///
/// The X-Ray trace id maps to the 128-bit trace id as the OpenTelemetry X-Ray propagator
/// maps it: the 8 epoch digits are the high 32 bits and the 24 unique digits the rest, so
/// `Root=1-5759e988-bd862e3fe1be46a994272793` is trace id `5759e988bd862e3fe1be46a994272793`.
/// Extract reads `;`-separated `key=value` fields in any order, with optional whitespace,
/// ignoring unknown ones (`Self`, `Lineage`, ...); `Root`, `Parent` and `Sampled` (`0` or
/// `1`) are all required, as in the OpenTelemetry propagators. Hex digits may be in either
/// case. Inject writes the three fields in that order, lowercase.
class XRayPropagator final : public TextMapPropagator {
 public:
  static constexpr std::string_view header = "x-amzn-trace-id";
  /// Length of `Root=1-{8}-{24};Parent={16};Sampled={1}`.
  static constexpr std::size_t header_length = 5 + 35 + 8 + 16 + 9 + 1;

  XRayPropagator() : fields_{std::string(header)} {}

  /// Parses an `X-Amzn-Trace-Id` value; nullopt unless valid.
  static std::optional<SpanContext> parse(std::string_view value) noexcept {
    std::optional<TraceId> trace_id;
    std::optional<SpanId> span_id;
    int sampled = -1;  // 0 or 1 once read (an int: GCC misreads an optional<bool> here as uninitialised)
    std::size_t start = 0;
    while (start <= value.size()) {
      std::size_t semicolon = value.find(';', start);
      if (semicolon == std::string_view::npos) semicolon = value.size();
      const std::string_view field = detail::trim_spaces(value.substr(start, semicolon - start));
      start = semicolon + 1;
      const std::size_t equals = field.find('=');
      if (equals == std::string_view::npos) continue;
      const std::string_view key = detail::trim_spaces(field.substr(0, equals));
      const std::string_view text = detail::trim_spaces(field.substr(equals + 1));
      if (key == "Root") {
        trace_id = parse_root(text);
      } else if (key == "Parent") {
        span_id = parse_any_case_id(text);
      } else if (key == "Sampled") {
        sampled = text == "1" ? 1 : text == "0" ? 0 : -1;
      }
    }
    if (!trace_id || !span_id || sampled < 0 || !trace_id->is_valid() || !span_id->is_valid()) return std::nullopt;
    SpanContext context;
    context.trace_id = *trace_id;
    context.span_id = *span_id;
    context.flags = TraceFlags(sampled == 1 ? TraceFlags::sampled_bit : 0);
    context.is_remote = true;
    return context;
  }

  /// Writes the header value of `context` (header_length characters) to `out`.
  static void write(const SpanContext& context, char* out) noexcept {
    char trace[32];
    context.trace_id.write_hex(trace);
    std::size_t length = 0;
    const auto put = [&](std::string_view text) {
      for (char c : text) out[length++] = c;
    };
    put("Root=1-");
    put(std::string_view(trace, 8));
    put("-");
    put(std::string_view(trace + 8, 24));
    put(";Parent=");
    context.span_id.write_hex(out + length);
    length += 16;
    put(context.sampled() ? ";Sampled=1" : ";Sampled=0");
  }

  const std::vector<std::string>& fields() const noexcept override { return fields_; }
  std::string describe() const override { return "XRayPropagator"; }

 protected:
  Context do_extract(const TextMapGetter& carrier, const Context& base) const override {
    const detail::SingleHeader value = detail::get_single(carrier, header);
    if (!value.value) return base;
    std::optional<SpanContext> context = parse(*value.value);
    if (!context) {
      static detail::RateLimitedLog log;
      log(LogLevel::warn,
          "ignoring invalid X-Amzn-Trace-Id {}: expected Root=1-<8 hex>-<24 hex>;Parent=<16 hex>;Sampled=<0|1>",
          detail::quote(*value.value));
      return base;
    }
    // X-Ray has no tracestate; keep one an earlier propagator found for the same trace.
    if (base.span_context().trace_id == context->trace_id) context->trace_state = base.span_context().trace_state;
    return base.with_span_context(std::move(*context));
  }

  void do_inject(const Context& context, TextMapSetter& carrier) const override {
    const SpanContext& span_context = context.span_context();
    if (!span_context.is_valid()) return;
    char value[header_length];
    write(span_context, value);
    carrier.set(header, std::string_view(value, header_length));
  }

 private:
  // `1-{8 hex}-{24 hex}`: version 1, epoch seconds, 96 random bits.
  static std::optional<TraceId> parse_root(std::string_view root) noexcept {
    if (root.size() != 35 || root[0] != '1' || root[1] != '-' || root[10] != '-') return std::nullopt;
    std::uint64_t epoch = 0, middle = 0, low = 0;
    if (!detail::parse_hex_u64(root.substr(2, 8), epoch) || !detail::parse_hex_u64(root.substr(11, 8), middle) ||
        !detail::parse_hex_u64(root.substr(19, 16), low)) {
      return std::nullopt;
    }
    return TraceId::from_halves((epoch << 32) | middle, low);
  }
  static std::optional<SpanId> parse_any_case_id(std::string_view text) noexcept {
    std::uint64_t value = 0;
    if (text.size() != 16 || !detail::parse_hex_u64(text, value)) return std::nullopt;
    return SpanId::from_u64(value);
  }

  std::vector<std::string> fields_;
};

}  // namespace v0
}  // namespace tracewire
