// Sending one encoded export body through an HttpClient (Jaeger collector, Zipkin).
#pragma once

#include <string>
#include <string_view>

#include "tracewire/core/logger.hpp"
#include "tracewire/transport/detail/http_auth.hpp"
#include "tracewire/transport/http_client.hpp"

namespace tracewire {
inline namespace v0 {
namespace detail {

/// Posts `request` once and says whether the receiver took it (any 2xx: the Jaeger
/// collector and Zipkin answer 202 Accepted). A failure is reported through `log` (one
/// rate-limited diagnostic per exporter) with the URL stripped of credentials and the
/// start of the response body; header values are never logged, they may be secrets.
inline bool post_export(HttpClient& client, const HttpRequest& request, std::string_view exporter,
                        RateLimitedLog& log) noexcept {
  Expected<HttpResponse> response = client.post(request);
  if (!response) {
    log(LogLevel::warn, "{}: export to {} failed: {}", exporter, redact_url_credentials(request.url),
        response.error().message);
    return false;
  }
  if (response->status >= 200 && response->status < 300) return true;
  constexpr std::size_t shown = 200;
  const std::string& body = response->body;
  log(LogLevel::warn, "{}: {} answered HTTP {}: {}{}", exporter, redact_url_credentials(request.url),
      response->status, body.substr(0, shown), body.size() > shown ? "…" : "");
  return false;
}

}  // namespace detail
}  // namespace v0
}  // namespace tracewire
