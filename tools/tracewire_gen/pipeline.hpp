// Pipeline: one provider per simulated service, all feeding the exporters OTEL_* names.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "tracewire/config/provider_from_environment.hpp"
#include "tracewire/export/discarding_exporter.hpp"
#include "tracewire/export/otlp/otlp_file_exporter.hpp"
#include "tracewire/trace/span_exporter.hpp"
#include "tracewire/trace/batch_span_processor.hpp"
#include "tracewire/trace/multi_span_processor.hpp"
#include "tracewire/trace/tracer_provider.hpp"
#include "tracewire/version.hpp"
#include "tracewire_gen/generator.hpp"
#include "tracewire_gen/topology.hpp"

namespace tracewire_gen {

/// A provider's processor that hands spans to the pipeline every provider shares. The
/// pipeline's owner shuts it down, once, after every provider has finished.
class SharedProcessor final : public tracewire::SpanProcessor {
 public:
  explicit SharedProcessor(tracewire::SpanProcessor& target) : target_(target) {}
  void on_end(tracewire::SpanDataPtr span) noexcept override { target_.on_end(std::move(span)); }
  bool force_flush(std::chrono::milliseconds timeout) noexcept override { return target_.force_flush(timeout); }
  bool shutdown(std::chrono::milliseconds /*timeout*/) noexcept override { return true; }
  std::string describe() const override { return "shared " + target_.describe(); }

 private:
  tracewire::SpanProcessor& target_;
};

/// What the exporters have done with the spans so far, summed over every exporter.
struct Totals {
  std::uint64_t exported = 0;  ///< spans the exporters accepted
  std::uint64_t dropped = 0;   ///< queue full, after shutdown, or too large for the transport
  std::uint64_t failed = 0;    ///< in batches the exporter reported lost
  std::uint64_t bytes = 0;     ///< encoded bytes sent
};

/// The exporters `OTEL_TRACES_EXPORTER` names (default `otlp`; `discard`, and `otlp_file`
/// writing OTLP/JSON lines to `TRACEWIRE_GEN_OTLP_FILE` or stdout, are added), built
/// once, and a TracerProvider per instrumented service whose resource is the service's:
/// each provider's spans go to the one shared pipeline, so exporters batch spans of every
/// service together, as a collector would receive them from many hosts.
class Pipeline {
 public:
  Pipeline(const Topology& topology, const tracewire::Environment& environment) {
    tracewire::ExporterRegistry registry = tracewire::builtin_exporters();
    // `discard` takes every span and sends nothing: how fast spans are generated and batched
    // without any encoding or I/O.
    registry.add("discard",
                 [](const tracewire::Environment&) { return std::make_unique<tracewire::DiscardingExporter>(); });
    registry.add("otlp_file", [](const tracewire::Environment& environment) {
      return std::make_unique<tracewire::OtlpFileExporter>(environment.get("TRACEWIRE_GEN_OTLP_FILE").value_or("-"));
    });
    config_ = tracewire::finalize_config({}, environment);
    std::vector<std::unique_ptr<tracewire::SpanProcessor>> processors;
    if (!config_.disabled) {
      for (tracewire::ExporterPipeline& pipeline : tracewire::make_exporter_pipelines(config_, environment, registry)) {
        exporters_.push_back(
            {pipeline.name, pipeline.exporter, dynamic_cast<tracewire::BatchSpanProcessor*>(pipeline.processor.get())});
        processors.push_back(std::move(pipeline.processor));
      }
    }
    if (processors.size() == 1) {
      shared_ = std::move(processors.front());
    } else if (!processors.empty()) {
      shared_ = std::make_unique<tracewire::MultiSpanProcessor>(std::move(processors));
    }

    for (const Service& service : topology.services) {
      if (!service.instrumented) {
        tracers_.emplace_back();
        continue;
      }
      tracewire::AttributeSet attributes;
      for (const auto& [key, value] : service.resource) attributes.set(key, value.view());
      attributes.set("telemetry.sdk.name", "tracewire");
      attributes.set("telemetry.sdk.language", "cpp");
      attributes.set("telemetry.sdk.version", TRACEWIRE_VERSION_STRING);
      tracewire::TracerProviderOptions options;
      options.resource = tracewire::Resource(std::move(attributes));
      options.detect_resource = false;  // a simulated service runs on its own simulated host
      options.sampler = config_.sampler;
      options.limits = config_.limits;
      options.id_generator = std::make_unique<SeededIdGenerator>();
      if (shared_) options.processors.push_back(std::make_unique<SharedProcessor>(*shared_));
      providers_.push_back(std::make_shared<tracewire::TracerProvider>(std::move(options)));
      tracers_.push_back(providers_.back()->tracer("tracewire-gen", TRACEWIRE_VERSION_STRING));
    }
  }
  Pipeline(const Pipeline&) = delete;
  Pipeline& operator=(const Pipeline&) = delete;
  ~Pipeline() { shutdown(std::chrono::seconds(30)); }

