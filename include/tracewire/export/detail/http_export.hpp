// HttpExportChannel: the sending half shared by exporters that post one body per batch.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>

#include <fmt/format.h>

#include "tracewire/core/logger.hpp"
#include "tracewire/export/detail/http_sender.hpp"
#include "tracewire/export/detail/retry_policy.hpp"
#include "tracewire/export/export_stats.hpp"
#include "tracewire/transport/detail/http_auth.hpp"
#include "tracewire/transport/default_http_client.hpp"
#include "tracewire/transport/http_client.hpp"

namespace tracewire {
inline namespace v0 {
namespace detail {

/// Everything the Jaeger collector and Zipkin exporters do around an encoded body: post
/// it through an HttpClient with the shared retry rules (HttpSender), count its spans as
/// exported (any 2xx; both receivers answer 202) or failed, report a failure through one
/// rate-limited diagnostic that shows the URL without credentials and the start of the
/// response body (never a header value), and let `shutdown` stop retries and wait for the
/// export in progress. Without a client (none given, and no default one registered: see
/// make_default_http_client) every export fails with that reason.
class HttpExportChannel {
 public:
  /// `request` holds the URL, content type and headers every post uses.
  HttpExportChannel(std::string exporter, HttpRequest request, std::chrono::milliseconds timeout,
                    std::unique_ptr<HttpClient> client, const RetryPolicy::Options& retry = {})
      : exporter_(std::move(exporter)), request_(std::move(request)), timeout_(timeout), client_(std::move(client)) {
    if (!client_) client_ = make_default_http_client();
    if (client_) sender_ = std::make_unique<HttpSender>(*client_, retry, counters_);
  }

  /// Holds the channel open for one export; `shutdown` waits until none is held.
  class Export {
   public:
    explicit Export(HttpExportChannel& channel) : channel_(channel) {
      std::lock_guard<std::mutex> lock(channel_.mutex_);
      open_ = !channel_.shut_down_;
      channel_.exports_in_progress_ += open_;
    }
    Export(const Export&) = delete;
    Export& operator=(const Export&) = delete;
    ~Export() {
      if (!open_) return;
      std::lock_guard<std::mutex> lock(channel_.mutex_);
      if (--channel_.exports_in_progress_ == 0) channel_.idle_.notify_all();
    }
    /// False once the channel is shut down: count the spans as failed.
    bool open() const noexcept { return open_; }

   private:
    HttpExportChannel& channel_;
    bool open_ = false;
  };

  /// Posts `body` carrying `spans` spans; true if the receiver took it.
  bool post(std::string_view body, std::uint64_t spans) noexcept {
    if (!sender_) return fail(spans, no_http_client_reason);
    try {
      request_.body = body;
      const HttpSender::Outcome outcome = sender_->send(request_, timeout_);
      if (outcome.success()) {
        counters_.add(counters_.spans_exported, spans);
        return true;
      }
      if (outcome.response) {
        return fail(spans, fmt::format("HTTP {}: {}", outcome.response->status, body_excerpt(outcome.response->body)));
      }
      return fail(spans, outcome.error ? outcome.error->message : std::string("no response"));
    } catch (...) {
      return fail(spans, "out of memory");
    }
  }

  /// Counts `spans` as failed and reports `reason`; returns false.
  bool fail(std::uint64_t spans, std::string_view reason) noexcept {
    if (spans == 0) return false;
    counters_.add(counters_.spans_failed, spans);
    counters_.add(counters_.requests_failed, 1);
    log_(LogLevel::error, "{}: export to {} failed, {} spans lost: {}", exporter_, redact_url_credentials(request_.url),
         spans, reason);
    return false;
  }

  /// Stops retrying, waits up to `timeout` for the export in progress, then refuses new ones.
  bool shutdown(std::chrono::milliseconds timeout) noexcept {
    std::unique_lock<std::mutex> lock(mutex_);
    shut_down_ = true;
    if (sender_) sender_->interrupt();
    return idle_.wait_for(lock, timeout, [this] { return exports_in_progress_ == 0; });
  }

  ExportStats stats() const noexcept { return counters_.snapshot(); }
  const HttpRequest& request() const noexcept { return request_; }

 private:
  std::string exporter_;
  HttpRequest request_;
  std::chrono::milliseconds timeout_;
  std::unique_ptr<HttpClient> client_;
  ExportCounters counters_;
  std::unique_ptr<HttpSender> sender_;
  RateLimitedLog log_;
  std::mutex mutex_;
  std::condition_variable idle_;
  int exports_in_progress_ = 0;
  bool shut_down_ = false;
};

}  // namespace detail
}  // namespace v0
}  // namespace tracewire
