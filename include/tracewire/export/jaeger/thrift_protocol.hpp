// ThriftProtocol: which of the two Thrift encodings a Jaeger exporter writes.
#pragma once

#include <cstdint>
#include <string_view>

namespace tracewire {
inline namespace v0 {

/// The two Thrift protocols Jaeger accepts: compact (agent UDP port 6831) and binary
/// (agent UDP port 6832, collector HTTP `/api/traces`). The transport is the exporter's
/// (JaegerUdpExporter or JaegerHttpExporter); `OTEL_EXPORTER_JAEGER_PROTOCOL`, which names
/// both, is read in config/jaeger_zipkin_from_environment.hpp.
enum class ThriftProtocol : std::uint8_t { compact, binary };

constexpr std::string_view to_string(ThriftProtocol protocol) noexcept {
  return protocol == ThriftProtocol::compact ? "compact" : "binary";
}

}  // namespace v0
}  // namespace tracewire
