// Tracing set-up shared by uservice3 and uservice4: everything comes from OTEL_* variables;
// the code only gives defaults for what the original demo fixes (service name, Jaeger
// propagation) and keeps its always-on sampling. Their log lines carry the trace ids.
#pragma once

#include <memory>
#include <string>

#include <tracewire/export/otlp/otlp_file_exporter.hpp>
#include <tracewire/export/otlp/otlp_http_exporter.hpp>
#include <tracewire/instrumentation/fmt.hpp>
#include <tracewire/tracewire.hpp>
#include <tracewire/transport/curl_http_client.hpp>  // the OTLP/HTTP exporter sends through libcurl

#include "service.hpp"

namespace uservices {

/// ` trace_id=<32 hex digits> span_id=<16 hex digits>` of the current span (nothing when
/// there is none): what the instrumented services' lines about a request end with, so that
/// their logs and their traces can be joined.
inline std::string current_trace_ids() {
  const tracewire::SpanContext& current = tracewire::Context::current().span_context();
  if (!current.is_valid()) return {};
  return fmt::format(" trace_id={} span_id={}", current.trace_id, current.span_id);
}

/// Builds the provider and the propagator, makes them global and returns the provider
/// (shut it down before exiting, so the last spans are exported). The lines the service
/// prints about a request carry the current span's ids from then on.
///
/// OTEL_TRACES_EXPORTER picks the exporters: `otlp` (OTLP/HTTP to
/// OTEL_EXPORTER_OTLP_TRACES_ENDPOINT), `console`, or `otlp_file`: OTLP/JSON lines appended
/// to the file USERVICE_TRACES_FILE names (default `<service>.traces.jsonl`), which
/// scripts/demo.sh reads back to print the trace tree.
inline std::shared_ptr<tracewire::TracerProvider> setup_tracing(const std::string& service_name) {
  // tracewire's exporter names, and one of the demo's own.
  tracewire::ExporterRegistry registry = tracewire::builtin_exporters();
  registry.add("otlp_file", [service_name](const tracewire::Environment& environment) {
    return std::make_unique<tracewire::OtlpFileExporter>(
        environment.get("USERVICE_TRACES_FILE").value_or(service_name + ".traces.jsonl"));
  });

  tracewire::TracerConfig config;
  config.default_service_name = service_name;  // OTEL_SERVICE_NAME still renames it
  config.sampler = std::make_shared<tracewire::AlwaysOnSampler>();
  // Unless OTEL_PROPAGATORS says otherwise: Jaeger's uber-trace-id as in the original demo
  // (Traefik sends it), W3C traceparent and baggage too.
  config.default_propagators = "jaeger,tracecontext,baggage";
  // Sets the global propagator too.
  auto provider =
      tracewire::make_provider_from_environment(std::move(config), tracewire::ProcessEnvironment(), registry);
  tracewire::set_global_provider(provider);
  log_tag() = current_trace_ids;
  return provider;
}

}  // namespace uservices
