// IdGenerator: where new trace and span ids come from.
#pragma once

#include <cstddef>
#include <cstdint>
#include <random>

#include "tracewire/core/detail/inlining.hpp"
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
/// cryptographic, which trace ids need not be. One state per thread, seeded from the OS.
///
/// The thread's state is a plain zero-initialised array, not an object with a constructor:
/// a `thread_local` with a constructor costs a guard check (and, out of line, a call) on
/// every use, and ids are made on every span start. All-zero is the one state xoshiro never
/// reaches once seeded, so it doubles as "not seeded yet".
class Xoshiro256 {
 public:
  /// Fills `out` with the next `N` numbers of the calling thread's generator. The state is
  /// loaded and stored once, so a root span's three words cost one thread-local access.
  template <std::size_t N>
  static void thread_fill(std::uint64_t (&out)[N]) noexcept {
    thread_local std::uint64_t state[4] = {0, 0, 0, 0};
    std::uint64_t s0 = state[0], s1 = state[1], s2 = state[2], s3 = state[3];
    if ((s0 | s1 | s2 | s3) == 0) {  // first use on this thread (seed is cold)
      seed(state);
      s0 = state[0], s1 = state[1], s2 = state[2], s3 = state[3];
    }
    for (std::uint64_t& word : out) {
      word = rotate_left(s0 + s3, 23) + s0;
      const std::uint64_t t = s1 << 17;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = rotate_left(s3, 45);
    }
    state[0] = s0, state[1] = s1, state[2] = s2, state[3] = s3;
  }

 private:
  TRACEWIRE_COLD static void seed(std::uint64_t (&state)[4]) noexcept {
    std::random_device device;
    for (auto& word : state) word = (static_cast<std::uint64_t>(device()) << 32) ^ device();
    if ((state[0] | state[1] | state[2] | state[3]) == 0) state[0] = 0x9e3779b97f4a7c15ULL;
  }

  static std::uint64_t rotate_left(std::uint64_t x, int k) noexcept { return (x << k) | (x >> (64 - k)); }
};

}  // namespace detail

/// The default: uniformly random non-zero ids from a per-thread xoshiro256++ generator.
class RandomIdGenerator final : public IdGenerator {
 public:
  TraceId new_trace_id() noexcept override { return random_trace_id(); }
  SpanId new_span_id() noexcept override { return random_span_id(); }
  bool random_trace_ids() const noexcept override { return true; }

  // What the SDK calls directly (no virtual call) when this is the provider's generator.
  // An all-zero id is invalid; xoshiro gives one with probability 2^-64 per word, and a
  // retry then costs nothing measurable.
  static TraceId random_trace_id() noexcept {
    std::uint64_t words[2];
    do detail::Xoshiro256::thread_fill(words);
    while ((words[0] | words[1]) == 0);
    return TraceId::from_halves(words[0], words[1]);
  }
  static SpanId random_span_id() noexcept {
    std::uint64_t word[1];
    do detail::Xoshiro256::thread_fill(word);
    while (word[0] == 0);
    return SpanId::from_u64(word[0]);
  }
  /// A new trace id and the id of its root span, from one draw of three words.
  static void random_root_ids(TraceId& trace_id, SpanId& span_id) noexcept {
    std::uint64_t words[3];
    do detail::Xoshiro256::thread_fill(words);
    while ((words[0] | words[1]) == 0 || words[2] == 0);
    trace_id = TraceId::from_halves(words[0], words[1]);
    span_id = SpanId::from_u64(words[2]);
  }
};

}  // namespace v0
}  // namespace tracewire
