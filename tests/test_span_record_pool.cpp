// Per-thread span record pools: records come back after export, survive their thread, and
// are reused without growing the pool.
#include <doctest/doctest.h>

#include <string>
#include <thread>

#include "support/resident_memory.hpp"
#include "tracewire/export/discarding_exporter.hpp"
#include "tracewire/export/in_memory_exporter.hpp"
#include "tracewire/trace/batch_span_processor.hpp"
#include "tracewire/trace/detail/span_record_pool.hpp"
#include "tracewire/trace/tracer_provider.hpp"

using namespace tracewire;

namespace {
struct BatchFixture {
  std::shared_ptr<InMemorySpanExporter::Storage> spans;
  std::shared_ptr<TracerProvider> provider;
  Tracer tracer;

  BatchFixture() {
    auto exporter = std::make_unique<InMemorySpanExporter>();
    spans = exporter->storage();
    TracerProviderOptions options;
    // Exports happen only on force_flush here (batch and delay far away), so the test
    // decides when records travel back to their pool.
    BatchSpanProcessorOptions batch;
    batch.max_queue_size = 4096;
    batch.max_export_batch_size = 4096;
    batch.schedule_delay = std::chrono::milliseconds(60000);
    options.processors.push_back(std::make_unique<BatchSpanProcessor>(std::move(exporter), batch));
    provider = std::make_shared<TracerProvider>(std::move(options));
    tracer = provider->tracer("pool-test");
  }
};
}  // namespace

TEST_SUITE("trace") {
  TEST_CASE("spans a thread ended before exiting are exported intact after it has exited") {
    BatchFixture f;
    for (int thread = 0; thread < 2; ++thread) {
      std::thread([&] {
        for (int i = 0; i < 300; ++i) {
          auto span = f.tracer.start_span("work-" + std::to_string(i));
          span.set_attribute("index", i);
          span.add_event("step", {{"text", std::string(40, static_cast<char>('a' + i % 26))}});
        }
      }).join();
      // The thread and its pool's owner are gone; its records are still queued.
      REQUIRE(f.provider->force_flush());
    }
    const auto spans = f.spans->snapshot();
    REQUIRE(spans.size() == 600);
    for (std::size_t n = 0; n < spans.size(); ++n) {
      const int i = static_cast<int>(n % 300);
      CHECK(spans[n].name() == "work-" + std::to_string(i));
      CHECK(*spans[n].attribute("index")->get_if<std::int64_t>() == i);
      REQUIRE(spans[n].events().size() == 1);
      CHECK(*spans[n].events()[0].attributes[0].value.get_if<std::string_view>() ==
            std::string(40, static_cast<char>('a' + i % 26)));
    }
  }

  TEST_CASE("a thread reuses its records once they are exported instead of making new ones") {
    BatchFixture f;
    const auto round = [&] {
      for (int i = 0; i < 200; ++i) {
        auto span = f.tracer.start_span("request");
        span.set_attribute("index", i);
      }
      REQUIRE(f.provider->force_flush());
    };
    auto& pool = detail::SpanRecordPool::for_this_thread();
    round();
    const std::size_t after_first_round = pool.records();
    CHECK(after_first_round >= 200);  // this thread's 200 spans were in flight at once
    for (int i = 0; i < 5; ++i) round();
    CHECK(pool.records() == after_first_round);
    CHECK(f.spans->size() == 6 * 200);
  }
}

TEST_SUITE("trace") {
  TEST_CASE("a burst of huge spans leaves no memory pinned in the pooled records once exported") {
    tracewire::TracerProviderOptions options;
    tracewire::BatchSpanProcessorOptions batch;
    batch.max_queue_size = 4096;
    options.processors.push_back(
        std::make_unique<tracewire::BatchSpanProcessor>(std::make_unique<tracewire::DiscardingExporter>(), batch));
    auto provider = std::make_shared<tracewire::TracerProvider>(std::move(options));
    auto tracer = provider->tracer("burst");
    const std::string huge(256 * 1024, 'h');
    for (int i = 0; i < 64; ++i) tracer.start_span("warm-up").end();
    REQUIRE(provider->force_flush(std::chrono::seconds(30)));
    const std::size_t before = tracewire_test::resident_bytes();
    std::thread producer([&] {
      for (int i = 0; i < 2000; ++i) tracer.start_span(huge).end();  // 500 MB of names in all
    });
    producer.join();
    REQUIRE(provider->force_flush(std::chrono::seconds(60)));
    const std::size_t after = tracewire_test::resident_bytes();
    CHECK(provider->stats().exported + provider->stats().dropped_queue_full == 2064);
    if (tracewire_test::resident_memory_is_meaningful)
      CHECK(after < before + 64u * 1024 * 1024);  // it was 200 MB and more: every record kept its largest block
  }
}
