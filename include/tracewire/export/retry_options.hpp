// RetryOptions: how a network exporter spaces its retries.
#pragma once

#include <chrono>
#include <cstdint>

namespace tracewire {
inline namespace v0 {

/// The backoff between the attempts of one export (exponential, with jitter), used when
/// the receiver gives no `Retry-After` (or gRPC RetryInfo) of its own. Whatever these say,
/// an export never outlasts its timeout, and only the failures the OTLP specification calls
/// transient are retried. No environment variable sets them.
struct RetryOptions {
  std::uint32_t max_attempts = 5;  ///< including the first (the official SDKs' value)
  std::chrono::milliseconds initial_backoff{1000};
  std::chrono::milliseconds max_backoff{5000};
  double multiplier = 1.5;
  double jitter = 0.2;  ///< each wait is the backoff times a random factor in [1 - jitter, 1 + jitter]
};

}  // namespace v0
}  // namespace tracewire
