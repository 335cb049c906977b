// CurlHttpClient: the libcurl HttpClient (link tracewire::otlp_http); including this header
// makes it the default client of every HTTP exporter in the program.
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>

#include <curl/curl.h>
#include <zlib.h>

#include "tracewire/core/detail/ascii.hpp"
#include "tracewire/core/detail/fork_hooks.hpp"
#include "tracewire/transport/default_http_client.hpp"
#include "tracewire/transport/detail/http_auth.hpp"
#include "tracewire/transport/http_client.hpp"

namespace tracewire {
inline namespace v0 {

/// The TLS files of a CurlHttpClient (the name it had before HttpTlsOptions).
using CurlTlsOptions = HttpTlsOptions;

/// An HttpClient on one libcurl easy handle, reused for every request so the connection
/// (and its TLS session) stays open between exports. TLS verifies the server's
/// certificate and host name; proxies come from the usual `http_proxy`, `https_proxy` and
/// `no_proxy` variables, which libcurl reads itself. Bodies can be gzip-compressed.
/// Response bodies are kept up to `max_response_bytes` (the rest is read and discarded,
/// so a huge answer cannot exhaust memory yet the connection stays reusable), and a body
/// cut there is marked `body_truncated`.
///
/// Errors: a connection refused, reset or dropped before a response, and a DNS failure
/// are `ErrorCode::network_failure` (worth retrying); a timeout is `ErrorCode::timeout`;
/// TLS failures (unknown CA, bad certificate files) are `ErrorCode::invalid_configuration`
/// since retrying cannot fix them. Messages come from libcurl's error buffer and never
/// contain request header values. One request at a time (the exporter's thread); a
/// request's `cancel` flag is looked at every 50 ms, so an exporter that shuts down does not
/// wait on a receiver that never answers.
///
/// **Example**:
/// ```
/// tracewire::CurlHttpClient client;
/// auto response = client.post({"http://localhost:4318/v1/traces", "application/x-protobuf", body});
/// ```
class CurlHttpClient final : public HttpClient {
 public:
  static constexpr std::size_t max_response_bytes = 64 * 1024;

  explicit CurlHttpClient(HttpTlsOptions tls = {}) : tls_(std::move(tls)) {
    static std::once_flag global_init;
    std::call_once(global_init, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
    open_handle();
  }
  CurlHttpClient(const CurlHttpClient&) = delete;
  CurlHttpClient& operator=(const CurlHttpClient&) = delete;
  ~CurlHttpClient() override {
    if (handle_) curl_easy_cleanup(handle_);
    if (multi_) curl_multi_cleanup(multi_);
  }

  Expected<HttpResponse> post(const HttpRequest& request) noexcept override {
    if (handle_generation_ != detail::fork_generation()) {
      // A forked child: the handles' connections are the parent's sockets, which a request
      // from here would corrupt. Leave them (cleaning them up could close the parent's TLS
      // session) and start afresh.
      handle_ = nullptr;
      multi_ = nullptr;
      open_handle();
    }
    try {
      return send(request);
    } catch (const std::exception& error) {
      return Error{ErrorCode::io_failure, std::string("HTTP client failure: ") + error.what()};
    } catch (...) {
      return Error{ErrorCode::io_failure, "HTTP client failure"};
    }
  }

  /// Compresses `body` as a gzip member (RFC 1952) into `out`; false if zlib fails.
  static bool gzip_compress(std::string_view body, std::string& out) {
    z_stream stream{};
    if (deflateInit2(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) return false;
    out.resize(deflateBound(&stream, static_cast<uLong>(body.size())) + 32);
    stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(body.data()));
    stream.avail_in = static_cast<uInt>(body.size());
    stream.next_out = reinterpret_cast<Bytef*>(out.data());
    stream.avail_out = static_cast<uInt>(out.size());
    const int result = deflate(&stream, Z_FINISH);
    out.resize(stream.total_out);
    deflateEnd(&stream);
    return result == Z_STREAM_END;
  }

 private:
  void open_handle() {
    handle_generation_ = detail::fork_generation();
    handle_ = curl_easy_init();
    multi_ = curl_multi_init();  // owns the connection cache, so connections outlive a request
    if (!handle_ || !multi_) return;
    // What does not change between requests is set once; the handle keeps it.
    curl_easy_setopt(handle_, CURLOPT_NOSIGNAL, 1L);  // no SIGALRM in the application's process
    curl_easy_setopt(handle_, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(handle_, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(handle_, CURLOPT_SSL_VERIFYHOST, 2L);
    if (!tls_.certificate_file.empty()) curl_easy_setopt(handle_, CURLOPT_CAINFO, tls_.certificate_file.c_str());
    if (!tls_.client_certificate_file.empty()) {
      curl_easy_setopt(handle_, CURLOPT_SSLCERT, tls_.client_certificate_file.c_str());
    }
    if (!tls_.client_key_file.empty()) curl_easy_setopt(handle_, CURLOPT_SSLKEY, tls_.client_key_file.c_str());
    curl_easy_setopt(handle_, CURLOPT_WRITEFUNCTION, &CurlHttpClient::on_body);
    curl_easy_setopt(handle_, CURLOPT_HEADERFUNCTION, &CurlHttpClient::on_header);
    curl_easy_setopt(handle_, CURLOPT_USERAGENT, "tracewire");
  }

  struct Transfer {
    HttpResponse response;
    std::size_t max_body;
  };

  Expected<HttpResponse> send(const HttpRequest& request) {
    if (!handle_ || !multi_) return Error{ErrorCode::io_failure, "libcurl could not create a handle"};
    std::string_view body = request.body;
    if (request.gzip) {
      if (!gzip_compress(body, compressed_)) return Error{ErrorCode::io_failure, "gzip compression failed"};
      body = compressed_;
    }

    // The list is rebuilt per request (it is small) and freed on every path.
    struct HeaderList {
      curl_slist* list = nullptr;
      ~HeaderList() { curl_slist_free_all(list); }
      bool add(const std::string& line) {
        curl_slist* next = curl_slist_append(list, line.c_str());
        if (next) list = next;
        return next != nullptr;
      }
    } headers;
    headers.add("Content-Type: " + std::string(request.content_type));
    if (request.gzip) headers.add("Content-Encoding: gzip");
    headers.add("Expect:");  // no 100-continue round trip for large bodies
    for (const auto& [name, value] : request.headers) headers.add(name + ": " + value);

    Transfer transfer{{}, max_response_bytes};
    char error_buffer[CURL_ERROR_SIZE] = {0};
    const long timeout_ms = static_cast<long>(std::max<std::chrono::milliseconds::rep>(1, request.timeout.count()));
    CURL* curl = handle_;
    curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
    curl_easy_setopt(curl, CURLOPT_POST, 1L);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers.list);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, timeout_ms);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error_buffer);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &transfer);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, &transfer);

    const CURLcode result = perform(curl, request.cancel);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, nullptr);  // the list dies with this call
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, nullptr);
    if (result != CURLE_OK) {
      std::string message = error_buffer[0] ? std::string(error_buffer) : std::string(curl_easy_strerror(result));
      if (result == CURLE_SSL_CONNECT_ERROR) {
        // OpenSSL's "wrong version number" is what an https:// URL aimed at a plain-HTTP
        // port gets; say it in words a user can act on.
        message = "TLS handshake failed (" + message + "); if this port serves plain HTTP, use an http:// URL";
      }
      if (result == CURLE_ABORTED_BY_CALLBACK) message = "cancelled";  // see perform
      return Error{classify(result), "POST " + detail::redact_url_credentials(request.url) + ": " + message};
    }
    long status = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    transfer.response.status = static_cast<int>(status);
    return std::move(transfer.response);
  }

  static ErrorCode classify(CURLcode result) noexcept {
    switch (result) {
      case CURLE_OPERATION_TIMEDOUT:
        return ErrorCode::timeout;
      case CURLE_SSL_CONNECT_ERROR:
      case CURLE_PEER_FAILED_VERIFICATION:
      case CURLE_SSL_CERTPROBLEM:
      case CURLE_SSL_CIPHER:
      case CURLE_SSL_CACERT_BADFILE:
      case CURLE_SSL_CRL_BADFILE:
      case CURLE_SSL_ISSUER_ERROR:
      case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
      case CURLE_UNSUPPORTED_PROTOCOL:
      case CURLE_URL_MALFORMAT:
        return ErrorCode::invalid_configuration;
      default:
        return ErrorCode::network_failure;
    }
  }

  /// Runs the transfer through the multi interface, waking at least every
  /// `cancel_check_interval` to look at `cancel`: a transfer waiting on a receiver that
  /// does not answer is abandoned that soon after its exporter shuts down.
  CURLcode perform(CURL* curl, const std::atomic<bool>* cancel) {
    if (curl_multi_add_handle(multi_, curl) != CURLM_OK) return CURLE_FAILED_INIT;
    CURLcode result = CURLE_OK;
    for (int running = 1; running;) {
      if (curl_multi_perform(multi_, &running) != CURLM_OK) {
        result = CURLE_FAILED_INIT;
        break;
      }
      if (!running) break;
      if (cancel != nullptr && cancel->load()) {
        result = CURLE_ABORTED_BY_CALLBACK;
        break;
      }
      curl_multi_poll(multi_, nullptr, 0, static_cast<int>(cancel_check_interval.count()), nullptr);
    }
    int queued = 0;
    while (CURLMsg* message = curl_multi_info_read(multi_, &queued)) {
      if (message->msg == CURLMSG_DONE && message->easy_handle == curl && result == CURLE_OK) {
        result = message->data.result;
      }
    }
    curl_multi_remove_handle(multi_, curl);
    return result;
  }

  static constexpr std::chrono::milliseconds cancel_check_interval{50};

  static std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) noexcept {
    auto* transfer = static_cast<Transfer*>(user);
    const std::size_t bytes = size * count;
    std::string& body = transfer->response.body;
    const std::size_t room = transfer->max_body - std::min(body.size(), transfer->max_body);
    if (bytes > room) transfer->response.body_truncated = true;
    if (room > 0) {
      try {
        body.append(data, std::min(bytes, room));
      } catch (...) {
        transfer->response.body_truncated = true;
      }
    }
    return bytes;
  }

  static std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) noexcept {
    auto* transfer = static_cast<Transfer*>(user);
    const std::size_t bytes = size * count;
    std::string_view line(data, bytes);
    try {
      if (line.compare(0, 5, "HTTP/") == 0) {
        transfer->response.headers.clear();  // a new response (after 100 Continue or a proxy's)
        return bytes;
      }
      const std::size_t colon = line.find(':');
      if (colon == std::string_view::npos || transfer->response.headers.size() >= 100) return bytes;
      std::string name = detail::to_lower(line.substr(0, colon));
      std::string_view value = line.substr(colon + 1);
      while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
      while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' ')) {
        value.remove_suffix(1);
      }
      transfer->response.headers.emplace_back(std::move(name), std::string(value));
    } catch (...) {}
    return bytes;
  }

  HttpTlsOptions tls_;
  std::uint32_t handle_generation_ = 0;
  CURL* handle_ = nullptr;
  CURLM* multi_ = nullptr;
  std::string compressed_;
};

namespace detail {
inline std::unique_ptr<HttpClient> make_curl_http_client(const HttpTlsOptions& tls) {
  return std::make_unique<CurlHttpClient>(tls);
}
/// Including this header registers CurlHttpClient as the default HTTP client of the whole
/// program (see RegisteredFactory for why this is not a macro): exporters built without a
/// client in any translation unit, including ones that never include this header, use it.
inline const bool curl_http_client_registered = (set_default_http_client_factory(&make_curl_http_client), true);
}  // namespace detail

}  // namespace v0
}  // namespace tracewire
