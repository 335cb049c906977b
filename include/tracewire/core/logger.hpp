// Logger: where tracewire's own diagnostics go, and how they are rate-limited.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include <fmt/format.h>

#include "tracewire/core/detail/global_slot.hpp"

namespace tracewire {
inline namespace v0 {

enum class LogLevel { debug, info, warn, error };

constexpr std::string_view to_string(LogLevel level) noexcept {
  switch (level) {
    case LogLevel::debug:
      return "debug";
    case LogLevel::info:
      return "info";
    case LogLevel::warn:
      return "warn";
    default:
      return "error";
  }
}

/// Receives tracewire's diagnostics (bad configuration, export failures, drops). The
/// default writes `tracewire <level>: <message>` to stderr. Implementations must be
/// thread-safe and must not throw.
class Logger {
 public:
  virtual ~Logger() = default;
  virtual void log(LogLevel level, std::string_view message) noexcept = 0;
};

/// The default logger: one line per message on stderr.
class StderrLogger final : public Logger {
 public:
  void log(LogLevel level, std::string_view message) noexcept override {
    std::string line = "tracewire ";
    line.append(to_string(level)).append(": ").append(message).append("\n");
    std::fwrite(line.data(), 1, line.size(), stderr);
  }
};

namespace detail {
/// Never destroyed: exporter threads may still log while the process exits, after static
/// destructors have run.
inline GlobalSlot<Logger>& logger_slot() {
  static auto* slot = new GlobalSlot<Logger>(std::make_shared<StderrLogger>(), ForkHooks::Order::logger);
  return *slot;
}
}  // namespace detail

/// Replaces the process-wide diagnostics logger (nullptr silences tracewire).
inline void set_logger(std::shared_ptr<Logger> logger) { detail::logger_slot().set(std::move(logger)); }

/// The current diagnostics logger (may be null).
inline std::shared_ptr<Logger> get_logger() { return detail::logger_slot().get(); }

namespace detail {

/// Formats and logs a diagnostic; never throws (a formatting error is itself reported).
template <class... Args>
void log(LogLevel level, fmt::format_string<Args...> format, Args&&... args) noexcept {
  try {
    if (auto logger = get_logger()) logger->log(level, fmt::format(format, std::forward<Args>(args)...));
  } catch (...) {}
}

/// A diagnostic that speaks at most `burst` times per `period`; the messages it holds back
/// are counted and mentioned the next time it speaks. Declare one per call site
/// (`static RateLimitedLog log;`), so one noisy cause cannot flood the application's stderr.
/// Deciding whether to speak takes no lock (atomics only), and a forked child starts with a
/// fresh count rather than repeating its parent's.
class RateLimitedLog {
 public:
  explicit RateLimitedLog(std::chrono::seconds period = std::chrono::seconds(60), std::uint32_t burst = 1) noexcept
      : period_ns_(std::chrono::duration_cast<std::chrono::nanoseconds>(period).count()), burst_(burst) {}

  template <class... Args>
  void operator()(LogLevel level, fmt::format_string<Args...> format, Args&&... args) noexcept {
    std::uint64_t suppressed = 0;
    if (!may_speak(suppressed)) return;
    try {
      std::string message = fmt::format(format, std::forward<Args>(args)...);
      if (suppressed > 0) message += fmt::format(" ({} similar messages suppressed)", suppressed);
      if (auto logger = get_logger()) logger->log(level, message);
    } catch (...) {}
  }

  /// Counts a message held back (what a caller that cannot format here, such as a span on
  /// the application's hot path, does); it is mentioned the next time this log speaks.
  void suppress() noexcept { suppressed_.fetch_add(1, std::memory_order_relaxed); }

 private:
  bool may_speak(std::uint64_t& suppressed) noexcept {
    const std::uint32_t generation = fork_generation();
    if (generation_.load(std::memory_order_relaxed) !=
        generation) {  // a forked child: the parent's counts are not ours
      generation_.store(generation, std::memory_order_relaxed);
      suppressed_.store(0, std::memory_order_relaxed);
      spoken_.store(0, std::memory_order_relaxed);
      window_start_ns_.store(0, std::memory_order_relaxed);
    }
    const std::int64_t now =
        std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
            .count() +
        1;  // never 0
    std::int64_t start = window_start_ns_.load(std::memory_order_relaxed);
    if ((start == 0 || now - start >= period_ns_) &&
        window_start_ns_.compare_exchange_strong(start, now, std::memory_order_relaxed)) {
      spoken_.store(0, std::memory_order_relaxed);
    }
    if (spoken_.fetch_add(1, std::memory_order_relaxed) >= burst_) {
      suppressed_.fetch_add(1, std::memory_order_relaxed);
      return false;
    }
    suppressed = suppressed_.exchange(0, std::memory_order_relaxed);
    return true;
  }

  std::int64_t period_ns_;
  std::uint32_t burst_;
  std::atomic<std::int64_t> window_start_ns_{0};
  std::atomic<std::uint64_t> spoken_{0};
  std::atomic<std::uint64_t> suppressed_{0};
  std::atomic<std::uint32_t> generation_{0};
};

}  // namespace detail
}  // namespace v0
}  // namespace tracewire
