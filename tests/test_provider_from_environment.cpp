#include <doctest/doctest.h>

#include <chrono>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "mocks/blocking_exporter.hpp"
#include "mocks/recording_logger.hpp"
#include "support/headers.hpp"
#include "tracewire/config/provider_from_environment.hpp"
#include "tracewire/export/in_memory_exporter.hpp"

using namespace tracewire;
using namespace std::chrono_literals;

namespace {
// Restores the default global propagator when a test ends.
struct GlobalPropagatorReset {
  ~GlobalPropagatorReset() { set_global_propagator(nullptr); }
};

// OTEL_TRACES_EXPORTER=test_memory (behind a batch processor, as every exporter but the
// console's) and =test_memory_simple: exporters registered the way an application adds its
// own, keeping what they export in `storage`. What the environment configures is then seen
// in what the provider does, not in a configuration struct.
class ForwardingExporter final : public SpanExporter {
 public:
  explicit ForwardingExporter(std::shared_ptr<InMemorySpanExporter> target) : target_(std::move(target)) {}
  ExportResult export_spans(ArrayView<const SpanData*> batch) noexcept override { return target_->export_spans(batch); }

 private:
  std::shared_ptr<InMemorySpanExporter> target_;  // outlives each provider: not shut down with one
};
// The built-in exporters plus the test's own names below.
ExporterRegistry& test_registry() {
  static ExporterRegistry registry = builtin_exporters();
  return registry;
}

struct MemoryExporters {
  std::shared_ptr<InMemorySpanExporter> exporter = std::make_shared<InMemorySpanExporter>();
  std::shared_ptr<InMemorySpanExporter::Storage> storage = exporter->storage();
  MemoryExporters() {
    auto factory = [exporter = exporter](const Environment&) -> std::unique_ptr<SpanExporter> {
      return std::make_unique<ForwardingExporter>(exporter);
    };
    test_registry().add("test_memory", factory);
    test_registry().add("test_memory_simple", factory, ExporterRegistry::Processing::simple);
  }
};

// OTEL_TRACES_EXPORTER=test_blocking: a BlockingExporter the test holds and releases.
std::shared_ptr<tracewire_test::BlockingExporter::State> register_blocking_exporter() {
  auto state = std::make_shared<tracewire_test::BlockingExporter::State>();
  test_registry().add("test_blocking", [state](const Environment&) {
    return std::make_unique<tracewire_test::BlockingExporter>(state);
  });
  return state;
}

// Starts `count` root spans as fast as possible; the sampled ones reach `storage`. Returns
// how many were sampled and how long the loop took.
struct Burst {
  std::size_t sampled = 0;
  double seconds = 0;
};
Burst roots(Tracer& tracer, const InMemorySpanExporter::Storage& storage, int count) {
  const std::size_t before = storage.size();
  const auto started = std::chrono::steady_clock::now();
  for (int i = 0; i < count; ++i) tracer.start_span("root", SpanStartOptions().as_root()).end();
  const std::chrono::duration<double> took = std::chrono::steady_clock::now() - started;
  return {storage.size() - before, took.count()};
}

// A token bucket of `rate` per second with a burst of one second's worth lets through at
// least the burst and at most the burst plus what refilled while the loop ran.
void check_rate_limited(const Burst& burst, double rate) {
  CAPTURE(burst.sampled);
  CAPTURE(burst.seconds);
  CHECK(static_cast<double>(burst.sampled) >= rate);
  CHECK(static_cast<double>(burst.sampled) <= rate + burst.seconds * rate + 1);
}
}  // namespace

