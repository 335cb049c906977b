// A traced program that exits while its exports fail: the OTLP endpoint of the environment
// accepts connections and never answers. argv[1] lists the order in which the process-wide
// slots are first used (provider, logger, propagator, user-logger), argv[2] how the program
// ends (return, exit, shutdown). It must exit cleanly (no crash in static destruction) and
// within the provider's exit deadline.
#include <cstdlib>
#include <iostream>
#include <sstream>
#include <string>

#include "tracewire/export/otlp/otlp_http_exporter.hpp"
#include "tracewire/transport/curl_http_client.hpp"  // registers libcurl as the default HTTP client
#include "tracewire/tracewire.hpp"

namespace {
class QuietLogger final : public tracewire::Logger {
 public:
  void log(tracewire::LogLevel, std::string_view) noexcept override {}
};
}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: exit_while_exporting provider,logger,propagator return|exit|shutdown\n";
    return 2;
  }
  std::stringstream order(argv[1]);
  for (std::string slot; std::getline(order, slot, ',');) {
    if (slot == "provider")
      (void)tracewire::global_provider();
    else if (slot == "logger")
      (void)tracewire::get_logger();
    else if (slot == "user-logger")
      tracewire::set_logger(std::make_shared<QuietLogger>());
    else if (slot == "propagator")
      (void)tracewire::global_propagator();
  }
  auto provider = tracewire::make_provider_from_environment();
  tracewire::set_global_provider(provider);
  static auto tracer = provider->tracer("exit-test");  // a static Tracer, destroyed at exit
  provider.reset();                                    // only the global slot holds it now
  for (int i = 0; i < 20000; ++i) tracer.start_span("span").end();
  auto open = tracer.start_span("still-open-at-exit");
  const std::string end = argv[2];
  if (end == "exit") std::exit(0);
  if (end == "shutdown") tracewire::global_provider()->shutdown(std::chrono::milliseconds(1500));
  return 0;
}
