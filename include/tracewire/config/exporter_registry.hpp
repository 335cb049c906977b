// ExporterRegistry: the names OTEL_TRACES_EXPORTER can use.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>

#include "tracewire/config/environment.hpp"
#include "tracewire/export/console_exporter.hpp"
#include "tracewire/export/span_exporter.hpp"

namespace tracewire {
inline namespace v0 {

/// Maps exporter names (`console`, `otlp`, `zipkin`, `jaeger`, `html`, …) to factories that build
/// the exporter from the environment. The built-in names are registered by
/// `provider_from_environment.hpp` according to the targets the application links;
/// applications can add their own (`register_exporter("mine", ...)`).
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

  static ExporterRegistry& instance() {
    static ExporterRegistry registry;
    return registry;
  }

  void register_exporter(std::string name, Factory factory, Processing processing = Processing::batch) {
    std::lock_guard<std::mutex> lock(mutex_);
    entries_[std::move(name)] = Entry{std::move(factory), processing};
  }

  const Entry* find(std::string_view name) const {
    std::lock_guard<std::mutex> lock(mutex_);
    auto found = entries_.find(std::string(name));
    return found == entries_.end() ? nullptr : &found->second;
  }

  std::string names() const {
    std::lock_guard<std::mutex> lock(mutex_);
    std::string text;
    for (const auto& [name, entry] : entries_) text.append(text.empty() ? "" : ", ").append(name);
    return text;
  }

 private:
  ExporterRegistry() {
    entries_["console"] = Entry{[](const Environment&) { return std::make_unique<ConsoleExporter>(); },
                                Processing::simple};
  }

  mutable std::mutex mutex_;
  std::map<std::string, Entry, std::less<>> entries_;
};

}  // namespace v0
}  // namespace tracewire
