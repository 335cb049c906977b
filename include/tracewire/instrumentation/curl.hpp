// libcurl instrumentation: an easy handle's request in a client span, its context injected into the request's headers.
#pragma once

#if !__has_include(<curl/curl.h>)
#error \
    "tracewire/instrumentation/curl.hpp needs libcurl's headers (Debian: libcurl4-openssl-dev; CMake: link tracewire::curl)"
#endif

#include <cstdint>
#include <cstdlib>
#include <new>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <curl/curl.h>

#include "tracewire/core/detail/ascii.hpp"
#include "tracewire/instrumentation/detail/http_span.hpp"
#include "tracewire/instrumentation/server_span.hpp"
#include "tracewire/propagation/global_propagator.hpp"
#include "tracewire/propagation/text_map_carrier.hpp"
#include "tracewire/semconv.hpp"
#include "tracewire/trace/tracer.hpp"

namespace tracewire {
inline namespace v0 {

/// How `CurlClientSpan` (and `perform`) describe a request.
struct CurlSpanOptions {
  /// The request's method when the caller knows it ("GET", "POST", ...): the span is then
  /// named after it and carries `http.request.method` from its start, where samplers see
  /// it. libcurl cannot tell the method before the transfer, so without it the span starts
  /// as `HTTP` and takes the method libcurl used once the transfer is over.
  std::string_view method;
  /// Injects the span's context; the global propagator when null.
  const TextMapPropagator* propagator = nullptr;
};

namespace detail {

/// `url` as `url.full` may hold it: user and password replaced by `REDACTED`, and the values
/// of the query parameters that carry signatures and credentials (the semantic
/// conventions' list, matched case-sensitively) too. Parsed with libcurl's own URL parser,
/// so it reads URLs exactly as the transfer does; a URL it cannot parse is returned empty
/// (rather than risk recording a secret).
inline std::string redacted_url(const char* url) {
  std::string result;
  CURLU* parsed = curl_url();
  if (!parsed) return result;
  if (curl_url_set(parsed, CURLUPART_URL, url, CURLU_NON_SUPPORT_SCHEME) == CURLUE_OK) {
    char* part = nullptr;
    for (CURLUPart secret : {CURLUPART_USER, CURLUPART_PASSWORD}) {
      if (curl_url_get(parsed, secret, &part, 0) == CURLUE_OK) curl_url_set(parsed, secret, "REDACTED", 0);
      curl_free(std::exchange(part, nullptr));
    }
    if (curl_url_get(parsed, CURLUPART_QUERY, &part, 0) == CURLUE_OK && part) {
      std::string query = part;
      bool changed = false;
      for (std::size_t start = 0; start <= query.size();) {
        std::size_t end = query.find('&', start);
        if (end == std::string::npos) end = query.size();
        const std::size_t equals = query.find('=', start);
        if (equals < end) {
          const std::string_view key(query.data() + start, equals - start);
          if (key == "X-Amz-Signature" || key == "X-Amz-Credential" || key == "X-Amz-Security-Token" || key == "sig" ||
              key == "X-Goog-Signature") {
            query.replace(equals + 1, end - equals - 1, "REDACTED");
            end = equals + 1 + 8;
            changed = true;
          }
        }
        start = end + 1;
      }
      if (changed) curl_url_set(parsed, CURLUPART_QUERY, query.c_str(), 0);
    }
    curl_free(std::exchange(part, nullptr));
    if (curl_url_get(parsed, CURLUPART_URL, &part, 0) == CURLUE_OK && part) result = part;
    curl_free(part);
  }
  curl_url_cleanup(parsed);
  return result;
}

/// `server.address` and `server.port` of a URL (the scheme's default port when it names none).
inline void set_server_attributes(Span& span, const char* url) {
  CURLU* parsed = curl_url();
  if (!parsed) return;
  if (curl_url_set(parsed, CURLUPART_URL, url, 0) == CURLUE_OK) {
    char* host = nullptr;
    char* port = nullptr;
    if (curl_url_get(parsed, CURLUPART_HOST, &host, 0) == CURLUE_OK && host) {
      std::string_view address(host);
      if (address.size() > 1 && address.front() == '[' && address.back() == ']')
        address = address.substr(1, address.size() - 2);
      span.set_attribute(semconv::server::address, address);
      if (curl_url_get(parsed, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) == CURLUE_OK && port) {
        span.set_attribute(semconv::server::port, static_cast<std::int64_t>(std::strtol(port, nullptr, 10)));
      }
    }
    curl_free(host);
    curl_free(port);
  }
  curl_url_cleanup(parsed);
}

/// A short, stable name for a transfer error (`error.type`): the libcurl constant for the
/// failures a client sees on the network, `_OTHER` for the rest.
inline std::string_view curl_error_type(CURLcode code) noexcept {
  switch (code) {
    case CURLE_UNSUPPORTED_PROTOCOL:
      return "CURLE_UNSUPPORTED_PROTOCOL";
    case CURLE_URL_MALFORMAT:
      return "CURLE_URL_MALFORMAT";
    case CURLE_COULDNT_RESOLVE_PROXY:
      return "CURLE_COULDNT_RESOLVE_PROXY";
    case CURLE_COULDNT_RESOLVE_HOST:
      return "CURLE_COULDNT_RESOLVE_HOST";
    case CURLE_COULDNT_CONNECT:
      return "CURLE_COULDNT_CONNECT";
    case CURLE_PARTIAL_FILE:
      return "CURLE_PARTIAL_FILE";
    case CURLE_WRITE_ERROR:
      return "CURLE_WRITE_ERROR";
    case CURLE_READ_ERROR:
      return "CURLE_READ_ERROR";
    case CURLE_OPERATION_TIMEDOUT:
      return "CURLE_OPERATION_TIMEDOUT";
    case CURLE_SSL_CONNECT_ERROR:
      return "CURLE_SSL_CONNECT_ERROR";
    case CURLE_ABORTED_BY_CALLBACK:
      return "CURLE_ABORTED_BY_CALLBACK";
    case CURLE_TOO_MANY_REDIRECTS:
      return "CURLE_TOO_MANY_REDIRECTS";
    case CURLE_GOT_NOTHING:
      return "CURLE_GOT_NOTHING";
    case CURLE_SEND_ERROR:
      return "CURLE_SEND_ERROR";
    case CURLE_RECV_ERROR:
      return "CURLE_RECV_ERROR";
    case CURLE_PEER_FAILED_VERIFICATION:
      return "CURLE_PEER_FAILED_VERIFICATION";
    case CURLE_HTTP2:
      return "CURLE_HTTP2";
    default:
      return "_OTHER";
  }
}

}  // namespace detail

/// The client span of one libcurl easy-handle transfer. The constructor starts a
/// `SpanKind::client` span, a child of the current span (not made current itself, so it
/// can end on another thread, as with `curl_multi`), with `url.full` (credentials and
/// signatures redacted), `server.address`, `server.port` and, if given,
/// `http.request.method`; and it sets the handle's `CURLOPT_HTTPHEADER` to a list made of
/// the caller's headers `headers` (the list the caller set, or would set, on the handle:
/// libcurl cannot hand it back) and the span's trace headers, written by the propagator —
/// a header of the caller's that the propagator writes is replaced, not sent twice.
///
/// `finish(result)` records the outcome — `http.response.status_code`,
/// `http.request.method` as libcurl sent it, `network.peer.address`/`port`, the redirects
/// followed as `http.request.resend_count`; an error status for a transfer error
/// (`error.type` names it) and for 4xx/5xx responses — puts the caller's list back on the
/// handle, frees the one made here and ends the span. The caller's list is never modified
/// or freed. Destroying an unfinished CurlClientSpan puts the caller's list back and ends
/// the span as it is. Not copyable; movable.
///
/// **Example** (curl_multi):
/// ```
/// curl_slist* headers = curl_slist_append(nullptr, "Accept: application/json");
/// curl_easy_setopt(easy, CURLOPT_URL, "https://prices.example/v1/prices");
/// tracewire::CurlClientSpan call(tracer, easy, headers, {"GET"});
/// curl_multi_add_handle(multi, easy);
/// // ... when curl_multi_info_read reports the transfer done:
/// call.finish(message->data.result);
/// curl_slist_free_all(headers);                  // the caller's list stays the caller's
/// ```
class CurlClientSpan {
 public:
  CurlClientSpan(Tracer& tracer, CURL* handle, curl_slist* headers, CurlSpanOptions options = {})
      : handle_(handle), caller_headers_(headers) {
    span_ = tracer.start_span(options.method.empty() ? std::string_view("HTTP") : options.method,
                              SpanStartOptions().with_kind(SpanKind::client).not_current());
    if (!handle_) return;
    if (!options.method.empty()) span_.set_attribute(semconv::http::request_method, options.method);
    char* url = nullptr;
    if (curl_easy_getinfo(handle_, CURLINFO_EFFECTIVE_URL, &url) == CURLE_OK && url) {
      try {
        span_.set_attribute(semconv::url::full, detail::redacted_url(url));
        detail::set_server_attributes(span_, url);
      } catch (...) {  // out of memory: the span goes without these attributes
      }
    }
    inject(options.propagator ? *options.propagator : *global_propagator());
  }

  CurlClientSpan(const CurlClientSpan&) = delete;
  CurlClientSpan& operator=(const CurlClientSpan&) = delete;
  CurlClientSpan(CurlClientSpan&& other) noexcept
      : span_(std::move(other.span_)),
        handle_(std::exchange(other.handle_, nullptr)),
        caller_headers_(other.caller_headers_),
        own_headers_(std::exchange(other.own_headers_, nullptr)) {}
  CurlClientSpan& operator=(CurlClientSpan&& other) noexcept {
    if (this != &other) {
      restore_headers();
      span_ = std::move(other.span_);
      handle_ = std::exchange(other.handle_, nullptr);
      caller_headers_ = other.caller_headers_;
      own_headers_ = std::exchange(other.own_headers_, nullptr);
    }
    return *this;
  }
  ~CurlClientSpan() { restore_headers(); }

  /// Records the transfer's outcome (`result` is what curl_easy_perform returned, or
  /// `CURLMsg::data.result`), restores the caller's headers and ends the span.
  void finish(CURLcode result) noexcept {
    if (handle_) {
      char* method = nullptr;
      if (curl_easy_getinfo(handle_, CURLINFO_EFFECTIVE_METHOD, &method) == CURLE_OK && method && *method) {
        span_.set_attribute(semconv::http::request_method, std::string_view(method));
        span_.update_name(method);
      }
      char* peer = nullptr;
      long port = 0;
      if (curl_easy_getinfo(handle_, CURLINFO_PRIMARY_IP, &peer) == CURLE_OK && peer && *peer) {
        span_.set_attribute(semconv::network::peer_address, std::string_view(peer));
        if (curl_easy_getinfo(handle_, CURLINFO_PRIMARY_PORT, &port) == CURLE_OK && port > 0) {
          span_.set_attribute(semconv::network::peer_port, static_cast<std::int64_t>(port));
        }
      }
      long redirects = 0;
      if (curl_easy_getinfo(handle_, CURLINFO_REDIRECT_COUNT, &redirects) == CURLE_OK && redirects > 0) {
        span_.set_attribute(semconv::http::request_resend_count, static_cast<std::int64_t>(redirects));
      }
      long status = 0;
      curl_easy_getinfo(handle_, CURLINFO_RESPONSE_CODE, &status);
      restore_headers();
      if (result != CURLE_OK) {
        // A transfer error, also after a response began (a body cut short): the request failed.
        if (status > 0) span_.set_attribute(semconv::http::response_status_code, static_cast<std::int64_t>(status));
        detail::fail_http_span(span_, detail::curl_error_type(result), curl_easy_strerror(result));
      } else if (status > 0) {
        detail::finish_http_span(span_, static_cast<unsigned>(status), 400);
      }
      handle_ = nullptr;
    }
    span_.end();
  }

  /// The span, to add attributes or events before it ends.
  Span& span() noexcept { return span_; }
  const Span& span() const noexcept { return span_; }

 private:
  /// Builds the list the transfer sends: the caller's headers without those the propagator
  /// writes, then the trace headers. Nothing changes if memory runs out.
  void inject(const TextMapPropagator& propagator) noexcept {
    try {
      std::vector<std::pair<std::string, std::string>> injected;
      inject_context(span_, ContainerSetter(injected), propagator);
      if (injected.empty()) return;
      curl_slist* list = nullptr;
      auto append = [&list](const char* line) {
        curl_slist* longer = curl_slist_append(list, line);
        if (!longer) throw std::bad_alloc();
        list = longer;
      };
      try {
        for (const curl_slist* header = caller_headers_; header; header = header->next) {
          if (!header->data || replaced(header->data, injected)) continue;
          append(header->data);
        }
        for (const auto& [name, value] : injected) append((name + ": " + value).c_str());
      } catch (...) {
        curl_slist_free_all(list);
        return;
      }
      own_headers_ = list;
      curl_easy_setopt(handle_, CURLOPT_HTTPHEADER, own_headers_);
    } catch (...) {  // out of memory: the request goes without trace headers
    }
  }

  /// True if the header line `line` ("Name: value", "Name;" or "Name:") names a header in `injected`.
  static bool replaced(std::string_view line,
                       const std::vector<std::pair<std::string, std::string>>& injected) noexcept {
    const std::string_view name = detail::trim_spaces(line.substr(0, line.find_first_of(":;")));
    for (const auto& header : injected) {
      if (detail::equals_ignore_case(name, header.first)) return true;
    }
    return false;
  }

  void restore_headers() noexcept {
    if (!own_headers_) return;
    if (handle_) curl_easy_setopt(handle_, CURLOPT_HTTPHEADER, caller_headers_);
    curl_slist_free_all(std::exchange(own_headers_, nullptr));
  }

  Span span_;
  CURL* handle_ = nullptr;
  curl_slist* caller_headers_ = nullptr;
  curl_slist* own_headers_ = nullptr;  // what the transfer sends while the span is open
};

/// `curl_easy_perform(handle)` in a client span (see `CurlClientSpan`): the span's context
/// goes out in the request's headers, `headers` being the caller's list for the request
/// (the one set as CURLOPT_HTTPHEADER, or null), which is on the handle again afterwards.
///
/// **Example**:
/// ```
/// curl_easy_setopt(handle, CURLOPT_URL, "http://inventory:8080/items/42");
/// curl_slist* headers = curl_slist_append(nullptr, "Accept: application/json");
/// CURLcode result = tracewire::perform(tracer, handle, headers, {"GET"});
/// curl_slist_free_all(headers);
/// ```
inline CURLcode perform(Tracer& tracer, CURL* handle, curl_slist* headers, CurlSpanOptions options = {}) {
  CurlClientSpan span(tracer, handle, headers, options);
  const CURLcode result = curl_easy_perform(handle);
  span.finish(result);
  return result;
}

}  // namespace v0
}  // namespace tracewire
