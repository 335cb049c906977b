// A TracerProvider whose spans are kept in memory as they end, and a tracer from it.
#pragma once

#include <memory>

#include "tracewire/export/in_memory_exporter.hpp"
#include "tracewire/trace/simple_span_processor.hpp"
#include "tracewire/trace/tracer_provider.hpp"

namespace tracewire_test {

struct RecordingProvider {
  std::shared_ptr<tracewire::InMemorySpanExporter::Storage> spans;
  std::shared_ptr<tracewire::TracerProvider> provider;
  tracewire::Tracer tracer;

  RecordingProvider() {
    auto exporter = std::make_unique<tracewire::InMemorySpanExporter>();
    spans = exporter->storage();
    tracewire::TracerProviderOptions options;
    options.processors.push_back(std::make_unique<tracewire::SimpleSpanProcessor>(std::move(exporter)));
    provider = std::make_shared<tracewire::TracerProvider>(std::move(options));
    tracer = provider->tracer("tracewire-test");
  }
};

}  // namespace tracewire_test
