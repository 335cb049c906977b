// Random numbers for tracewire-gen: one small deterministic generator per trace.
#pragma once

#include <cmath>
#include <cstdint>
#include <string_view>

namespace tracewire_gen {

/// SplitMix64 (Steele, Lea, Flood): turns any 64-bit value into a well-mixed one. Seeds
/// the per-trace generators, so that trace `i` of seed `s` is the same whatever thread
/// makes it.
constexpr std::uint64_t mix64(std::uint64_t x) noexcept {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

/// FNV-1a of a name, to seed what belongs to a name (an attribute's value pool).
constexpr std::uint64_t hash_name(std::string_view text, std::uint64_t hash = 0xcbf29ce484222325ULL) noexcept {
  for (char c : text) hash = (hash ^ static_cast<unsigned char>(c)) * 0x100000001b3ULL;
  return hash;
}

/// xoshiro256** (Blackman, Vigna): fast and good enough for synthetic data, seeded
/// through SplitMix64.
class Rng {
 public:
  explicit Rng(std::uint64_t seed = 1) noexcept { reseed(seed); }

  void reseed(std::uint64_t seed) noexcept {
    for (std::uint64_t& word : state_) word = seed = mix64(seed);
  }

  std::uint64_t next() noexcept {
    const std::uint64_t result = rotate_left(state_[1] * 5, 7) * 9;
    const std::uint64_t t = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= t;
    state_[3] = rotate_left(state_[3], 45);
    return result;
  }

  /// Uniform in [0, 1).
  double uniform() noexcept { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  /// Uniform in [low, high].
  double uniform(double low, double high) noexcept { return low + (high - low) * uniform(); }
  /// Uniform integer in [0, bound) (bound > 0), by Lemire's multiply-shift.
  std::uint64_t below(std::uint64_t bound) noexcept {
    __extension__ using Wide = unsigned __int128;
    return static_cast<std::uint64_t>((static_cast<Wide>(next()) * bound) >> 64);
  }
  /// True with probability `p`.
  bool chance(double p) noexcept { return p > 0 && uniform() < p; }
  /// Normal(mean, stddev) by the Box-Muller transform.
  double normal(double mean, double stddev) noexcept {
    const double u1 = 1.0 - uniform();  // (0, 1]: log is finite
    const double u2 = uniform();
    return mean + stddev * std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }

 private:
  static constexpr std::uint64_t rotate_left(std::uint64_t x, int k) noexcept { return (x << k) | (x >> (64 - k)); }
  std::uint64_t state_[4];
};

}  // namespace tracewire_gen
