// quickstart: a small program that produces one trace with nested spans.
//
// Run it as is to see the trace as a tree on the terminal, or point it at a backend with
// the usual variables, e.g.
//   OTEL_TRACES_EXPORTER=otlp OTEL_EXPORTER_OTLP_ENDPOINT=http://localhost:4318 ./quickstart
#include <chrono>
#include <stdexcept>
#include <thread>

#include <tracewire/tracewire.hpp>
#if defined(TRACEWIRE_EXAMPLE_WITH_CURL)
#include <tracewire/transport/curl_http_client.hpp>  // OTEL_TRACES_EXPORTER=otlp sends through libcurl
#endif

namespace {

tracewire::Tracer tracer;

void sleep_ms(int milliseconds) { std::this_thread::sleep_for(std::chrono::milliseconds(milliseconds)); }

void load_cart(int user_id) {
  auto span = tracer.start_span("load_cart");
  span.set_attribute("app.user_id", user_id);
  {
    auto query = tracer.start_span("SELECT cart", tracewire::SpanKind::client);
    query.set_attributes({{"db.system", "postgresql"}, {"db.operation.name", "SELECT"}});
    sleep_ms(30);
  }
  span.add_event("cart loaded", {{"app.items", 3}});
}

void charge_card(double amount) {
  auto span = tracer.start_span("charge_card", tracewire::SpanKind::client);
  span.set_attribute("app.amount", amount);
  sleep_ms(120);
  try {
    throw std::runtime_error("card declined");
  } catch (const std::exception& error) {
    span.record_exception(error);
    span.set_status(tracewire::StatusCode::error, error.what());
  }
}

}  // namespace

int main() {
  tracewire::TracerConfig config;
  config.default_service_name = "quickstart";  // OTEL_SERVICE_NAME still renames it
  // Unless OTEL_TRACES_EXPORTER names exporters: the trace on the terminal, as a tree.
  tracewire::ConsoleExporterOptions console;
  console.mode = tracewire::ConsoleMode::tree;
  config.default_processors.push_back(
      std::make_unique<tracewire::SimpleSpanProcessor>(std::make_unique<tracewire::ConsoleExporter>(console)));

  auto provider = tracewire::make_provider_from_environment(std::move(config));
  tracewire::set_global_provider(provider);
  tracer = provider->tracer("quickstart", tracewire::version_string);

  {
    auto request = tracer.start_span("checkout", tracewire::SpanKind::server);
    request.set_attributes({{"http.request.method", "POST"}, {"url.path", "/checkout"}});
    load_cart(42);
    charge_card(99.95);
    request.set_status(tracewire::StatusCode::error, "payment failed");
    request.set_attribute("http.response.status_code", 402);
  }

  provider->shutdown();  // exports everything that ended
  return 0;
}
