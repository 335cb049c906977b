// The names of gRPC's status codes, without gRPC's headers (for the exporter's diagnostics
// and the instrumentation's attributes alike).
#pragma once

#include <cstddef>
#include <iterator>
#include <string_view>

namespace tracewire {
inline namespace v0 {
namespace detail {

/// The name of gRPC status code `code` as gRPC's documentation spells it (`OK`,
/// `DEADLINE_EXCEEDED`, ...): what `rpc.response.status_code` records; `UNKNOWN_CODE` for
/// a number gRPC does not define.
inline std::string_view grpc_status_code_name(int code) noexcept {
  static constexpr std::string_view names[] = {
      "OK",        "CANCELLED",      "UNKNOWN",           "INVALID_ARGUMENT",   "DEADLINE_EXCEEDED",
      "NOT_FOUND", "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION",
      "ABORTED",   "OUT_OF_RANGE",   "UNIMPLEMENTED",     "INTERNAL",           "UNAVAILABLE",
      "DATA_LOSS", "UNAUTHENTICATED"};
  return code >= 0 && static_cast<std::size_t>(code) < std::size(names) ? names[code]
                                                                        : std::string_view("UNKNOWN_CODE");
}

}  // namespace detail
}  // namespace v0
}  // namespace tracewire
