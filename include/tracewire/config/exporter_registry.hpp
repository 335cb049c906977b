// ExporterRegistry: the names OTEL_TRACES_EXPORTER can use.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "tracewire/config/environment.hpp"
#include "tracewire/trace/span_exporter.hpp"

namespace tracewire {
inline namespace v0 {

/// Maps the names `OTEL_TRACES_EXPORTER` can use to factories that build the exporter from
/// the environment. A plain value, passed to `make_provider_from_environment` per call:
/// `builtin_exporters()` holds tracewire's own names (`console`, `otlp`, `jaeger`,
/// `zipkin`, `xray`, `html`); an application that wants names of its own copies it and
/// adds them. Exporters configured in code need no name: put them in
/// `TracerConfig::processors`.
///
/// **Example**:
/// ```
/// tracewire::ExporterRegistry registry = tracewire::builtin_exporters();
/// registry.add("mine", [](const tracewire::Environment&) { return std::make_unique<MyExporter>(); });
/// auto provider = tracewire::make_provider_from_environment({}, tracewire::ProcessEnvironment(), registry);
/// ```
class ExporterRegistry {
 public:
  /// Builds an exporter; nullptr means "could not be built" (the factory logs why).
  using Factory = std::function<std::unique_ptr<SpanExporter>(const Environment&)>;

  /// Whether the exporter's spans should go through the batch processor (network
  /// exporters) or be exported as they end (console, for immediate output).
  enum class Processing { batch, simple };

  struct Entry {
    Factory factory;
    Processing processing = Processing::batch;
  };

  /// Adds `name`, or replaces what it named.
  ExporterRegistry& add(std::string name, Factory factory, Processing processing = Processing::batch) {
    entries_[std::move(name)] = Entry{std::move(factory), processing};
    return *this;
  }

  const Entry* find(std::string_view name) const {
    const auto found = entries_.find(name);
    return found == entries_.end() ? nullptr : &found->second;
  }

  /// The names, comma-separated (for diagnostics).
  std::string names() const {
    std::string text;
    for (const auto& [name, entry] : entries_) text.append(text.empty() ? "" : ", ").append(name);
    return text;
  }

 private:
  std::map<std::string, Entry, std::less<>> entries_;
};

}  // namespace v0
}  // namespace tracewire
