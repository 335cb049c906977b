#include <doctest/doctest.h>

#include <chrono>
#include <thread>
#include <vector>

#include "mocks/blocking_exporter.hpp"
#include "tracewire/export/in_memory_exporter.hpp"
#include "tracewire/trace/batch_span_processor.hpp"
#include "tracewire/trace/tracer_provider.hpp"

using namespace tracewire;
using tracewire_test::BlockingExporter;
using namespace std::chrono_literals;

namespace {
std::shared_ptr<TracerProvider> provider_with(std::unique_ptr<SpanProcessor> processor) {
  TracerProviderOptions options;
  options.processors.push_back(std::move(processor));
  return std::make_shared<TracerProvider>(std::move(options));
}
}  // namespace

TEST_SUITE("trace") {
  TEST_CASE("a slow exporter never blocks the application: the queue fills, drops are counted exactly") {
    auto state = std::make_shared<BlockingExporter::State>();
    state->hold();
    BatchSpanProcessorOptions options;
    options.max_queue_size = 64;
    options.max_export_batch_size = 16;
    options.schedule_delay = 10ms;
    auto processor = std::make_unique<BatchSpanProcessor>(std::make_unique<BlockingExporter>(state), options);
    BatchSpanProcessor& batch = *processor;
    auto provider = provider_with(std::move(processor));
    auto tracer = provider->tracer("test");

    // The first batch goes to the exporter and blocks there.
    for (int i = 0; i < 16; ++i) tracer.start_span("first").end();
    REQUIRE(state->wait_until_inside(10s));

    const auto started = std::chrono::steady_clock::now();
    constexpr int produced = 10000;
    for (int i = 0; i < produced; ++i) tracer.start_span("burst").end();
    const auto elapsed = std::chrono::steady_clock::now() - started;
    CHECK(elapsed < 5s);  // generous: the point is that it did not wait for the exporter

    auto stats = batch.stats();
    CHECK(stats.dropped_queue_full >= produced - 64);
    state->release();
    REQUIRE(provider->force_flush(10s));
    stats = batch.stats();
    CHECK(stats.received == 16 + produced);
    CHECK(stats.exported + stats.dropped_queue_full == 16 + produced);
    CHECK(state->exported == stats.exported);
    CHECK(state->largest_batch <= 16);
  }

  TEST_CASE("a full batch wakes the worker before the schedule delay") {
    auto exporter = std::make_unique<InMemorySpanExporter>();
    auto spans = exporter->storage();
    BatchSpanProcessorOptions options;
    options.max_export_batch_size = 8;
    options.schedule_delay = std::chrono::hours(1);
    auto provider = provider_with(std::make_unique<BatchSpanProcessor>(std::move(exporter), options));
    auto tracer = provider->tracer("test");
    for (int i = 0; i < 64; ++i) tracer.start_span("span").end();
    CHECK(spans->wait_for_count(8, 10s));
  }

  TEST_CASE("the schedule delay exports a partial batch") {
    auto exporter = std::make_unique<InMemorySpanExporter>();
    auto spans = exporter->storage();
    BatchSpanProcessorOptions options;
    options.schedule_delay = 20ms;
    auto provider = provider_with(std::make_unique<BatchSpanProcessor>(std::move(exporter), options));
    provider->tracer("test").start_span("lonely").end();
    CHECK(spans->wait_for_count(1, 10s));
  }

  TEST_CASE("shutdown exports every span that ended before it; later spans are dropped and counted") {
    auto exporter = std::make_unique<InMemorySpanExporter>();
    auto spans = exporter->storage();
    BatchSpanProcessorOptions options;
    options.schedule_delay = std::chrono::hours(1);
    auto processor = std::make_unique<BatchSpanProcessor>(std::move(exporter), options);
    BatchSpanProcessor& batch = *processor;
    std::vector<std::thread> threads;
    auto provider = provider_with(std::move(processor));
    auto tracer = provider->tracer("test");
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([&] {
        for (int i = 0; i < 250; ++i) tracer.start_span("before-shutdown").end();
      });
    }
    for (auto& thread : threads) thread.join();
    CHECK(batch.shutdown(10s));
    CHECK(spans->size() == 1000);
    SpanDataPtr late = SpanDataPtr::make();
    late->set_context(SpanContext{TraceId::from_halves(1, 1), SpanId::from_u64(1), TraceFlags(1), {}, false});
    batch.on_end(late);
    CHECK(batch.stats().dropped_after_shutdown == 1);
    CHECK(batch.shutdown(1s));  // twice is fine
  }

  TEST_CASE("failed exports are counted as failed, not exported") {
    auto state = std::make_shared<BlockingExporter::State>();
    state->fail = true;
    auto processor = std::make_unique<BatchSpanProcessor>(std::make_unique<BlockingExporter>(state));
    BatchSpanProcessor& batch = *processor;
    auto provider = provider_with(std::move(processor));
    for (int i = 0; i < 10; ++i) provider->tracer("t").start_span("s").end();
    REQUIRE(provider->force_flush(10s));
    CHECK(batch.stats().failed == 10);
    CHECK(batch.stats().exported == 0);
    CHECK(batch.describe().find("BatchSpanProcessor{max_queue=2048, batch=512, delay=5000ms") == 0);
  }
}
