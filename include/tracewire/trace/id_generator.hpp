// IdGenerator: where new trace and span ids come from.
#pragma once

#include <cstdint>
#include <random>

#include "tracewire/core/span_id.hpp"
#include "tracewire/core/trace_id.hpp"

namespace tracewire {
inline namespace v0 {

/// Makes ids for new traces and spans. Replace it for formats that need structured ids
/// (AWS X-Ray wants the start time in the trace id's first 4 bytes). Called on the
/// application's threads: must be thread-safe and cheap.
class IdGenerator {
 public:
  virtual ~IdGenerator() = default;
  virtual TraceId new_trace_id() noexcept = 0;
  virtual SpanId new_span_id() noexcept = 0;
  /// True if trace ids are uniformly random in their rightmost 7 bytes, which lets the SDK
  /// set the W3C Level 2 `random` flag and consistent probability sampling rely on them.
  virtual bool random_trace_ids() const noexcept { return false; }
};

namespace detail {

/// xoshiro256++ (Blackman & Vigna): fast, 256-bit state, good statistical quality. Not
/// cryptographic, which trace ids need not be. One instance per thread, seeded from the OS.
class Xoshiro256 {
 public:
  Xoshiro256() noexcept {
    std::random_device device;
    for (auto& word : state_) word = (static_cast<std::uint64_t>(device()) << 32) ^ device();
    if ((state_[0] | state_[1] | state_[2] | state_[3]) == 0) state_[0] = 0x9e3779b97f4a7c15ULL;
  }

  std::uint64_t next() noexcept {
    const std::uint64_t result = rotate_left(state_[0] + state_[3], 23) + state_[0];
    const std::uint64_t t = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= t;
    state_[3] = rotate_left(state_[3], 45);
    return result;
  }

  /// The calling thread's generator.
  static Xoshiro256& thread_instance() noexcept {
    thread_local Xoshiro256 generator;
    return generator;
  }

 private:
  static std::uint64_t rotate_left(std::uint64_t x, int k) noexcept { return (x << k) | (x >> (64 - k)); }
  std::uint64_t state_[4];
};

}  // namespace detail

/// The default: uniformly random non-zero ids from a per-thread xoshiro256++ generator.
class RandomIdGenerator final : public IdGenerator {
 public:
  TraceId new_trace_id() noexcept override {
    auto& generator = detail::Xoshiro256::thread_instance();
    std::uint64_t high = generator.next();
    std::uint64_t low = generator.next();
    while ((high | low) == 0) low = generator.next();
    return TraceId::from_halves(high, low);
  }
  SpanId new_span_id() noexcept override {
    auto& generator = detail::Xoshiro256::thread_instance();
    std::uint64_t value = generator.next();
    while (value == 0) value = generator.next();
    return SpanId::from_u64(value);
  }
  bool random_trace_ids() const noexcept override { return true; }
};

}  // namespace v0
}  // namespace tracewire
