// The default HttpClient: what HTTP exporters send through when they are given no client.
#pragma once

#include <memory>
#include <string>

#include "tracewire/core/detail/registered_factory.hpp"
#include "tracewire/transport/http_client.hpp"

namespace tracewire {
inline namespace v0 {

/// TLS settings of an HTTP client. Verification of the server is always on; these only
/// say which CAs to trust and which client certificate to present.
struct HttpTlsOptions {
  std::string certificate_file;         ///< PEM CA bundle; empty = the system's
  std::string client_certificate_file;  ///< PEM client certificate (mutual TLS)
  std::string client_key_file;          ///< PEM client private key (mutual TLS)
};

/// Makes the client an exporter uses when it is given none.
using HttpClientFactory = std::unique_ptr<HttpClient>(const HttpTlsOptions& tls);

namespace detail {
using DefaultHttpClient = RegisteredFactory<HttpClientFactory>;

/// Why an exporter without a client fails every export.
inline constexpr const char* no_http_client_reason =
    "no HTTP client: pass one, or include <tracewire/transport/curl_http_client.hpp> in the program and link "
    "tracewire::otlp_http";
}  // namespace detail

/// Makes `factory` the process-wide default client maker (null: none). Including
/// `tracewire/transport/curl_http_client.hpp` in any translation unit of the program
/// already registers libcurl's CurlHttpClient; call this to use another client everywhere.
///
/// **Example**: `tracewire::set_default_http_client_factory([](const tracewire::HttpTlsOptions&) ->
/// std::unique_ptr<tracewire::HttpClient> { return std::make_unique<MyClient>(); });`
inline void set_default_http_client_factory(HttpClientFactory* factory) noexcept {
  detail::DefaultHttpClient::set(factory);
}

/// A new default client with the given TLS files, or null when none is registered: no
/// translation unit of the program includes `tracewire/transport/curl_http_client.hpp`
/// (link tracewire::otlp_http) and nothing called set_default_http_client_factory.
inline std::unique_ptr<HttpClient> make_default_http_client(const HttpTlsOptions& tls = {}) {
  HttpClientFactory* factory = detail::DefaultHttpClient::get();
  return factory ? factory(tls) : nullptr;
}

}  // namespace v0
}  // namespace tracewire
