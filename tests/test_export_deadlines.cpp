// Deadlines hold whatever the receiver does: a collector that never answers, one that sends
// a response body that never ends, one that resets every connection. force_flush(t) and
// shutdown(t) return in time, the export in progress is cancelled, and every span is
// accounted for.
#include <doctest/doctest.h>

#include <chrono>
#include <memory>
#include <string>

#include "support/hostile_receiver.hpp"
#include "tracewire/export/otlp/otlp_http_exporter.hpp"
#include "tracewire/trace/batch_span_processor.hpp"
#include "tracewire/trace/tracer_provider.hpp"
#include "tracewire/transport/curl_http_client.hpp"

using namespace tracewire;
using tracewire_test::HostileReceiver;
using namespace std::chrono_literals;

namespace {

std::chrono::milliseconds since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
}

void check_deadlines_against(HostileReceiver::Behaviour behaviour) {
  HostileReceiver collector(behaviour);
  OtlpExporterConfig exporter_options;
  exporter_options.endpoint = collector.url();
  auto exporter = std::make_unique<OtlpHttpExporter>(finalize_config(exporter_options));  // 10 s timeout, retries
  const OtlpHttpExporter& otlp = *exporter;
  BatchSpanProcessorOptions batch;
  batch.max_export_batch_size = 50;
  TracerProviderOptions options;
  options.processors.push_back(std::make_unique<BatchSpanProcessor>(std::move(exporter), batch));
  TracerProvider provider(std::move(options));
  auto tracer = provider.tracer("deadlines");
  for (int i = 0; i < 500; ++i) tracer.start_span("span").end();

  auto start = std::chrono::steady_clock::now();
  CHECK_FALSE(provider.force_flush(300ms));
  CHECK(since(start) < 300ms + 2s);  // generous slack for a loaded machine; the bug took the exporter's 10 s

  start = std::chrono::steady_clock::now();
  CHECK_FALSE(provider.shutdown(500ms));  // not everything could be exported
  CHECK(since(start) < 500ms + 2s);       // it took 49.7 s with a hung collector
  const ProcessorStats stats = provider.stats();
  CHECK(stats.received == 500);
  CHECK(stats.queued == 0);  // the export in progress was cancelled, the rest counted as dropped
  CHECK(stats.exported == 0);
  CHECK(stats.failed + stats.dropped_after_shutdown == 500);
  CHECK(otlp.stats().spans_failed == stats.failed);
  CHECK(collector.connections() > 0);
}

}  // namespace

TEST_SUITE("export") {
  TEST_CASE("deadlines hold with a collector that accepts and never answers") {
    check_deadlines_against(HostileReceiver::Behaviour::hang);
  }
  TEST_CASE("deadlines hold with a collector whose response body never ends") {
    check_deadlines_against(HostileReceiver::Behaviour::endless_body);
  }
  TEST_CASE("deadlines hold with a collector that resets every connection") {
    check_deadlines_against(HostileReceiver::Behaviour::reset);
  }
}
