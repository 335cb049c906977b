// What the translation units built with tracewire::otlp_http and tracewire::otlp_grpc make,
// for test_default_http_client.cpp, which is built with tracewire::tracewire alone.
#pragma once

#include <memory>

#include "tracewire/config/environment.hpp"
#include "tracewire/export/otlp/otlp_http_exporter.hpp"
#include "tracewire/trace/span_exporter.hpp"
#include "tracewire/export/zipkin_exporter.hpp"

namespace tracewire_test {

/// An OtlpHttpExporter without a client, made where libcurl's client is included.
std::unique_ptr<tracewire::OtlpHttpExporter> otlp_http_exporter_in_curl_unit(
    const tracewire::FinalizedOtlpExporterConfig& config);
/// A ZipkinExporter (an HttpExportChannel) without a client, made in the same place.
std::unique_ptr<tracewire::ZipkinExporter> zipkin_exporter_in_curl_unit(
    const tracewire::ZipkinExporterOptions& options);
/// make_otlp_exporter_from_environment, called where the gRPC exporter is included.
std::unique_ptr<tracewire::SpanExporter> otlp_exporter_from_environment_in_grpc_unit(
    const tracewire::Environment& environment);

}  // namespace tracewire_test