  /// Service `s`'s tracer (a no-op tracer for an uninstrumented service).
  const std::vector<tracewire::Tracer>& tracers() const noexcept { return tracers_; }
  /// Whether trace ids should be X-Ray ids (`OTEL_TRACES_ID_GENERATOR=xray`, or exporting to X-Ray).
  bool xray_ids() const noexcept { return config_.id_generator == tracewire::IdGeneratorKind::xray; }

  /// True while any batch processor holds more than half its queue: the generator waits,
  /// so that a fast generator meets the exporter's pace instead of dropping spans.
  bool congested() const noexcept {
    for (const Exporter& exporter : exporters_) {
      if (exporter.batch == nullptr) continue;
      const tracewire::BatchSpanProcessorStats stats = exporter.batch->stats();
      const std::uint64_t settled =
          stats.exported + stats.failed + stats.dropped_queue_full + stats.dropped_after_shutdown;
      if (stats.received - settled > exporter.batch->options().max_queue_size / 2) return true;
    }
    return false;
  }

  Totals totals() const noexcept {
    Totals totals;
    for (const Exporter& exporter : exporters_) {
      const tracewire::ExportStats stats = exporter.exporter->stats();
      totals.bytes += stats.bytes_sent;
      totals.dropped += stats.spans_too_large;
      if (exporter.batch != nullptr) {
        const tracewire::BatchSpanProcessorStats batch = exporter.batch->stats();
        // An exporter returns success for a batch in which it dropped spans as too large.
        totals.exported += batch.exported - std::min(batch.exported, stats.spans_too_large);
        totals.failed += batch.failed;
        totals.dropped += batch.dropped_queue_full + batch.dropped_after_shutdown;
      } else {
        totals.exported += stats.spans_exported;
        totals.failed += stats.spans_failed;
      }
    }
    return totals;
  }

  /// One line per exporter, for the summary.
  std::vector<std::string> describe_exporters() const {
    std::vector<std::string> lines;
    for (const Exporter& exporter : exporters_) lines.push_back(exporter.name + ": " + exporter.exporter->describe());
    return lines;
  }

  /// Exports what is queued and stops the exporters (once).
  bool shutdown(std::chrono::milliseconds timeout) noexcept {
    if (!shared_ || shut_down_) return true;
    shut_down_ = true;
    return shared_->shutdown(timeout);
  }

 private:
  struct Exporter {
    std::string name;
    const tracewire::SpanExporter* exporter;
    tracewire::BatchSpanProcessor* batch;  // nullptr for a simple processor (console)
  };

  tracewire::FinalizedTracerConfig config_;
  std::vector<Exporter> exporters_;
  std::unique_ptr<tracewire::SpanProcessor> shared_;
  std::vector<std::shared_ptr<tracewire::TracerProvider>> providers_;
  std::vector<tracewire::Tracer> tracers_;
  bool shut_down_ = false;
};

}  // namespace tracewire_gen
