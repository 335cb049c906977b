// Built with tracewire::otlp_grpc: includes the gRPC exporter, which registers it.
#include "odr/translation_units.hpp"

#include "tracewire/config/otlp_from_environment.hpp"
#include "tracewire/export/otlp/otlp_grpc_exporter.hpp"

namespace tracewire_test {

std::unique_ptr<tracewire::SpanExporter> otlp_exporter_from_environment_in_grpc_unit(
    const tracewire::Environment& environment) {
  return tracewire::make_otlp_exporter_from_environment(environment);
}

}  // namespace tracewire_test
