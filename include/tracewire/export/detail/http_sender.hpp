// HttpSender: one export request over HttpClient, retried per the OTLP rules.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "tracewire/export/detail/retry_policy.hpp"
#include "tracewire/export/export_stats.hpp"
#include "tracewire/transport/http_client.hpp"

namespace tracewire {
inline namespace v0 {
namespace detail {

/// Sends one request through an HttpClient until it gets a final answer, for every HTTP
/// exporter (OTLP, Jaeger collector, Zipkin): a 429/502/503/504 or a connection lost
/// without a response (`ErrorCode::network_failure`) is retried after the server's
/// `Retry-After` or the policy's backoff, as long as the wait ends before the deadline;
/// each attempt's own timeout is what is left of it. Any other status is final, and so is
/// every other kind of error. Counts attempts and retries in `counters`.
class HttpSender {
 public:
  /// The last answer: a response (of any status) or the error of the last attempt.
  struct Outcome {
    std::optional<HttpResponse> response;
    std::optional<Error> error;
    bool success() const noexcept { return response && response->status >= 200 && response->status < 300; }
  };

  HttpSender(HttpClient& client, const RetryPolicy::Options& retry, ExportCounters& counters) noexcept
      : client_(client), retry_(retry), counters_(counters) {}

  Outcome send(HttpRequest& request, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    Outcome outcome;
    for (std::uint32_t attempt = 1;; ++attempt) {
      const auto remaining =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (remaining.count() <= 0) {
        if (!outcome.response && !outcome.error) outcome.error = Error{ErrorCode::timeout, "export timed out"};
        return outcome;
      }
      request.timeout = remaining;
      counters_.add(counters_.requests_sent, 1);
      counters_.add(counters_.bytes_sent, request.body.size());
      if (attempt > 1) counters_.add(counters_.requests_retried, 1);
      Expected<HttpResponse> result = client_.post(request);
      std::optional<std::chrono::milliseconds> server_delay;
      bool retryable;
      if (result) {
        retryable = is_retryable_http_status(result->status);
        if (const std::string* retry_after = result->header("retry-after")) {
          server_delay = parse_retry_after(*retry_after, std::chrono::system_clock::now());
        }
        outcome.response = std::move(*result);
        outcome.error.reset();
      } else {
        retryable = result.error().code == ErrorCode::network_failure;
        outcome.error = result.error();
        outcome.response.reset();
      }
      if (!retryable || wait_.interrupted()) return outcome;
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      const auto delay = retry_.next_delay(attempt, server_delay, left);
      if (!delay || !wait_.wait(*delay)) return outcome;
    }
  }

  /// Stops any wait between attempts and any further attempt (shutdown).
  void interrupt() { wait_.interrupt(); }

 private:
  HttpClient& client_;
  RetryPolicy retry_;
  ExportCounters& counters_;
  RetryWait wait_;
};

/// The first `limit` bytes of a response body for a log line, with anything that is not
/// printable ASCII shown as `.` (a protobuf error body is binary) and an ellipsis if cut.
inline std::string body_excerpt(std::string_view body, std::size_t limit = 200) {
  std::string excerpt;
  for (std::size_t i = 0; i < body.size() && i < limit; ++i) {
    const char c = body[i];
    excerpt += (c >= 0x20 && c < 0x7f) ? c : '.';
  }
  if (body.size() > limit) excerpt += "...";
  return excerpt;
}

}  // namespace detail
}  // namespace v0
}  // namespace tracewire
