// HTTP authorization header values and credential-free URLs for log lines.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace tracewire {
inline namespace v0 {
namespace detail {

/// RFC 4648 base64 with padding.
inline std::string base64_encode(std::string_view bytes) {
  static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const std::uint32_t triple = (static_cast<std::uint8_t>(bytes[i]) << 16) |
                                 (static_cast<std::uint8_t>(bytes[i + 1]) << 8) |
                                 static_cast<std::uint8_t>(bytes[i + 2]);
    out += alphabet[(triple >> 18) & 0x3f];
    out += alphabet[(triple >> 12) & 0x3f];
    out += alphabet[(triple >> 6) & 0x3f];
    out += alphabet[triple & 0x3f];
  }
  const std::size_t rest = bytes.size() - i;
  if (rest > 0) {
    std::uint32_t triple = static_cast<std::uint32_t>(static_cast<std::uint8_t>(bytes[i])) << 16;
    if (rest == 2) triple |= static_cast<std::uint32_t>(static_cast<std::uint8_t>(bytes[i + 1])) << 8;
    out += alphabet[(triple >> 18) & 0x3f];
    out += alphabet[(triple >> 12) & 0x3f];
    out += rest == 2 ? alphabet[(triple >> 6) & 0x3f] : '=';
    out += '=';
  }
  return out;
}

/// `Basic base64(user:password)` (RFC 7617), what Jaeger clients send for
/// JAEGER_USER/JAEGER_PASSWORD.
inline std::string basic_authorization(std::string_view user, std::string_view password) {
  std::string credentials;
  credentials.reserve(user.size() + 1 + password.size());
  credentials.append(user).append(1, ':').append(password);
  return "Basic " + base64_encode(credentials);
}

/// `url` with any `user:password@` replaced by `***@`, for describe() and log lines.
inline std::string redact_url_credentials(std::string_view url) {
  const std::size_t scheme = url.find("://");
  const std::size_t authority = scheme == std::string_view::npos ? 0 : scheme + 3;
  const std::size_t path = url.find_first_of("/?#", authority);
  const std::size_t at = url.rfind('@', path == std::string_view::npos ? url.size() : path);
  if (at == std::string_view::npos || at < authority) return std::string(url);
  return std::string(url.substr(0, authority)) + "***" + std::string(url.substr(at));
}

}  // namespace detail
}  // namespace v0
}  // namespace tracewire
