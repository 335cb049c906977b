// RateLimitingSampler: at most N new traces per second.
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <utility>

#include <fmt/format.h>

#include "tracewire/trace/sampler.hpp"

namespace tracewire {
inline namespace v0 {

/// Samples at most `traces_per_second` spans per second, with bursts of up to one second's
/// worth (a token bucket, implemented lock-free as the generic cell rate algorithm: one
/// atomic "theoretical arrival time" advanced by 1/rate per sampled span). Usually the root
/// sampler of a ParentBasedSampler, so it limits new traces while children follow.
///
/// **Example**: `ParentBasedSampler(std::make_shared<RateLimitingSampler>(100))`
class RateLimitingSampler final : public Sampler {
 public:
  using Clock = std::function<std::chrono::steady_clock::time_point()>;

  /// `clock` is for tests; the default is steady_clock.
  explicit RateLimitingSampler(double traces_per_second, Clock clock = {})
      : rate_(std::max(0.0, traces_per_second)),
        interval_ns_(rate_ > 0 ? static_cast<std::int64_t>(1e9 / rate_) : 0),
        burst_ns_(rate_ > 0 ? std::max<std::int64_t>(interval_ns_, 1'000'000'000) : 0),
        clock_(clock ? std::move(clock) : Clock([] { return std::chrono::steady_clock::now(); })),
        next_free_ns_(now_ns() - burst_ns_) {}

  SamplingResult should_sample(const SamplingParameters&) noexcept override {
    if (rate_ <= 0) return {SamplingDecision::drop, std::nullopt};
    const std::int64_t now = now_ns();
    std::int64_t arrival = next_free_ns_.load(std::memory_order_relaxed);
    for (;;) {
      const std::int64_t next = std::max(arrival, now - burst_ns_) + interval_ns_;
      if (next > now) return {SamplingDecision::drop, std::nullopt};
      if (next_free_ns_.compare_exchange_weak(arrival, next, std::memory_order_relaxed)) {
        return {SamplingDecision::record_and_sample, std::nullopt};
      }
    }
  }

  std::string describe() const override { return fmt::format("RateLimitingSampler{{{}/s}}", rate_); }

 private:
  std::int64_t now_ns() const {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(clock_().time_since_epoch()).count();
  }

  double rate_;
  std::int64_t interval_ns_;
  std::int64_t burst_ns_;
  Clock clock_;
  std::atomic<std::int64_t> next_free_ns_;
};

}  // namespace v0
}  // namespace tracewire
