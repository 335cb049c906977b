// Logger: where tracewire's own diagnostics go, and how they are rate-limited.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>

#include <fmt/format.h>

namespace tracewire {
inline namespace v0 {

enum class LogLevel { debug, info, warn, error };

constexpr std::string_view to_string(LogLevel level) noexcept {
  switch (level) {
    case LogLevel::debug: return "debug";
    case LogLevel::info: return "info";
    case LogLevel::warn: return "warn";
    default: return "error";
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
struct LoggerSlot {
  std::mutex mutex;
  std::shared_ptr<Logger> logger = std::make_shared<StderrLogger>();
};
inline LoggerSlot& logger_slot() {
  static LoggerSlot slot;
  return slot;
}
}  // namespace detail

/// Replaces the process-wide diagnostics logger (nullptr silences tracewire).
inline void set_logger(std::shared_ptr<Logger> logger) {
  auto& slot = detail::logger_slot();
  std::lock_guard<std::mutex> lock(slot.mutex);
  slot.logger = std::move(logger);
}

/// The current diagnostics logger (may be null).
inline std::shared_ptr<Logger> get_logger() {
  auto& slot = detail::logger_slot();
  std::lock_guard<std::mutex> lock(slot.mutex);
  return slot.logger;
}

namespace detail {

/// Formats and logs a diagnostic; never throws (a formatting error is itself reported).
template <class... Args>
void log(LogLevel level, fmt::format_string<Args...> format, Args&&... args) noexcept {
  try {
    if (auto logger = get_logger()) logger->log(level, fmt::format(format, std::forward<Args>(args)...));
  } catch (...) {
  }
}

/// A diagnostic that speaks at most `burst` times per `period`; the messages it holds back
/// are counted and mentioned the next time it speaks. Declare one per call site
/// (`static RateLimitedLog log;`), so one noisy cause cannot flood the application's stderr.
class RateLimitedLog {
 public:
  explicit RateLimitedLog(std::chrono::seconds period = std::chrono::seconds(60), std::uint32_t burst = 1) noexcept
      : period_(period), burst_(burst) {}

  template <class... Args>
  void operator()(LogLevel level, fmt::format_string<Args...> format, Args&&... args) noexcept {
    std::uint64_t suppressed = 0;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      const auto now = std::chrono::steady_clock::now();
      if (spoken_ == 0 || now - window_start_ >= period_) {
        window_start_ = now;
        spoken_ = 0;
      }
      if (spoken_ >= burst_) {
        ++suppressed_;
        return;
      }
      ++spoken_;
      suppressed = std::exchange(suppressed_, 0);
    }
    try {
      std::string message = fmt::format(format, std::forward<Args>(args)...);
      if (suppressed > 0) message += fmt::format(" ({} similar messages suppressed)", suppressed);
      if (auto logger = get_logger()) logger->log(level, message);
    } catch (...) {
    }
  }

 private:
  std::mutex mutex_;
  std::chrono::steady_clock::time_point window_start_{};
  std::chrono::seconds period_;
  std::uint32_t burst_;
  std::uint32_t spoken_ = 0;
  std::uint64_t suppressed_ = 0;
};

}  // namespace detail
}  // namespace v0
}  // namespace tracewire
