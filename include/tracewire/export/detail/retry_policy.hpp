// RetryPolicy: when and how long to wait before sending a failed export again.
#pragma once

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <random>
#include <string_view>

#include "tracewire/export/retry_options.hpp"

namespace tracewire {
inline namespace v0 {
namespace detail {

/// The HTTP statuses the OTLP specification lets an exporter retry: 429 Too Many
/// Requests, 502 Bad Gateway, 503 Service Unavailable, 504 Gateway Timeout. Every other
/// status is final (a 500 or 400 means the same request would fail again). A connection
/// dropped without any response is retryable too; callers decide that before asking.
inline bool is_retryable_http_status(int status) noexcept {
  return status == 429 || status == 502 || status == 503 || status == 504;
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
constexpr std::int64_t days_from_civil(std::int64_t year, unsigned month, unsigned day) noexcept {
  year -= month <= 2;
  const std::int64_t era = (year >= 0 ? year : year - 399) / 400;
  const auto year_of_era = static_cast<unsigned>(year - era * 400);
  const unsigned day_of_year = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
  const unsigned day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * 146097 + static_cast<std::int64_t>(day_of_era) - 719468;
}

/// Parses an HTTP date in any of the three forms RFC 9110 §5.6.7 says a recipient must
/// accept (IMF-fixdate `Sun, 06 Nov 1994 08:49:37 GMT`, obsolete RFC 850
/// `Sunday, 06-Nov-94 08:49:37 GMT`, asctime `Sun Nov  6 08:49:37 1994`) into seconds since
/// the epoch.
inline std::optional<std::int64_t> parse_http_date(std::string_view text) noexcept {
  static constexpr std::string_view months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  int day = -1, month = -1, hour = -1, minute = -1, second = -1;
  std::int64_t year = -1;
  std::size_t i = 0;
  const auto is_digit = [](char c) { return c >= '0' && c <= '9'; };
  const auto is_alpha = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); };
  while (i < text.size()) {
    const char c = text[i];
    if (is_alpha(c)) {
      const std::size_t start = i;
      while (i < text.size() && is_alpha(text[i])) ++i;
      const std::string_view word = text.substr(start, i - start);
      for (int m = 0; m < 12; ++m) {
        if (word == months[m]) month = m + 1;
      }
    } else if (is_digit(c)) {
      std::int64_t number = 0;
      std::size_t digits = 0;
      while (i < text.size() && is_digit(text[i]) && digits < 9) number = number * 10 + (text[i++] - '0'), ++digits;
      if (i < text.size() && text[i] == ':') {  // hh:mm:ss
        if (i + 6 > text.size() || !is_digit(text[i + 1]) || !is_digit(text[i + 2]) || text[i + 3] != ':' ||
            !is_digit(text[i + 4]) || !is_digit(text[i + 5])) {
          return std::nullopt;
        }
        hour = static_cast<int>(number);
        minute = (text[i + 1] - '0') * 10 + (text[i + 2] - '0');
        second = (text[i + 4] - '0') * 10 + (text[i + 5] - '0');
        i += 6;
      } else if (digits <= 2 && day < 0) {
        day = static_cast<int>(number);
      } else if (digits == 2) {
        year = number < 70 ? 2000 + number : 1900 + number;  // RFC 850's two-digit year
      } else if (digits == 4) {
        year = number;
      } else {
        return std::nullopt;
      }
    } else {
      ++i;
    }
  }
  if (day < 1 || day > 31 || month < 1 || year < 1970 || hour < 0 || hour > 23 || minute > 59 || second > 60) {
    return std::nullopt;
  }
  return days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day)) * 86400 + hour * 3600 +
         minute * 60 + second;
}

/// The wait a `Retry-After` header asks for: delay-seconds (`120`) or an HTTP date,
/// measured from `now`. A date in the past means "now" (zero). Anything else: nullopt,
/// and the caller falls back to its own backoff.
inline std::optional<std::chrono::milliseconds> parse_retry_after(std::string_view value,
                                                                  std::chrono::system_clock::time_point now) noexcept {
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
  if (value.empty()) return std::nullopt;
  bool all_digits = value.size() <= 9;  // more than 9 digits (31 years) is not a delay
  std::int64_t seconds = 0;
  for (std::size_t i = 0; all_digits && i < value.size(); ++i) {
    if (value[i] < '0' || value[i] > '9') {
      all_digits = false;
    } else {
      seconds = seconds * 10 + (value[i] - '0');
    }
  }
  if (all_digits) return std::chrono::milliseconds(seconds * 1000);
  const auto date = parse_http_date(value);
  if (!date) return std::nullopt;
  const std::int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  return std::chrono::milliseconds(std::max<std::int64_t>(0, *date * 1000 - now_ms));
}

