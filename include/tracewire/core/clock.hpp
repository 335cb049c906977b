// Clock: where span timestamps come from.
#pragma once

#include <chrono>
#include <cstdint>

namespace tracewire {
inline namespace v0 {

/// Nanoseconds since the Unix epoch from the system clock (one clock read).
inline std::uint64_t now_unix_nano() noexcept {
  return static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
          .count());
}

/// Converts a system_clock time point (e.g. a user-supplied start time) to Unix nanoseconds.
inline std::uint64_t to_unix_nano(std::chrono::system_clock::time_point time) noexcept {
  return static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(time.time_since_epoch()).count());
}

}  // namespace v0
}  // namespace tracewire
