// Exports one span to the console through an installed tracewire.
#include <memory>
#include <string>

#include <tracewire/tracewire.hpp>

int main() {
  tracewire::TracerProviderOptions options;
  options.processors.push_back(
      std::make_unique<tracewire::SimpleSpanProcessor>(std::make_unique<tracewire::ConsoleExporter>()));
  tracewire::TracerProvider provider(std::move(options));
  // Built at run time, so that the name is in the output only if the span was exported.
  const std::string name = "test-package-span-" + std::to_string(6 * 7);
  provider.tracer("test_package", tracewire::version_string).start_span(name).end();
  return provider.shutdown() ? 0 : 1;
}