/// Exponential backoff with jitter for exporters that send over a network (OTLP HTTP and
/// gRPC, Jaeger and Zipkin HTTP). The n-th retry waits `initial · multiplier^(n-1)`,
/// capped at `max_backoff`, scaled by a random factor in [1 − jitter, 1 + jitter] so that
/// many processes failing together do not retry together. A server's own delay
/// (Retry-After, gRPC RetryInfo) replaces the computed one. The policy never plans a wait
/// that would end past the export's deadline: then the export gives up.
///
/// **Example**:
/// ```
/// RetryPolicy retry;
/// auto wait = retry.next_delay(attempt, server_delay, deadline - now);
/// if (!wait) return give_up();
/// ```
class RetryPolicy {
 public:
  using Options = RetryOptions;

  RetryPolicy() noexcept : RetryPolicy(Options()) {}
  explicit RetryPolicy(const Options& options, std::uint32_t seed = clock_seed()) noexcept
      : options_(options), random_(seed) {}

  /// The wait before attempt `attempt + 1`, after `attempt` (≥ 1) attempts failed, or
  /// nullopt if no attempt is left or the wait would not end within `remaining`.
  std::optional<std::chrono::milliseconds> next_delay(std::uint32_t attempt,
                                                      std::optional<std::chrono::milliseconds> server_delay,
                                                      std::chrono::milliseconds remaining) {
    if (attempt >= options_.max_attempts) return std::nullopt;
    std::chrono::milliseconds delay;
    if (server_delay) {
      delay = *server_delay;
    } else {
      double backoff = static_cast<double>(options_.initial_backoff.count());
      for (std::uint32_t i = 1; i < attempt; ++i) backoff *= options_.multiplier;
      backoff = std::min(backoff, static_cast<double>(options_.max_backoff.count()));
      std::uniform_real_distribution<double> factor(1.0 - options_.jitter, 1.0 + options_.jitter);
      delay = std::chrono::milliseconds(static_cast<std::int64_t>(backoff * factor(random_)));
    }
    if (delay >= remaining) return std::nullopt;
    return delay;
  }

  const Options& options() const noexcept { return options_; }

 private:
  // Jitter needs no cryptographic randomness, and std::random_device may throw.
  static std::uint32_t clock_seed() noexcept {
    const auto ticks = std::chrono::steady_clock::now().time_since_epoch().count();
    return static_cast<std::uint32_t>(ticks ^ (ticks >> 32)) | 1u;
  }

  Options options_;
  std::minstd_rand random_;
};

/// The wait between two attempts, which `interrupt()` (an exporter's shutdown, from
/// another thread) cuts short: shutdown must not sit out a 5-second backoff.
class RetryWait {
 public:
  /// Waits `delay`; false if interrupted (before or during the wait).
  bool wait(std::chrono::milliseconds delay) {
    std::unique_lock<std::mutex> lock(mutex_);
    return !condition_.wait_for(lock, delay, [this] { return interrupted_; });
  }
  void interrupt() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      interrupted_ = true;
    }
    condition_.notify_all();
  }
  bool interrupted() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return interrupted_;
  }

 private:
  mutable std::mutex mutex_;
  std::condition_variable condition_;
  bool interrupted_ = false;
};

/// What one attempt of a retried send ended with (see retry_until).
struct AttemptOutcome {
  /// The failure may be retried: HTTP 429/502/503/504 or a connection lost without an
  /// answer; gRPC's transient codes. False for a success and for final failures.
  bool retryable = false;
  /// The receiver's own delay (`Retry-After`, gRPC RetryInfo), which replaces the backoff.
  std::optional<std::chrono::milliseconds> server_delay;
};

/// The retry loop every exporter that sends over a network shares: calls
/// `attempt(remaining, number)` — `remaining` is what is left until `deadline`, to bound the
/// attempt, `number` counts from 1 — until an attempt is final, the next wait would end
/// after `deadline`, the policy's attempts run out, or `wait` is interrupted (shutdown).
/// Between attempts it waits the receiver's delay or the policy's backoff. Returns how many
/// attempts were made (0 if the deadline had already passed).
template <class Attempt>
std::uint32_t retry_until(std::chrono::steady_clock::time_point deadline, RetryPolicy& policy, RetryWait& wait,
                          Attempt&& attempt) {
  const auto until_deadline = [&] {
    return std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
  };
  for (std::uint32_t number = 1;; ++number) {
    const std::chrono::milliseconds remaining = until_deadline();
    if (remaining.count() <= 0) return number - 1;
    const AttemptOutcome outcome = attempt(remaining, number);
    if (!outcome.retryable || wait.interrupted()) return number;
    const auto delay = policy.next_delay(number, outcome.server_delay, until_deadline());
    if (!delay || !wait.wait(*delay)) return number;
  }
}

}  // namespace detail
}  // namespace v0
}  // namespace tracewire
