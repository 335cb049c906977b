// Building the AWS X-Ray exporter from AWS_XRAY_DAEMON_ADDRESS and OTEL_EXPORTER_XRAY_*.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tracewire/config/environment.hpp"
#include "tracewire/trace/span_exporter.hpp"
#include "tracewire/export/xray/xray_udp_exporter.hpp"

namespace tracewire {
inline namespace v0 {

/// The daemon addresses `AWS_XRAY_DAEMON_ADDRESS` names (the exporter uses the UDP one).
struct XRayDaemonAddress {
  std::string udp_host = "127.0.0.1";
  std::uint16_t udp_port = 2000;
  std::string tcp_host = "127.0.0.1";
  std::uint16_t tcp_port = 2000;
};

namespace detail {

// `host:port` with a non-empty host (an IPv6 address in brackets) and a port in 1..65535.
inline bool parse_host_port(std::string_view text, std::string& host, std::uint16_t& port) {
  std::size_t colon;
  std::string_view name;
  if (!text.empty() && text.front() == '[') {
    const std::size_t close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':') return false;
    name = text.substr(1, close - 1);
    colon = close + 1;
  } else {
    colon = text.find(':');
    if (colon == std::string_view::npos || text.find(':', colon + 1) != std::string_view::npos) return false;
    name = text.substr(0, colon);
  }
  const std::string_view digits = text.substr(colon + 1);
  if (name.empty() || digits.empty() || digits.size() > 5) return false;
  std::uint32_t number = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return false;
    number = number * 10 + static_cast<std::uint32_t>(c - '0');
  }
  if (number == 0 || number > 65535) return false;
  host.assign(name);
  port = static_cast<std::uint16_t>(number);
  return true;
}

}  // namespace detail

/// Parses `AWS_XRAY_DAEMON_ADDRESS` the way the AWS X-Ray SDKs read it: either `host:port`
/// (both protocols on one address) or `tcp:host:port udp:host:port` (in either order,
/// separated by whitespace). An IPv6 host is written in brackets (`[::1]:2000`). nullopt
/// for anything else.
///
/// **Example**: `parse_xray_daemon_address("udp:10.0.0.1:2000 tcp:10.0.0.2:2001")->udp_host == "10.0.0.1"`
inline std::optional<XRayDaemonAddress> parse_xray_daemon_address(std::string_view text) {
  const std::vector<std::string_view> parts = detail::split_list(text, ' ');
  XRayDaemonAddress address;
  if (parts.size() == 1) {
    if (!detail::parse_host_port(parts[0], address.udp_host, address.udp_port)) return std::nullopt;
    address.tcp_host = address.udp_host;
    address.tcp_port = address.udp_port;
    return address;
  }
  if (parts.size() != 2) return std::nullopt;
  bool udp = false, tcp = false;
  for (std::string_view part : parts) {
    if (part.substr(0, 4) == "udp:" && !udp) {
      udp = detail::parse_host_port(part.substr(4), address.udp_host, address.udp_port);
      if (!udp) return std::nullopt;
    } else if (part.substr(0, 4) == "tcp:" && !tcp) {
      tcp = detail::parse_host_port(part.substr(4), address.tcp_host, address.tcp_port);
      if (!tcp) return std::nullopt;
    } else {
      return std::nullopt;
    }
  }
  return address;
}

/// The X-Ray exporter's options from the environment: `AWS_XRAY_DAEMON_ADDRESS` (default
/// `127.0.0.1:2000`; a bad value is reported once and the default kept) and
/// `OTEL_EXPORTER_XRAY_INDEXED_ATTRIBUTES`, a comma-separated list of attribute keys to
/// record as annotations (`*`: every attribute). The second variable is tracewire's own:
/// the OpenTelemetry specification defines none for X-Ray.
inline XRayUdpExporterOptions make_xray_exporter_options_from_environment(const Environment& environment) {
  XRayUdpExporterOptions options;
  if (auto text = environment.get("AWS_XRAY_DAEMON_ADDRESS")) {
    if (auto address = parse_xray_daemon_address(*text)) {
      options.host = address->udp_host;
      options.port = address->udp_port;
    } else {
      detail::warn_invalid("AWS_XRAY_DAEMON_ADDRESS", *text, "host:port or \"tcp:host:port udp:host:port\"",
                           "127.0.0.1:2000");
    }
  }
  if (auto text = environment.get("OTEL_EXPORTER_XRAY_INDEXED_ATTRIBUTES")) {
    for (std::string_view key : detail::split_list(*text)) {
      if (key == "*") {
        options.encoder.index_all_attributes = true;
      } else {
        options.encoder.indexed_attributes.emplace_back(key);
      }
    }
  }
  return options;
}

/// The exporter for `OTEL_TRACES_EXPORTER=xray` (see XRayUdpExporter).
///
/// **Example**: `auto exporter = tracewire::make_xray_exporter_from_environment(tracewire::ProcessEnvironment());`
inline std::unique_ptr<SpanExporter> make_xray_exporter_from_environment(const Environment& environment) {
  return std::make_unique<XRayUdpExporter>(make_xray_exporter_options_from_environment(environment));
}

}  // namespace v0
}  // namespace tracewire
