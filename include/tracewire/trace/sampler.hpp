// Sampler: decides, before anything is recorded, whether a span is kept.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "tracewire/core/attribute_value.hpp"
#include "tracewire/core/span_context.hpp"
#include "tracewire/core/span_kind.hpp"

namespace tracewire {
inline namespace v0 {

enum class SamplingDecision {
  drop,               ///< not recorded, not exported; the context still propagates
  record_only,        ///< recorded (processors see it) but not sampled (not exported)
  record_and_sample,  ///< recorded and exported; the sampled flag is set
};

/// What a sampler knows when it decides.
struct SamplingParameters {
  const SpanContext& parent;  ///< invalid for a root span
  const TraceId& trace_id;    ///< the new span's trace id (the parent's, or a new one)
  std::string_view name;
  SpanKind kind;
  ArrayView<KeyValue> attributes;
};

struct SamplingResult {
  SamplingDecision decision = SamplingDecision::drop;
  /// A new tracestate for the span, or nullopt to keep the parent's.
  std::optional<TraceState> trace_state;

  bool recorded() const noexcept { return decision != SamplingDecision::drop; }
  bool sampled() const noexcept { return decision == SamplingDecision::record_and_sample; }
};

/// Decides whether a new span is recorded and sampled. Called on the application thread
/// for every span start: must be thread-safe, fast and must not throw.
class Sampler {
 public:
  virtual ~Sampler() = default;
  virtual SamplingResult should_sample(const SamplingParameters& parameters) noexcept = 0;
  /// One line for logs, e.g. `ParentBased{root=ProbabilitySampler{0.25}}`.
  virtual std::string describe() const = 0;
};

/// Samples every span.
class AlwaysOnSampler final : public Sampler {
 public:
  SamplingResult should_sample(const SamplingParameters&) noexcept override {
    return {SamplingDecision::record_and_sample, std::nullopt};
  }
  std::string describe() const override { return "AlwaysOnSampler"; }
};

/// Drops every span (context still propagates, marked not sampled).
class AlwaysOffSampler final : public Sampler {
 public:
  SamplingResult should_sample(const SamplingParameters&) noexcept override {
    return {SamplingDecision::drop, std::nullopt};
  }
  std::string describe() const override { return "AlwaysOffSampler"; }
};

}  // namespace v0
}  // namespace tracewire
