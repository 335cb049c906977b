// SpanKind and StatusCode: the two small enums of the span model.
#pragma once

#include <cstdint>
#include <string_view>

namespace tracewire {
inline namespace v0 {

/// The role of a span in a request; values are OTLP's enum numbers.
enum class SpanKind : std::uint8_t { internal = 1, server = 2, client = 3, producer = 4, consumer = 5 };

/// "internal", "server", … (lowercase, as Jaeger's `span.kind` tag wants it).
constexpr std::string_view to_string(SpanKind kind) noexcept {
  switch (kind) {
    case SpanKind::server:
      return "server";
    case SpanKind::client:
      return "client";
    case SpanKind::producer:
      return "producer";
    case SpanKind::consumer:
      return "consumer";
    default:
      return "internal";
  }
}

/// The outcome of a span's operation; values are OTLP's enum numbers.
enum class StatusCode : std::uint8_t { unset = 0, ok = 1, error = 2 };

/// "UNSET", "OK", "ERROR" (as the non-OTLP mappings write `otel.status_code`).
constexpr std::string_view to_string(StatusCode code) noexcept {
  switch (code) {
    case StatusCode::ok:
      return "OK";
    case StatusCode::error:
      return "ERROR";
    default:
      return "UNSET";
  }
}

}  // namespace v0
}  // namespace tracewire
