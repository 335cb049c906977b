// Builds against the installed package and exports one span to the console.
#include <tracewire/tracewire.hpp>

int main() {
  tracewire::TracerProviderOptions options;
  options.processors.push_back(
      std::make_unique<tracewire::SimpleSpanProcessor>(std::make_unique<tracewire::ConsoleExporter>()));
  tracewire::TracerProvider provider(std::move(options));
  provider.tracer("cmake-import").start_span("consumer-span").end();
  return provider.shutdown() ? 0 : 1;
}
