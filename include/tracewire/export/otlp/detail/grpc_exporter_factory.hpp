// GrpcExporterFactory: how the configuration reaches OtlpGrpcExporter when it is included.
#pragma once

#include <memory>

#include "tracewire/core/detail/registered_factory.hpp"
#include "tracewire/export/otlp/otlp_exporter_config.hpp"
#include "tracewire/trace/span_exporter.hpp"

namespace tracewire {
inline namespace v0 {
namespace detail {

/// Makes an OtlpGrpcExporter. `tracewire/export/otlp/otlp_grpc_exporter.hpp` registers it
/// when included (link tracewire::otlp_grpc), so `OTEL_EXPORTER_OTLP_PROTOCOL=grpc` works
/// in a program where any translation unit includes that header, whatever the translation
/// unit that reads the environment was built with.
using GrpcExporterFactory = RegisteredFactory<std::unique_ptr<SpanExporter>(FinalizedOtlpExporterConfig config)>;

}  // namespace detail
}  // namespace v0
}  // namespace tracewire