TEST_SUITE("config") {
  TEST_CASE("make_provider_from_environment applies OTEL_PROPAGATORS to the global propagator") {
    GlobalPropagatorReset reset;
    const Context context(tracewire_test::span_context("4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7", true));

    make_provider_from_environment(
        {}, MapEnvironment{{"OTEL_TRACES_EXPORTER", "none"}, {"OTEL_PROPAGATORS", "b3multi,xray"}});
    tracewire_test::Headers headers = tracewire_test::inject(*global_propagator(), context);
    CHECK(tracewire_test::header(headers, "x-b3-traceid") == "4bf92f3577b34da6a3ce929d0e0e4736");
    CHECK(tracewire_test::header(headers, "x-amzn-trace-id") != "<absent>");
    CHECK(tracewire_test::header(headers, "traceparent") == "<absent>");

    // Unset: the specification's default, tracecontext and baggage.
    make_provider_from_environment({}, MapEnvironment{{"OTEL_TRACES_EXPORTER", "none"}});
    headers = tracewire_test::inject(*global_propagator(), context.with_baggage(Baggage().set("k", "v")));
    CHECK(tracewire_test::header(headers, "traceparent") == "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
    CHECK(tracewire_test::header(headers, "baggage") == "k=v");
    CHECK(headers.size() == 2);

    // A disabled SDK still passes its callers' context on.
    make_provider_from_environment({}, MapEnvironment{{"OTEL_SDK_DISABLED", "true"}, {"OTEL_PROPAGATORS", "jaeger"}});
    headers = tracewire_test::inject(*global_propagator(), context);
    CHECK(tracewire_test::header(headers, "uber-trace-id") == "4bf92f3577b34da6a3ce929d0e0e4736:00f067aa0ba902b7:0:1");

    make_provider_from_environment({}, MapEnvironment{{"OTEL_TRACES_EXPORTER", "none"}, {"OTEL_PROPAGATORS", "none"}});
    CHECK(tracewire_test::inject(*global_propagator(), context).empty());
  }

  TEST_CASE("make_exporter_pipelines: one processor per named exporter, the exporter reachable for its stats") {
    tracewire_test::CapturedLog log;
    detail::ReportedValues::instance().clear();  // an earlier test may have reported the same list
    const auto config = finalize_config({}, MapEnvironment{{"OTEL_TRACES_EXPORTER", "console,xray,nope,none"}});
    const auto pipelines =
        make_exporter_pipelines(config, MapEnvironment{{"AWS_XRAY_DAEMON_ADDRESS", "127.0.0.1:2999"}});
    REQUIRE(pipelines.size() == 2);
    CHECK(pipelines[0].name == "console");
    CHECK(dynamic_cast<SimpleSpanProcessor*>(pipelines[0].processor.get()) != nullptr);
    CHECK(pipelines[1].name == "xray");
    CHECK(dynamic_cast<BatchSpanProcessor*>(pipelines[1].processor.get()) != nullptr);
    CHECK(pipelines[1].exporter->describe() == "XRayUdpExporter{daemon=udp://127.0.0.1:2999, indexed_attributes=0}");
    CHECK(pipelines[1].processor->describe().find(pipelines[1].exporter->describe()) != std::string::npos);
    CHECK(pipelines[1].exporter->stats().spans_exported == 0);
    CHECK(log.contains("skipped 1 unknown or unavailable exporter(s): \"nope\""));
    CHECK(
        make_exporter_pipelines(finalize_config({}, MapEnvironment{{"OTEL_TRACES_EXPORTER", "none"}}), MapEnvironment{})
            .empty());
  }

  TEST_CASE("make_provider_from_environment applies OTEL_BSP_* to the batch processor it builds") {
    auto state = register_blocking_exporter();
    // A queue of 40 is rounded up to 64 slots; the schedule delay is an hour, so only a
    // full batch wakes the worker.
    const MapEnvironment environment{{"OTEL_TRACES_EXPORTER", "test_blocking"},
                                     {"OTEL_BSP_MAX_QUEUE_SIZE", "40"},
                                     {"OTEL_BSP_MAX_EXPORT_BATCH_SIZE", "8"},
                                     {"OTEL_BSP_SCHEDULE_DELAY", "3600000"},
                                     {"OTEL_BSP_EXPORT_TIMEOUT", "1234"}};
    auto provider = make_provider_from_environment({}, environment, test_registry());
    auto hold = state->hold_scoped();  // after the provider: released before it shuts down
    auto tracer = provider->tracer("bsp");
    CHECK(provider->describe().find("BatchSpanProcessor{max_queue=64, batch=8, delay=3600000ms, timeout=1234ms") !=
          std::string::npos);

    // A full batch of 8 wakes the worker, which takes it and blocks in the exporter ...
    for (int i = 0; i < 8; ++i) tracer.start_span("first").end();
    REQUIRE(state->wait_until_inside(10s));
    // ... with what is left of OTEL_BSP_EXPORT_TIMEOUT as its deadline (not the default 30 s).
    {
      std::lock_guard<std::mutex> lock(state->mutex);
      CHECK(state->last_time_left <= 1234ms);
      CHECK(state->last_time_left > 0ms);
    }
    // The queue then holds 64 spans: of 100 more, 36 are dropped and counted.
    for (int i = 0; i < 100; ++i) tracer.start_span("burst").end();
    ProcessorStats stats = provider->stats();
    CHECK(stats.received == 108);
    CHECK(stats.dropped_queue_full == 36);
    state->release();
    REQUIRE(provider->force_flush(10s));
    stats = provider->stats();
    CHECK(stats.exported == 72);
    CHECK(stats.dropped_queue_full == 36);
    std::lock_guard<std::mutex> lock(state->mutex);
    CHECK(state->exported == 72);
    CHECK(state->largest_batch == 8);  // OTEL_BSP_MAX_EXPORT_BATCH_SIZE
  }

  TEST_CASE("make_provider_from_environment: OTEL_BSP_SCHEDULE_DELAY exports a partial batch that soon") {
    MemoryExporters exporters;
    auto provider = make_provider_from_environment(
        {}, MapEnvironment{{"OTEL_TRACES_EXPORTER", "test_memory"}, {"OTEL_BSP_SCHEDULE_DELAY", "10"}},
        test_registry());
    provider->tracer("delay").start_span("alone").end();
    // Far less than the default 5000 ms: with the variable ignored the span would still wait.
    CHECK(exporters.storage->wait_for_count(1, 4s));
    // The exporter holds the span before the processor counts it: wait for that export to end.
    REQUIRE(provider->force_flush(10s));
    CHECK(provider->stats().exported == 1);
  }

  TEST_CASE("make_provider_from_environment applies every span limit variable to the spans it records") {
    MemoryExporters exporters;
    const SpanContext linked =
        tracewire_test::span_context("4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7", true);
    // Records one span with 6 attributes (one a 12-character string), 4 events of 3
    // attributes and 3 links of 4 attributes.
    const auto record = [&](const MapEnvironment& environment) {
      exporters.storage->clear();
      auto provider = make_provider_from_environment({}, environment, test_registry());
      {
        auto span = provider->tracer("limits").start_span("limited");
        span.set_attributes({{"a", 1}, {"b", 2}, {"c", 3}, {"d", 4}, {"e", 5}});
        span.set_attribute("text", "abcdefghijkl");
        for (int i = 0; i < 4; ++i) span.add_event("event", {{"x", 1}, {"y", 2}, {"z", 3}});
        for (int i = 0; i < 3; ++i) span.add_link(linked, {{"p", 1}, {"q", 2}, {"r", 3}, {"s", 4}});
      }
      provider->shutdown();
      auto spans = exporters.storage->snapshot();
      REQUIRE(spans.size() == 1);
      return spans[0];
    };
    MapEnvironment environment{{"OTEL_TRACES_EXPORTER", "test_memory_simple"}};

    SUBCASE("the generic attribute limits") {
      environment.set("OTEL_ATTRIBUTE_COUNT_LIMIT", "6");
      environment.set("OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT", "5");
      const SpanData span = record(environment);
      CHECK(span.attributes().size() == 6);
      CHECK(span.dropped_attributes_count() == 0);
      REQUIRE(span.attribute("text") != nullptr);
      CHECK(*span.attribute("text")->get_if<std::string_view>() == "abcde");
      // Unset limits keep the specification's 128.
      CHECK(span.events().size() == 4);
      CHECK(span.links().size() == 3);
      CHECK(span.events()[0].attributes.size() == 3);
      CHECK(span.links()[0].attributes.size() == 4);
    }
    SUBCASE("the span-specific attribute limits win over the generic ones") {
      environment.set("OTEL_ATTRIBUTE_COUNT_LIMIT", "6");
      environment.set("OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT", "3");
      environment.set("OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT", "5");
      environment.set("OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT", "2");
      environment.set("OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT", "4");
      const SpanData span = record(environment);
      CHECK(span.attributes().size() == 4);
      CHECK(span.dropped_attributes_count() == 2);
      environment.set("OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT", "6");
      const SpanData all = record(environment);
      REQUIRE(all.attribute("text") != nullptr);
      CHECK(*all.attribute("text")->get_if<std::string_view>() == "ab");
    }
    SUBCASE("events, links and their attributes") {
      environment.set("OTEL_SPAN_EVENT_COUNT_LIMIT", "2");
      environment.set("OTEL_SPAN_LINK_COUNT_LIMIT", "1");
      environment.set("OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT", "1");
      environment.set("OTEL_LINK_ATTRIBUTE_COUNT_LIMIT", "2");
      const SpanData span = record(environment);
      REQUIRE(span.events().size() == 2);
      CHECK(span.dropped_events_count() == 2);
      CHECK(span.events()[0].attributes.size() == 1);
      CHECK(span.events()[0].dropped_attributes_count == 2);
      REQUIRE(span.links().size() == 1);
      CHECK(span.dropped_links_count() == 2);
      CHECK(span.links()[0].attributes.size() == 2);
      CHECK(span.links()[0].dropped_attributes_count == 2);
      CHECK(span.attributes().size() == 6);  // untouched
    }
  }

  TEST_CASE(
      "make_provider_from_environment: ratelimiting samples at most OTEL_TRACES_SAMPLER_ARG new traces a second") {
    MemoryExporters exporters;
    SUBCASE("the default argument: 100 per second") {
      auto provider = make_provider_from_environment(
          {}, MapEnvironment{{"OTEL_TRACES_EXPORTER", "test_memory_simple"}, {"OTEL_TRACES_SAMPLER", "ratelimiting"}},
          test_registry());
      auto tracer = provider->tracer("rate");
      check_rate_limited(roots(tracer, *exporters.storage, 1000), 100);
    }
    SUBCASE("an explicit argument") {
      auto provider = make_provider_from_environment({},
                                                     MapEnvironment{{"OTEL_TRACES_EXPORTER", "test_memory_simple"},
                                                                    {"OTEL_TRACES_SAMPLER", "ratelimiting"},
                                                                    {"OTEL_TRACES_SAMPLER_ARG", "5"}},
                                                     test_registry());
      auto tracer = provider->tracer("rate");
      check_rate_limited(roots(tracer, *exporters.storage, 1000), 5);
    }
    SUBCASE("parentbased_ratelimiting: limits new traces, follows the parent's decision") {
      auto provider = make_provider_from_environment({},
                                                     MapEnvironment{{"OTEL_TRACES_EXPORTER", "test_memory_simple"},
                                                                    {"OTEL_TRACES_SAMPLER", "parentbased_ratelimiting"},
                                                                    {"OTEL_TRACES_SAMPLER_ARG", "2"}},
                                                     test_registry());
      auto tracer = provider->tracer("rate");
      check_rate_limited(roots(tracer, *exporters.storage, 1000), 2);
      // The bucket is empty now: children of a sampled caller are all sampled, children
      // of an unsampled one none.
      SpanContext sampled = tracewire_test::span_context("4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7", true);
      sampled.is_remote = true;
      SpanContext unsampled = sampled;
      unsampled.flags = TraceFlags(0);
      const std::size_t before = exporters.storage->size();
      for (int i = 0; i < 50; ++i) tracer.start_span("child", SpanStartOptions().with_parent(sampled)).end();
      for (int i = 0; i < 50; ++i) tracer.start_span("child", SpanStartOptions().with_parent(unsampled)).end();
      CHECK(exporters.storage->size() - before == 50);
    }
  }

  TEST_CASE("provider->shutdown() exports every span that ended, on any thread, through the batch processor") {
    MemoryExporters exporters;
    // An hour between scheduled exports and batches larger than all the spans: only the
    // shutdown can export them.
    auto provider = make_provider_from_environment({},
                                                   MapEnvironment{{"OTEL_TRACES_EXPORTER", "test_memory"},
                                                                  {"OTEL_BSP_SCHEDULE_DELAY", "3600000"},
                                                                  {"OTEL_BSP_MAX_QUEUE_SIZE", "4096"},
                                                                  {"OTEL_BSP_MAX_EXPORT_BATCH_SIZE", "4096"}},
                                                   test_registry());
    constexpr int threads = 4, per_thread = 500;
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t) {
      workers.emplace_back([&provider, t] {
        auto tracer = provider->tracer("worker");
        for (int i = 0; i < per_thread; ++i) {
          auto parent = tracer.start_span("thread-" + std::to_string(t));
          tracer.start_span("child").end();
        }
      });
    }
    for (std::thread& worker : workers) worker.join();
    CHECK(exporters.storage->size() == 0);
    CHECK(provider->shutdown());
    const auto spans = exporters.storage->snapshot();
    CHECK(spans.size() == 2 * threads * per_thread);
    std::set<std::string> names;
    for (const SpanData& span : spans) names.insert(std::string(span.name()));
    CHECK(names.size() == threads + 1);
    const ProcessorStats stats = provider->stats();
    CHECK(stats.received == 2 * threads * per_thread);
    CHECK(stats.exported == 2 * threads * per_thread);
    CHECK(stats.dropped_queue_full + stats.dropped_after_shutdown + stats.failed == 0);
  }
}
