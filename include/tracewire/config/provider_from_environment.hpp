// make_provider: a TracerProvider built from TracerConfig and the OTEL_* environment.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tracewire/config/environment.hpp"
#include "tracewire/config/exporter_registry.hpp"
#include "tracewire/export/console_exporter.hpp"
#include "tracewire/config/jaeger_zipkin_from_environment.hpp"
#include "tracewire/config/otlp_from_environment.hpp"
#include "tracewire/config/make_propagator.hpp"
#include "tracewire/config/tracer_config.hpp"
#include "tracewire/config/xray_from_environment.hpp"
#include "tracewire/core/logger.hpp"
#include "tracewire/export/html_exporter.hpp"
#include "tracewire/propagation/global_propagator.hpp"
#include "tracewire/trace/batch_span_processor.hpp"
#include "tracewire/trace/simple_span_processor.hpp"
#include "tracewire/trace/tracer_provider.hpp"
#include "tracewire/trace/xray_id_generator.hpp"

namespace tracewire {
inline namespace v0 {

/// The exporters tracewire ships, under their `OTEL_TRACES_EXPORTER` names: `console`
/// (printed as spans end), `otlp`, `jaeger`, `zipkin`, `xray`, and `html` (tracewire's own:
/// the last traces as one HTML page, written at shutdown). Built once, never changed.
inline const ExporterRegistry& builtin_exporters() {
  static const ExporterRegistry registry = [] {
    ExporterRegistry builtin;
    builtin.add(
        "console", [](const Environment&) { return std::make_unique<ConsoleExporter>(); },
        ExporterRegistry::Processing::simple);
    builtin.add("otlp",
                [](const Environment& environment) { return make_otlp_exporter_from_environment(environment); });
    builtin.add("jaeger",
                [](const Environment& environment) { return make_jaeger_exporter_from_environment(environment); });
    builtin.add("zipkin",
                [](const Environment& environment) { return make_zipkin_exporter_from_environment(environment); });
    builtin.add("xray",
                [](const Environment& environment) { return make_xray_exporter_from_environment(environment); });
    builtin.add("html", [](const Environment& environment) {
      HtmlExporterOptions options;
      options.path = environment.get("TRACEWIRE_HTML_FILE").value_or(options.path);
      options.max_traces = env::get_unsigned(environment, "TRACEWIRE_HTML_MAX_TRACES", options.max_traces, 1, 1000000);
      return std::make_unique<HtmlExporter>(std::move(options));
    });
    return builtin;
  }();
  return registry;
}

/// One exporter named in `OTEL_TRACES_EXPORTER` with the processor that feeds it.
struct ExporterPipeline {
  std::string name;
  /// A BatchSpanProcessor, or a SimpleSpanProcessor for exporters registered as `simple`
  /// (`console`); it owns the exporter.
  std::unique_ptr<SpanProcessor> processor;
  /// The exporter inside `processor` (for its `stats()`); valid while `processor` lives.
  const SpanExporter* exporter = nullptr;
};

/// The pipelines `config.exporters` names, each exporter built through `registry` from
/// `environment`; `none` names none. Unknown or unavailable exporters
/// are reported in one warning, once per list, and skipped. `make_provider` builds its
/// processors with this; a program that feeds several providers into one pipeline
/// (tracewire-gen: one provider per simulated service) calls it directly.
inline std::vector<ExporterPipeline> make_exporter_pipelines(const FinalizedTracerConfig& config,
                                                             const Environment& environment,
                                                             const ExporterRegistry& registry = builtin_exporters()) {
  std::vector<ExporterPipeline> pipelines;
  std::vector<std::string_view> unknown;
  for (const std::string& name : config.exporters) {
    if (name == "none") continue;
    const ExporterRegistry::Entry* entry = registry.find(name);
    if (entry == nullptr) {
      unknown.push_back(name);
      continue;
    }
    std::unique_ptr<SpanExporter> exporter = entry->factory(environment);
    if (!exporter) continue;
    ExporterPipeline pipeline{name, nullptr, exporter.get()};
    if (entry->processing == ExporterRegistry::Processing::simple) {
      pipeline.processor = std::make_unique<SimpleSpanProcessor>(std::move(exporter));
    } else {
      pipeline.processor = std::make_unique<BatchSpanProcessor>(std::move(exporter), config.batch);
    }
    pipelines.push_back(std::move(pipeline));
  }
  if (!unknown.empty()) {
    // One warning for the whole list, once per list (see detail::ReportedValues).
    std::string names;
    for (std::string_view name : unknown) names.append(name).append(1, ',');
    detail::warn_once("OTEL_TRACES_EXPORTER", names,
                      "OTEL_TRACES_EXPORTER: skipped {} unknown or unavailable exporter(s): {} (available: {})",
                      unknown.size(), detail::quote_list(unknown), registry.names());
  }
  return pipelines;
}

/// Builds the provider a finalized configuration describes: `disabled` gives the no-op
/// provider; otherwise the processors of `make_exporter_pipelines` (each exporter named in
/// `registry` behind a batch processor, or a simple one for `console`), then the ones built
/// in code (`TracerConfig::processors`), and the id generator `OTEL_TRACES_ID_GENERATOR`
/// names. Logs one line describing the pipeline at info level.
///
/// It also sets the global propagator (what `start_server_span` and `inject_context` use)
/// to the one `OTEL_PROPAGATORS` names (or `config.default_propagators`), as the
/// OpenTelemetry SDKs' environment configuration does — even when the SDK is disabled, since
/// an untraced service must still pass its callers' context on.
inline std::shared_ptr<TracerProvider> make_provider(FinalizedTracerConfig config, const Environment& environment,
                                                     const ExporterRegistry& registry = builtin_exporters()) {
  std::shared_ptr<const TextMapPropagator> propagator =
      make_propagator_from_environment(environment, config.default_propagators);
  detail::log(LogLevel::info, "{}", propagator->describe());
  set_global_propagator(std::move(propagator));
  if (config.disabled) return TracerProvider::noop();
  TracerProviderOptions options;
  for (ExporterPipeline& pipeline : make_exporter_pipelines(config, environment, registry)) {
    options.processors.push_back(std::move(pipeline.processor));
  }
  for (auto& processor : config.processors) options.processors.push_back(std::move(processor));
  options.resource = std::move(config.resource);
  options.detect_resource = false;  // finalize_config already merged the detected resource
  options.sampler = std::move(config.sampler);
  options.limits = config.limits;
  if (config.id_generator == IdGeneratorKind::xray) options.id_generator = std::make_unique<XRayIdGenerator>();
  auto provider = std::make_shared<TracerProvider>(std::move(options));
  detail::log(LogLevel::info, "{}", provider->describe());
  return provider;
}

/// `make_provider(finalize_config(config, environment), environment, registry)`.
///
/// **Example**:
/// ```
/// auto provider = tracewire::make_provider_from_environment();
/// tracewire::set_global_provider(provider);
/// ```
inline std::shared_ptr<TracerProvider> make_provider_from_environment(
    TracerConfig config = {}, const Environment& environment = ProcessEnvironment(),
    const ExporterRegistry& registry = builtin_exporters()) {
  return make_provider(finalize_config(std::move(config), environment), environment, registry);
}

}  // namespace v0
}  // namespace tracewire
