// B3Propagator: Zipkin's B3 headers, single (`b3`) and multiple (`X-B3-*`).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tracewire/core/detail/ascii.hpp"
#include "tracewire/core/detail/hex.hpp"
#include "tracewire/core/logger.hpp"
#include "tracewire/core/span_context.hpp"
#include "tracewire/propagation/detail/header_values.hpp"
#include "tracewire/propagation/text_map_propagator.hpp"

namespace tracewire {
inline namespace v0 {

/// Which B3 headers `inject` writes.
enum class B3Encoding {
  single_header,  // b3: {trace-id}-{span-id}-{sampled}
  multi_header,   // x-b3-traceid, x-b3-spanid, x-b3-sampled
};

/// The B3 propagator (openzipkin/b3-propagation), used by Zipkin-era tracers and Envoy.
///
/// Extract reads the single `b3` header first and falls back to the `X-B3-*` headers,
/// whichever encoding inject uses. Single: `{trace-id}-{span-id}`, optionally followed by
/// `-{sampling}` and `-{parent-span-id}`, where the trace id is 16 or 32 lowercase hex digits
/// (a 64-bit id is left-padded to 128 bits), the span and parent ids 16, and sampling `1`,
/// `0` or `d` (debug, which implies sampled). A header holding only a sampling decision
/// (`0`, `1`, `d`) carries no context. Multi: `X-B3-TraceId`, `X-B3-SpanId`,
/// `X-B3-Sampled` (`1`/`0`, or the legacy `true`/`false`) and `X-B3-Flags: 1` (debug);
/// an absent sampling decision extracts as not sampled (the decision is deferred to this
/// process's sampler). B3 has no tracestate, so none is extracted or injected.
///
/// Inject writes the 32-digit trace id and the sampled flag as `1` or `0`.
class B3Propagator final : public TextMapPropagator {
 public:
  static constexpr std::string_view single_header = "b3";
  static constexpr std::string_view trace_id_header = "x-b3-traceid";
  static constexpr std::string_view span_id_header = "x-b3-spanid";
  static constexpr std::string_view parent_span_id_header = "x-b3-parentspanid";
  static constexpr std::string_view sampled_header = "x-b3-sampled";
  static constexpr std::string_view flags_header = "x-b3-flags";

  explicit B3Propagator(B3Encoding encoding = B3Encoding::single_header) : encoding_(encoding) {
    if (encoding_ == B3Encoding::single_header) {
      fields_ = {std::string(single_header)};
    } else {
      fields_ = {std::string(trace_id_header), std::string(span_id_header), std::string(sampled_header),
                 std::string(flags_header), std::string(parent_span_id_header)};
    }
  }

  /// Parses a single-header `b3` value; nullopt unless it holds a valid context.
  static std::optional<SpanContext> parse_single(std::string_view value) noexcept {
    value = detail::trim_spaces(value);
    std::string_view parts[4];
    std::size_t count = 0;
    for (;;) {
      if (count == 4) return std::nullopt;  // a fifth field
      const std::size_t dash = value.find('-');
      parts[count++] = value.substr(0, dash);
      if (dash == std::string_view::npos) break;
      value.remove_prefix(dash + 1);
    }
    if (count < 2) return std::nullopt;  // "0", "1", "d": a sampling decision without a context
    bool sampled = false;
    if (count >= 3) {
      if (parts[2] == "1" || parts[2] == "d") {
        sampled = true;
      } else if (parts[2] != "0") {
        return std::nullopt;
      }
    }
    if (count == 4 && !SpanId::from_hex(parts[3])) return std::nullopt;
    return make_context(parts[0], parts[1], sampled);
  }

  /// Builds a context from B3 trace and span ids; nullopt unless both are valid.
  static std::optional<SpanContext> make_context(std::string_view trace_hex, std::string_view span_hex,
                                                 bool sampled) noexcept {
    std::optional<TraceId> trace_id;
    if (trace_hex.size() == 32) {
      trace_id = TraceId::from_hex(trace_hex);
    } else if (trace_hex.size() == 16) {
      if (auto low = SpanId::from_hex(trace_hex)) trace_id = TraceId::from_halves(0, low->to_u64());
    }
    auto span_id = SpanId::from_hex(span_hex);
    if (!trace_id || !span_id || !trace_id->is_valid() || !span_id->is_valid()) return std::nullopt;
    SpanContext context;
    context.trace_id = *trace_id;
    context.span_id = *span_id;
    context.flags = TraceFlags(sampled ? TraceFlags::sampled_bit : 0);
    context.is_remote = true;
    return context;
  }

  B3Encoding encoding() const noexcept { return encoding_; }
  const std::vector<std::string>& fields() const noexcept override { return fields_; }
  std::string describe() const override {
    return encoding_ == B3Encoding::single_header ? "B3Propagator{single_header}" : "B3Propagator{multi_header}";
  }

 protected:
  Context do_extract(const TextMapGetter& carrier, const Context& base) const override {
    const detail::SingleHeader single = detail::get_single(carrier, single_header);
    if (single.value) {
      if (auto context = parse_single(*single.value)) return base.with_span_context(std::move(*context));
      const std::string_view decision = detail::trim_spaces(*single.value);
      if (decision != "0" && decision != "1" && decision != "d") {
        static detail::RateLimitedLog log;
        log(LogLevel::warn, "ignoring invalid b3 header {:?}: expected {{trace-id}}-{{span-id}}[-{{sampling}}[-{{parent}}]]",
            detail::excerpt(*single.value));
      }
    }
    const detail::SingleHeader trace_id = detail::get_single(carrier, trace_id_header);
    const detail::SingleHeader span_id = detail::get_single(carrier, span_id_header);
    if (!trace_id.value && !span_id.value) return base;
    const std::optional<bool> sampled = multi_sampled(carrier);
    std::optional<SpanContext> context;
    if (trace_id.value && span_id.value && sampled) {
      context = make_context(detail::trim_spaces(*trace_id.value), detail::trim_spaces(*span_id.value), *sampled);
    }
    if (!context) {
      static detail::RateLimitedLog log;
      log(LogLevel::warn, "ignoring invalid X-B3 headers: trace id {:?}, span id {:?}",
          detail::excerpt(trace_id.value.value_or("")), detail::excerpt(span_id.value.value_or("")));
      return base;
    }
    return base.with_span_context(std::move(*context));
  }

  void do_inject(const Context& context, TextMapSetter& carrier) const override {
    const SpanContext& span_context = context.span_context();
    if (!span_context.is_valid()) return;
    const char sampled = span_context.sampled() ? '1' : '0';
    if (encoding_ == B3Encoding::single_header) {
      char value[32 + 1 + 16 + 2];
      span_context.trace_id.write_hex(value);
      value[32] = '-';
      span_context.span_id.write_hex(value + 33);
      value[49] = '-';
      value[50] = sampled;
      carrier.set(single_header, std::string_view(value, sizeof value));
      return;
    }
    char trace_id[32];
    char span_id[16];
    span_context.trace_id.write_hex(trace_id);
    span_context.span_id.write_hex(span_id);
    carrier.set(trace_id_header, std::string_view(trace_id, sizeof trace_id));
    carrier.set(span_id_header, std::string_view(span_id, sizeof span_id));
    carrier.set(sampled_header, std::string_view(&sampled, 1));
  }

 private:
  // X-B3-Flags: 1 (debug) means sampled; otherwise X-B3-Sampled decides, absent = not sampled.
  // nullopt: a value B3 does not define.
  static std::optional<bool> multi_sampled(const TextMapGetter& carrier) {
    const detail::SingleHeader flags = detail::get_single(carrier, flags_header);
    if (flags.value && detail::trim_spaces(*flags.value) == "1") return true;
    const detail::SingleHeader sampled = detail::get_single(carrier, sampled_header);
    if (!sampled.value) return sampled.conflicting ? std::nullopt : std::optional<bool>(false);
    const std::string_view text = detail::trim_spaces(*sampled.value);
    if (text == "1" || detail::equals_ignore_case(text, "true")) return true;
    if (text == "0" || detail::equals_ignore_case(text, "false")) return false;
    return std::nullopt;
  }

  B3Encoding encoding_;
  std::vector<std::string> fields_;
};

}  // namespace v0
}  // namespace tracewire
