// JaegerProtocol: which of Jaeger's Thrift transports an exporter uses.
#pragma once

#include <string_view>


namespace tracewire {
inline namespace v0 {

/// The Thrift transports a Jaeger agent or collector accepts, named as
/// `OTEL_EXPORTER_JAEGER_PROTOCOL` names them. (`grpc` is the fourth value of that
/// variable; tracewire does not speak Jaeger's gRPC API — use OTLP for that.)
enum class JaegerProtocol { udp_thrift_compact, udp_thrift_binary, http_thrift_binary };

constexpr std::string_view to_string(JaegerProtocol protocol) noexcept {
  switch (protocol) {
    case JaegerProtocol::udp_thrift_binary: return "udp/thrift.binary";
    case JaegerProtocol::http_thrift_binary: return "http/thrift.binary";
    default: return "udp/thrift.compact";
  }
}

}  // namespace v0
}  // namespace tracewire
