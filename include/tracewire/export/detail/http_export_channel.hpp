// HttpExportChannel: the sending half every HTTP exporter shares (OTLP/HTTP, Jaeger, Zipkin).
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include <fmt/format.h>

#include "tracewire/export/detail/export_gate.hpp"
#include "tracewire/export/detail/export_report.hpp"
#include "tracewire/export/detail/retry_policy.hpp"
#include "tracewire/transport/default_http_client.hpp"
#include "tracewire/transport/detail/http_auth.hpp"
#include "tracewire/transport/http_client.hpp"

namespace tracewire {
inline namespace v0 {
namespace detail {

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

/// Everything an HTTP exporter does around an encoded body: post it through an HttpClient
/// (the one given, or the program's default with the exporter's TLS files), retried per
/// the OTLP rules — 429/502/503/504 and a connection lost without an answer, after the
/// receiver's `Retry-After` or a backoff with jitter, as long as the wait ends before the
/// deadline, each attempt bounded by what is left of it — then count the spans (a 2xx is
/// accepted: by default all of them exported) or report the failure with the status and
/// the start of the body (see ExportReport). `gate()` is held by each export; `shutdown`
/// closes it, stops a retry wait and cancels the transfer in progress. Without a client
/// (none given, none registered: see make_default_http_client) every export fails saying so.
class HttpExportChannel {
 public:
  struct Options {
    std::string exporter;                      ///< names the exporter in diagnostics
    HttpRequest request;                       ///< the URL, content type, headers and compression of every post
    std::chrono::milliseconds timeout{10000};  ///< per export, retries included
    HttpTlsOptions tls;                        ///< for the default client
    RetryPolicy::Options retry;
  };

  HttpExportChannel(Options options, std::unique_ptr<HttpClient> client)
      : request_(std::move(options.request)),
        timeout_(options.timeout),
        client_(client ? std::move(client) : make_default_http_client(options.tls)),
        retry_(options.retry),
        report_(std::move(options.exporter), redact_url_credentials(request_.url)) {
    request_.cancel = &cancelled_;
  }
  HttpExportChannel(const HttpExportChannel&) = delete;
  HttpExportChannel& operator=(const HttpExportChannel&) = delete;

  /// The deadline of an export that must end by `deadline`: the sooner of it and the
  /// channel's own timeout from now.
  std::chrono::steady_clock::time_point deadline(std::chrono::steady_clock::time_point deadline) const noexcept {
    const auto own = std::chrono::steady_clock::now() + timeout_;
    return std::min(deadline, own);
  }

  /// Posts `body`, which carries `spans` spans, until `deadline`. `accept(response)` turns
  /// a 2xx answer into the result (OTLP reads a partial success from it).
  template <class Accept>
  ExportResult post(std::string_view body, std::uint64_t spans, std::chrono::steady_clock::time_point deadline,
                    Accept&& accept) noexcept {
    if (!client_) return report_.fail(spans, no_http_client_reason);
    try {
      std::optional<HttpResponse> response;
      std::optional<Error> error;
      request_.body = body;
      const std::uint32_t attempts =
          retry_until(deadline, retry_, wait_, [&](std::chrono::milliseconds remaining, std::uint32_t attempt) {
            request_.timeout = remaining;
            ExportCounters& counters = report_.counters();
            counters.add(counters.requests_sent, 1);
            counters.add(counters.bytes_sent, body.size());
            if (attempt > 1) counters.add(counters.requests_retried, 1);
            Expected<HttpResponse> result = client_->post(request_);
            AttemptOutcome outcome;
            if (result) {
              outcome.retryable = is_retryable_http_status(result->status);
              if (const std::string* retry_after = result->header("retry-after")) {
                outcome.server_delay = parse_retry_after(*retry_after, std::chrono::system_clock::now());
              }
              response = std::move(*result);
              error.reset();
            } else {
              outcome.retryable = result.error().code == ErrorCode::network_failure && !cancelled_.load();
              error = result.error();
              response.reset();
            }
            return outcome;
          });
      if (response && response->status >= 200 && response->status < 300) return accept(*response);
      if (response)
        return report_.fail(spans, fmt::format("HTTP {}: {}", response->status, body_excerpt(response->body)));
      if (error) return report_.fail(spans, cancelled_.load() ? "cancelled by shutdown" : error->message);
      return report_.fail(spans, attempts == 0 ? "the export deadline had passed" : "no response");
    } catch (...) {
      return report_.fail(spans, "out of memory");
    }
  }
  /// Posts `body`; any 2xx counts every span as exported (Jaeger and Zipkin answer 202).
  ExportResult post(std::string_view body, std::uint64_t spans,
                    std::chrono::steady_clock::time_point deadline) noexcept {
    return post(body, spans, deadline, [&](const HttpResponse&) { return report_.exported(spans); });
  }

  /// Counts `spans` as lost and reports `reason`.
  ExportResult fail(std::uint64_t spans, std::string_view reason) noexcept { return report_.fail(spans, reason); }

  /// Held by each export (see ExportGate).
  ExportGate& gate() noexcept { return gate_; }

  /// Refuses new exports, stops a retry wait, cancels the transfer in progress and waits
  /// up to `timeout` for the export to return.
  bool shutdown(std::chrono::milliseconds timeout) noexcept {
    return gate_.shutdown(timeout, [this] {
      cancelled_.store(true);
      wait_.interrupt();
    });
  }

  ExportReport& report() noexcept { return report_; }
  ExportStats stats() const noexcept { return report_.stats(); }
  const HttpRequest& request() const noexcept { return request_; }

 private:
  HttpRequest request_;
  std::chrono::milliseconds timeout_;
  std::unique_ptr<HttpClient> client_;
  RetryPolicy retry_;
  RetryWait wait_;
  std::atomic<bool> cancelled_{false};
  ExportReport report_;
  ExportGate gate_;
};

}  // namespace detail
}  // namespace v0
}  // namespace tracewire
