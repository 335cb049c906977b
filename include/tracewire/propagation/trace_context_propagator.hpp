// TraceContextPropagator: W3C Trace Context (`traceparent`, `tracestate`).
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

/// The W3C Trace Context propagator (Level 2: the `random` flag, and the Level 2 tracestate
/// key grammar and duplicate-key rule of TraceState). Extract accepts exactly what the
/// recommendation accepts:
/// `00-<32 hex>-<16 hex>-<2 hex>` in lowercase with optional surrounding whitespace; a
/// higher version by its first four fields when they are followed by the end or `-`;
/// never version `ff`, an all-zero id, or two different `traceparent` headers. `tracestate`
/// (all its fields combined) is read only when `traceparent` is valid, and an invalid list
/// is dropped whole, as the official test suite expects (see TraceState::parse). Inject writes version `00`, the
/// sampled and random flags only, and the tracestate truncated to `max_tracestate_length`
/// by dropping whole members (those over 128 characters first, W3C "tracestate Limits").
///
/// Neither direction allocates except to hold a non-empty tracestate.
///
/// **Example**: `tracewire::TraceContextPropagator w3c;  auto parent = w3c.extract(getter);`
class TraceContextPropagator final : public TextMapPropagator {
 public:
  static constexpr std::string_view traceparent_header = "traceparent";
  static constexpr std::string_view tracestate_header = "tracestate";
  /// Length of a version-00 traceparent.
  static constexpr std::size_t traceparent_length = 55;
  /// Flags written on inject: sampled and (Level 2) random; the others are reserved as zero.
  static constexpr std::uint8_t known_flags = TraceFlags::w3c_bits;

  explicit TraceContextPropagator(std::size_t max_tracestate_length = TraceState::propagated_length)
      : max_tracestate_length_(max_tracestate_length),
        fields_{std::string(traceparent_header), std::string(tracestate_header)} {}

  /// Parses one traceparent value; nullopt unless it is valid. The result has no tracestate
  /// and `is_remote = true`.
  static std::optional<SpanContext> parse_traceparent(std::string_view value) noexcept {
    // Every return returns `result`, so that it is built where the caller wants it (NRVO)
    // and the ids are parsed straight into it: a copy of an id just written piecewise
    // would wait for those stores.
    std::optional<SpanContext> result;
    value = detail::trim_spaces(value);
    if (!has_traceparent_layout(value)) return result;
    const int flags_high = detail::lower_hex_value(value[53]);
    const int flags_low = detail::lower_hex_value(value[54]);
    if ((flags_high | flags_low) < 0) return result;
    SpanContext& context = result.emplace();
    if (!TraceId::from_hex(std::string_view(value.data() + 3, 32), context.trace_id) ||
        !SpanId::from_hex(std::string_view(value.data() + 36, 16), context.span_id) || !context.is_valid()) {
      result.reset();
      return result;
    }
    context.flags = TraceFlags(static_cast<std::uint8_t>(((flags_high << 4) | flags_low) & known_flags));
    context.is_remote = true;
    return result;
  }

  /// Writes the 55-character version-00 traceparent of `context` to `out`.
  static void write_traceparent(const SpanContext& context, char* out) noexcept {
    out[0] = '0';
    out[1] = '0';
    out[2] = '-';
    context.trace_id.write_hex(out + 3);
    out[35] = '-';
    context.span_id.write_hex(out + 36);
    out[52] = '-';
    const std::uint8_t flags = context.flags.bits() & known_flags;
    detail::write_hex(&flags, 1, out + 53);
  }

  const std::vector<std::string>& fields() const noexcept override { return fields_; }

  std::string describe() const override {
    return fmt::format("TraceContextPropagator{{max_tracestate_length={}}}", max_tracestate_length_);
  }

 protected:
  Context do_extract(const TextMapGetter& carrier, const Context& base) const override {
    const detail::SingleHeader traceparent = detail::get_single(carrier, traceparent_header);
    if (!traceparent.value) {
      if (traceparent.conflicting) {
        static detail::RateLimitedLog log;
        log(LogLevel::warn, "ignoring several different traceparent headers; starting a new trace");
      }
      return base;
    }
    std::optional<SpanContext> context = parse_traceparent(*traceparent.value);
    if (!context) {
      static detail::RateLimitedLog log;
      log(LogLevel::warn, "ignoring invalid traceparent {}: expected 00-<32 hex>-<16 hex>-<2 hex> in lowercase",
          detail::quote(*traceparent.value));
      return base;
    }
    std::string storage;
    if (auto tracestate = detail::get_combined(carrier, tracestate_header, storage)) {
      context->trace_state = TraceState::parse(*tracestate);
      if (context->trace_state.empty() && !is_blank_list(*tracestate)) {
        static detail::RateLimitedLog log;
        log(LogLevel::warn, "ignoring invalid tracestate {} (bad key or value, or over 32 members)",
            detail::quote(*tracestate));
      }
    }
    return base.with_span_context(std::move(*context));
  }

  void do_inject(const Context& context, TextMapSetter& carrier) const override {
    const SpanContext& span_context = context.span_context();
    if (!span_context.is_valid()) return;
    char traceparent[traceparent_length];
    write_traceparent(span_context, traceparent);
    carrier.set(traceparent_header, std::string_view(traceparent, traceparent_length));
    const TraceState& state = span_context.trace_state;
    if (state.empty()) return;
    if (state.header().size() <= max_tracestate_length_) {
      carrier.set(tracestate_header, state.header());
    } else if (std::string truncated = state.to_header(max_tracestate_length_); !truncated.empty()) {
      carrier.set(tracestate_header, truncated);
    }
  }

 private:
  // The version and the dashes: `<version>-<32>-<16>-<2>`, and what may follow by version.
  static bool has_traceparent_layout(std::string_view value) noexcept {
    if (value.size() < traceparent_length) return false;
    const int version_high = detail::lower_hex_value(value[0]);
    const int version_low = detail::lower_hex_value(value[1]);
    if ((version_high | version_low) < 0 || value[2] != '-') return false;
    const int version = (version_high << 4) | version_low;
    if (version == 0xff) return false;
    // Version 00 is exactly 55 characters; a later version may append `-<more fields>`.
    if (version == 0 ? value.size() != traceparent_length
                     : (value.size() > traceparent_length && value[traceparent_length] != '-')) {
      return false;
    }
    return value[35] == '-' && value[52] == '-';
  }

  // "Vendors MUST accept empty tracestate headers": only commas and whitespace is no error.
  static bool is_blank_list(std::string_view list) noexcept {
    for (char c : list) {
      if (c != ',' && c != ' ' && c != '\t') return false;
    }
    return true;
  }

  std::size_t max_tracestate_length_;
  std::vector<std::string> fields_;
};

}  // namespace v0
}  // namespace tracewire
