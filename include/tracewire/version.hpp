// tracewire version macros.
#pragma once

#define TRACEWIRE_VERSION_MAJOR 0
#define TRACEWIRE_VERSION_MINOR 1
#define TRACEWIRE_VERSION_PATCH 0
#define TRACEWIRE_VERSION_STRING "0.1.0"

namespace tracewire {
inline namespace v0 {
/// The library version, as written into `telemetry.sdk.version`.
inline constexpr const char* version_string = TRACEWIRE_VERSION_STRING;
}  // namespace v0
}  // namespace tracewire
