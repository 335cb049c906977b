// host[:port] and IP address text: what configuration, exporters and instrumentation parse alike.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "tracewire/core/detail/hex.hpp"

namespace tracewire {
inline namespace v0 {
namespace detail {

/// A `host[:port]` split at its port colon; an IPv6 host keeps its brackets.
struct HostPort {
  std::string_view host;
  std::optional<std::string_view> port;  ///< the text after the colon (may be empty or not a number)
};

/// Splits `host[:port]`: the port is whatever follows the last ':' that comes after any
/// ']' (so `[::1]:4317` has a port and `[::1]` has none).
constexpr HostPort split_host_port(std::string_view authority) noexcept {
  const std::size_t bracket = authority.rfind(']');
  const std::size_t colon = authority.rfind(':');
  if (colon == std::string_view::npos || (bracket != std::string_view::npos && colon < bracket)) return {authority, {}};
  return {authority.substr(0, colon), authority.substr(colon + 1)};
}

/// A port as 1-5 decimal digits no greater than 65535 (0 included: the caller decides
/// whether it means anything); anything else is nullopt.
constexpr std::optional<std::uint32_t> parse_port(std::string_view text) noexcept {
  if (text.empty() || text.size() > 5) return std::nullopt;
  std::uint32_t number = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    number = number * 10 + static_cast<std::uint32_t>(c - '0');
  }
  if (number > 65535) return std::nullopt;
  return number;
}

/// Dotted-quad IPv4 (four decimal octets 0-255, no leading zeros).
inline bool is_ipv4(std::string_view text) noexcept {
  int parts = 0;
  std::size_t i = 0;
  while (parts < 4) {
    std::size_t digits = 0;
    unsigned value = 0;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9' && digits < 4) {
      value = value * 10 + static_cast<unsigned>(text[i] - '0');
      ++digits;
      ++i;
    }
    if (digits == 0 || digits > 3 || value > 255 || (digits > 1 && text[i - digits] == '0')) return false;
    ++parts;
    if (parts < 4) {
      if (i >= text.size() || text[i] != '.') return false;
      ++i;
    }
  }
  return i == text.size();
}

/// RFC 4291 text form: up to eight groups of 1-4 hex digits, at most one `::`, an
/// optional dotted-quad tail; no zone (`%eth0`).
inline bool is_ipv6(std::string_view text) noexcept {
  if (text.size() < 2 || text.size() > 45) return false;
  int groups = 0;
  bool compressed = false;
  std::size_t i = 0;
  if (text.substr(0, 2) == "::") {
    compressed = true;
    i = 2;
    if (i == text.size()) return true;
  } else if (text[0] == ':') {
    return false;
  }
  while (i < text.size()) {
    const std::size_t start = i;
    while (i < text.size() && i - start < 5 && any_case_hex_value(text[i]) >= 0) ++i;
    if (i < text.size() && text[i] == '.') {  // IPv4 tail takes two groups
      if (!is_ipv4(text.substr(start))) return false;
      groups += 2;
      i = text.size();
      break;
    }
    const std::size_t digits = i - start;
    if (digits == 0 || digits > 4) return false;
    ++groups;
    if (i == text.size()) break;
    if (text[i] != ':') return false;
    ++i;
    if (i < text.size() && text[i] == ':') {
      if (compressed) return false;
      compressed = true;
      ++i;
      if (i == text.size()) break;
    } else if (i == text.size()) {
      return false;  // a trailing single colon
    }
  }
  return compressed ? groups < 8 : groups == 8;
}

}  // namespace detail
}  // namespace v0
}  // namespace tracewire
