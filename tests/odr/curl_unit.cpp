// Built with tracewire::otlp_http: includes libcurl's client, which registers it.
#include "odr/translation_units.hpp"

#include "tracewire/transport/curl_http_client.hpp"

namespace tracewire_test {

std::unique_ptr<tracewire::OtlpHttpExporter> otlp_http_exporter_in_curl_unit(
    const tracewire::FinalizedOtlpExporterConfig& config) {
  return std::make_unique<tracewire::OtlpHttpExporter>(config);
}

std::unique_ptr<tracewire::ZipkinExporter> zipkin_exporter_in_curl_unit(
    const tracewire::ZipkinExporterOptions& options) {
  return std::make_unique<tracewire::ZipkinExporter>(options);
}

}  // namespace tracewire_test
