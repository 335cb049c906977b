// ProbabilitySampler: consistent probability sampling by trace id.
#pragma once

#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "tracewire/core/detail/hex.hpp"
#include "tracewire/trace/sampler.hpp"

namespace tracewire {
inline namespace v0 {

/// Samples a fraction `probability` of traces, the same way in every service: the
/// decision depends only on the trace id, so all spans of a trace agree
/// (specification: TraceState Probability Sampling). With R the rightmost 56 bits of the
/// trace id (or the explicit `rv` randomness of the `ot` tracestate entry) and
/// T = round((1 − p) · 2^56), a span is sampled iff R ≥ T; a sampled span records T as
/// `th:<hex>` in the `ot` tracestate entry so downstream samplers and backends can
/// weight it. This replaces the deprecated TraceIdRatioBased sampler, whose algorithm the
/// specification never fixed; `OTEL_TRACES_SAMPLER=traceidratio` selects this one.
///
/// **Example**: `ParentBasedSampler(std::make_shared<ProbabilitySampler>(0.25))`
class ProbabilitySampler final : public Sampler {
 public:
  static constexpr std::uint64_t randomness_range = std::uint64_t{1} << 56;

  /// `probability` is clamped to [0, 1]; NaN counts as 0.
  explicit ProbabilitySampler(double probability) noexcept
      : probability_(std::isnan(probability) ? 0.0 : std::fmin(1.0, std::fmax(0.0, probability))),
        threshold_(threshold_for(probability_)),
        threshold_text_(encode_threshold(threshold_)) {}

  /// T for probability p; randomness_range (never sample) when p rounds to zero. Computed
  /// as 2^56 − round(p · 2^56): p · 2^56 keeps full precision for small p, where
  /// (1 − p) · 2^56 would lose the low bits to double rounding.
  static std::uint64_t threshold_for(double probability) noexcept {
    const double scaled = std::nearbyint(probability * static_cast<double>(randomness_range));
    return scaled <= 0 ? randomness_range : randomness_range - static_cast<std::uint64_t>(scaled);
  }

  /// T as the `th` sub-key writes it: 14 hex digits with trailing zeros dropped ("0" for T=0).
  static std::string encode_threshold(std::uint64_t threshold) {
    if (threshold == 0) return "0";
    std::string text = fmt::format("{:014x}", threshold);
    while (text.size() > 1 && text.back() == '0') text.pop_back();
    return text;
  }

  /// The randomness value R of a trace: `rv` from the `ot` entry if valid, else the trace
  /// id's rightmost 56 bits.
  static std::uint64_t randomness_of(const TraceId& trace_id, const TraceState& trace_state) noexcept {
    if (auto ot = trace_state.get("ot")) {
      if (auto rv = find_subkey(*ot, "rv"); rv && rv->size() == 14) {
        std::uint64_t value = 0;
        if (detail::parse_hex_u64(*rv, value)) return value;
      }
    }
    return trace_id.low() & (randomness_range - 1);
  }

  SamplingResult should_sample(const SamplingParameters& parameters) noexcept override {
    const TraceState& parent_state = parameters.parent.trace_state;
    const bool sampled =
        threshold_ < randomness_range && randomness_of(parameters.trace_id, parent_state) >= threshold_;
    try {
      return {sampled ? SamplingDecision::record_and_sample : SamplingDecision::drop,
              with_threshold(parent_state, sampled ? std::optional<std::string_view>(threshold_text_) : std::nullopt)};
    } catch (...) {
      return {sampled ? SamplingDecision::record_and_sample : SamplingDecision::drop, std::nullopt};
    }
  }

  std::string describe() const override { return fmt::format("ProbabilitySampler{{{}}}", probability_); }

  double probability() const noexcept { return probability_; }
  std::uint64_t threshold() const noexcept { return threshold_; }

 private:
  /// The value of sub-key `name` in an `ot` entry (`th:8;rv:...`).
  static std::optional<std::string_view> find_subkey(std::string_view ot, std::string_view name) noexcept {
    while (!ot.empty()) {
      const std::size_t end = std::min(ot.find(';'), ot.size());
      const std::string_view item = ot.substr(0, end);
      if (item.size() > name.size() && item.substr(0, name.size()) == name && item[name.size()] == ':') {
        return item.substr(name.size() + 1);
      }
      ot.remove_prefix(std::min(end + 1, ot.size()));
    }
    return std::nullopt;
  }

  /// The tracestate with `th` set to `threshold` (or removed when nullopt), other `ot`
  /// sub-keys kept; nullopt when nothing changes.
  static std::optional<TraceState> with_threshold(const TraceState& state, std::optional<std::string_view> threshold) {
    const auto ot = state.get("ot");
    if (!ot && !threshold) return std::nullopt;
    std::string value;
    if (threshold) value.append("th:").append(*threshold);
    std::string_view rest = ot.value_or(std::string_view());
    while (!rest.empty()) {
      const std::size_t end = std::min(rest.find(';'), rest.size());
      const std::string_view item = rest.substr(0, end);
      if (!item.empty() && item.substr(0, 3) != "th:") value.append(value.empty() ? "" : ";").append(item);
      rest.remove_prefix(std::min(end + 1, rest.size()));
    }
    if (ot && value == *ot) return std::nullopt;
    return value.empty() ? state.remove("ot") : state.set("ot", value);
  }

  double probability_;
  std::uint64_t threshold_;
  std::string threshold_text_;
};

}  // namespace v0
}  // namespace tracewire
