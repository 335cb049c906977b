// HttpClient: the transport interface HTTP exporters send through.
#pragma once

#include <atomic>
#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tracewire/core/expected.hpp"

namespace tracewire {
inline namespace v0 {

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
  std::string url;
  std::string_view content_type;
  std::string_view body;
  HttpHeaders headers;  ///< extra headers (values may be secrets: never log them)
  std::chrono::milliseconds timeout{10000};
  bool gzip = false;  ///< compress the body and send `Content-Encoding: gzip`
  /// When set and it becomes true, the client abandons the transfer as soon as it can
  /// (an exporter shutting down); clients that cannot may ignore it.
  const std::atomic<bool>* cancel = nullptr;
};

struct HttpResponse {
  int status = 0;
  HttpHeaders headers;  ///< names lowercased
  std::string body;
  /// True when `body` is only the beginning of a longer body (a client keeps a bounded part:
  /// CurlHttpClient 64 KiB), so a reader knows not to take it for the whole answer.
  bool body_truncated = false;

  /// The first header named `name` (lowercase), if present.
  const std::string* header(std::string_view name) const noexcept {
    for (const auto& [key, value] : headers) {
      if (key == name) return &value;
    }
    return nullptr;
  }
};

/// Sends one POST and waits for the answer (exporters call it from their own thread, never
/// from the application's). A received response of any status is a value; an Error means
/// no response at all (connection refused or dropped, DNS, TLS, timeout) and its message
/// says why. Implementations must be safe to call from one thread at a time, must not
/// throw, and should reuse connections. Plug your own (e.g. one on your event loop) by
/// implementing this one method.
class HttpClient {
 public:
  virtual ~HttpClient() = default;
  virtual Expected<HttpResponse> post(const HttpRequest& request) noexcept = 0;
};

}  // namespace v0
}  // namespace tracewire
