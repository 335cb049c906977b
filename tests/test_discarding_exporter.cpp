// DiscardingExporter: counts exactly what a processor exports, readable from any thread; after
// shutdown it refuses batches.
#include <doctest/doctest.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <thread>
#include <vector>

#include "tracewire/export/discarding_exporter.hpp"
#include "tracewire/trace/batch_span_processor.hpp"
#include "tracewire/trace/tracer_provider.hpp"

using namespace tracewire;

TEST_SUITE("export") {
  TEST_CASE("DiscardingExporter counts every span a BatchSpanProcessor exports, visible after force_flush") {
    auto exporter = std::make_unique<DiscardingExporter>();
    const DiscardingExporter& sink = *exporter;
    BatchSpanProcessorOptions batch;
    batch.max_queue_size = 4096;  // the whole test fits: nothing is dropped
    batch.max_export_batch_size = 64;
    TracerProviderOptions options;
    options.processors.push_back(std::make_unique<BatchSpanProcessor>(std::move(exporter), batch));
    TracerProvider provider(std::move(options));
    auto tracer = provider.tracer("discarding");

    CHECK(sink.exported() == 0);
    for (int i = 0; i < 1000; ++i) tracer.start_span("span").end();
    REQUIRE(provider.force_flush());
    CHECK(sink.exported() == 1000);
    CHECK(sink.stats().spans_exported == 1000);
    CHECK(sink.stats().spans_failed == 0);
    CHECK(provider.stats().exported == 1000);

    // Read from another thread while spans are exported: the count only grows, and the
    // processor's flush makes the final count visible there too.
    std::atomic<bool> done{false};
    std::uint64_t last_seen = 0;
    bool never_decreased = true;
    std::thread reader([&] {
      while (!done.load()) {
        const std::uint64_t now = sink.exported();
        never_decreased = never_decreased && now >= last_seen;
        last_seen = now;
        std::this_thread::yield();
      }
      last_seen = sink.exported();
    });
    for (int i = 0; i < 3000; ++i) tracer.start_span("span").end();
    REQUIRE(provider.force_flush());
    done = true;
    reader.join();
    CHECK(never_decreased);
    CHECK(last_seen == 4000);
    CHECK(provider.stats().dropped_queue_full == 0);
  }

  TEST_CASE("DiscardingExporter refuses batches after shutdown, and does not count them") {
    DiscardingExporter exporter;
    CHECK(exporter.describe() == "DiscardingExporter");
    SpanData first;
    SpanData second;
    const SpanData* records[] = {&first, &second};
    const ArrayView<const SpanData*> batch(records, 2);
    CHECK(exporter.export_spans(batch) == ExportResult::success);
    CHECK(exporter.exported() == 2);
    CHECK(exporter.shutdown(std::chrono::milliseconds(0)));
    CHECK(exporter.export_spans(batch) == ExportResult::failure);
    CHECK(exporter.exported() == 2);
    CHECK(exporter.shutdown(std::chrono::milliseconds(0)));  // safe twice
  }
}
