// B3Propagator: Zipkin's B3 headers, single (`b3`) and multiple (`X-B3-*`).
#pragma once

#include <cstddef>
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

/// Which B3 headers `inject` writes.
enum class B3Encoding {
  single_header,  // b3: {trace-id}-{span-id}-{sampled}
  multi_header,   // x-b3-traceid, x-b3-spanid, x-b3-sampled
};

/// The B3 propagator (openzipkin/b3-propagation; Brave is the reference), used by
/// Zipkin-era tracers and Envoy.
///
/// Extract, whichever encoding inject uses:
/// - The single `b3` header "takes precedence over the multiple header one": when it holds a
///   valid value, the `X-B3-*` headers are not read for what it carries. Its form is
///   `{trace-id}-{span-id}`, optionally followed by `-{sampling}` and `-{parent-span-id}`;
///   the trace id is 16 or 32 lowercase hex digits (a 64-bit id is left-padded to 128 bits),
///   the span and parent ids 16, and sampling `1` (accept), `0` (deny) or `d` (debug, which
///   implies accept).
/// - A `b3` holding only a sampling state (`0`, `1`, `d`) still wins over `X-B3-Sampled` and
///   `X-B3-Flags`: its decision is applied to the ids of the `X-B3-*` headers when they are
///   valid, so `b3: 0` with `X-B3-Sampled: 1` gives an unsampled context, not a sampled one.
///   Without valid ids there is no span context to carry the decision (tracewire's Context
///   has no decision without ids; Brave would start a new trace with that decision), so
///   nothing is extracted and this process's sampler decides.
/// - An invalid `b3` is reported and the `X-B3-*` headers are read instead.
/// - Multi: `X-B3-TraceId`, `X-B3-SpanId`, `X-B3-Sampled` (`1`/`0`, or the legacy
///   `true`/`false`) and `X-B3-Flags: 1` (debug); an absent sampling state extracts as not
///   sampled (the decision is deferred to this process's sampler). When a header repeats,
///   "the first value wins" (the B3 specification's words), here and for `b3`.
///
/// The debug state is kept as TraceFlags' `debug` bit next to `sampled` (see TraceFlags), so
/// that extract → inject passes it on: inject writes `d` in the single header and
/// `X-B3-Flags: 1` without `X-B3-Sampled` in the multi headers ("Debug implies an accept
/// decision, so don't also send the X-B3-Sampled header"). A debug bit without `sampled`
/// (Jaeger's `…:2`) is written as a deny, since B3 debug always means accept.
///
/// Inject writes the 32-digit trace id. B3 has no tracestate, so none is extracted or
/// injected.
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

  /// Parses a single-header `b3` value; nullopt unless it holds a valid context (a sampling
  /// state alone is not one: see parse_sampling_state).
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
    if (count < 2) return std::nullopt;  // "0", "1", "d": a sampling state without a context
    TraceFlags flags;                    // deferred: not sampled
    if (count >= 3) {
      const std::optional<TraceFlags> state = parse_sampling_state(parts[2]);
      if (!state) return std::nullopt;
      flags = *state;
    }
    if (count == 4 && !SpanId::from_hex(parts[3])) return std::nullopt;
    return make_context(parts[0], parts[1], flags);
  }

  /// A B3 sampling state: `1` accept (sampled), `0` deny, `d` debug (sampled and debug).
  static std::optional<TraceFlags> parse_sampling_state(std::string_view state) noexcept {
    if (state == "1") return TraceFlags(TraceFlags::sampled_bit);
    if (state == "0") return TraceFlags();
    if (state == "d") return TraceFlags(TraceFlags::sampled_bit | TraceFlags::debug_bit);
    return std::nullopt;
  }

  /// Builds a context from B3 trace and span ids; nullopt unless both are valid.
  static std::optional<SpanContext> make_context(std::string_view trace_hex, std::string_view span_hex,
                                                 TraceFlags flags) noexcept {
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
    context.flags = flags;
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
    std::optional<TraceFlags> single_decision;
    if (const std::optional<std::string_view> single = carrier.get(single_header)) {
      if (auto context = parse_single(*single)) return base.with_span_context(std::move(*context));
      single_decision = parse_sampling_state(detail::trim_spaces(*single));
      if (!single_decision) {
        static detail::RateLimitedLog log;
        log(LogLevel::warn,
            "ignoring invalid b3 header {}: expected {{trace-id}}-{{span-id}}[-{{sampling}}[-{{parent}}]]",
            detail::quote(*single));
      }
    }
    const std::optional<std::string_view> trace_id = carrier.get(trace_id_header);
    const std::optional<std::string_view> span_id = carrier.get(span_id_header);
    if (!trace_id && !span_id) return base;
    const std::optional<TraceFlags> flags = single_decision ? single_decision : multi_sampling_state(carrier);
    std::optional<SpanContext> context;
    if (trace_id && span_id && flags) {
      context = make_context(detail::trim_spaces(*trace_id), detail::trim_spaces(*span_id), *flags);
    }
    if (!context) {
      static detail::RateLimitedLog log;
      log(LogLevel::warn, "ignoring invalid X-B3 headers: trace id {}, span id {}",
          detail::quote(trace_id.value_or("")), detail::quote(span_id.value_or("")));
      return base;
    }
    return base.with_span_context(std::move(*context));
  }

  void do_inject(const Context& context, TextMapSetter& carrier) const override {
    const SpanContext& span_context = context.span_context();
    if (!span_context.is_valid()) return;
    const bool debug = span_context.sampled() && span_context.flags.debug();
    const char sampled = debug ? 'd' : span_context.sampled() ? '1' : '0';
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
    if (debug) {
      carrier.set(flags_header, "1");
    } else {
      carrier.set(sampled_header, std::string_view(&sampled, 1));
    }
  }

 private:
  // X-B3-Flags: 1 (debug) means sampled and debug; otherwise X-B3-Sampled decides, absent =
  // not sampled (deferred). nullopt: a value B3 does not define.
  static std::optional<TraceFlags> multi_sampling_state(const TextMapGetter& carrier) {
    const std::optional<std::string_view> flags = carrier.get(flags_header);
    if (flags && detail::trim_spaces(*flags) == "1") return TraceFlags(TraceFlags::sampled_bit | TraceFlags::debug_bit);
    const std::optional<std::string_view> sampled = carrier.get(sampled_header);
    if (!sampled) return TraceFlags();
    const std::string_view text = detail::trim_spaces(*sampled);
    if (text == "1" || detail::equals_ignore_case(text, "true")) return TraceFlags(TraceFlags::sampled_bit);
    if (text == "0" || detail::equals_ignore_case(text, "false")) return TraceFlags();
    return std::nullopt;
  }

  B3Encoding encoding_;
  std::vector<std::string> fields_;
};

}  // namespace v0
}  // namespace tracewire
