// Counts heap allocations on the application thread: a sampled span in steady state must
// allocate nothing. This file replaces the global operator new, so it is its own executable.
#include <doctest/doctest.h>

#include <atomic>
#include <cstdlib>
#include <new>
#include <string>
#include <thread>
#include <vector>

#include "tracewire/export/discarding_exporter.hpp"
#include "tracewire/propagation/trace_context_propagator.hpp"
#include "tracewire/trace/batch_span_processor.hpp"
#include "tracewire/trace/tracer_provider.hpp"

namespace {
thread_local bool counting = false;
thread_local std::size_t allocations = 0;
}  // namespace

void* operator new(std::size_t size) {
  if (counting) ++allocations;
  if (void* memory = std::malloc(size ? size : 1)) return memory;
  throw std::bad_alloc();
}
void operator delete(void* memory) noexcept { std::free(memory); }
void operator delete(void* memory, std::size_t) noexcept { std::free(memory); }

using namespace tracewire;

TEST_SUITE("trace") {
  TEST_CASE("sampled spans with attributes and an event allocate nothing in steady state") {
    auto exporter = std::make_unique<DiscardingExporter>();
    DiscardingExporter& sink = *exporter;
    TracerProviderOptions options;
    options.processors.push_back(std::make_unique<BatchSpanProcessor>(std::move(exporter)));
    TracerProvider provider(std::move(options));
    auto tracer = provider.tracer("alloc-test");
    const std::string long_value(64, 'v');

    const auto run_round = [&] {
      for (int i = 0; i < 256; ++i) {
        auto parent = tracer.start_span("request", SpanKind::server);
        parent.set_attribute("http.request.method", "GET");
        parent.set_attribute("http.response.status_code", 200);
        parent.set_attribute("ratio", 0.5);
        parent.set_attribute("long", long_value);
        for (int k = 0; k < 4; ++k) parent.set_attribute(std::string_view("k0k1k2k3").substr(2 * k, 2), k);
        parent.add_event("decoded", {{"happened", true}});
        auto child = tracer.start_span("child");
        child.set_attribute("db.system", "redis");
      }
      provider.force_flush();  // records return to the pool, as they do continuously in production
    };
    for (int warm = 0; warm < 4; ++warm) run_round();

    allocations = 0;
    counting = true;
    for (int round = 0; round < 8; ++round) run_round();
    counting = false;
    CHECK(allocations == 0);
    CHECK(sink.exported() == 12 * 256 * 2);
  }

  TEST_CASE("8 attributes with 64-byte strings and an event allocate nothing, on several threads") {
    auto exporter = std::make_unique<DiscardingExporter>();
    DiscardingExporter& sink = *exporter;
    TracerProviderOptions options;
    BatchSpanProcessorOptions batch;
    batch.max_queue_size = 8192;  // the whole round fits: nothing is dropped
    options.processors.push_back(std::make_unique<BatchSpanProcessor>(std::move(exporter), batch));
    TracerProvider provider(std::move(options));
    auto tracer = provider.tracer("alloc-test");
    const std::string value64(64, 'x');
    const std::string key64(64, 'k');
    constexpr int spans_per_round = 512;
    constexpr int threads = 2;

    std::atomic<std::size_t> allocations_seen{0};
    const auto fill = [&](Span& span, int i) {
      span.set_attribute("a.string", std::string_view(value64));
      span.set_attribute(std::string_view(key64), std::string_view(value64));
      span.set_attribute("b.string", std::string_view(value64.data(), 17));
      span.set_attribute("c.int", i);
      span.set_attribute("d.double", 0.25 * i);
      span.set_attribute("e.bool", (i & 1) == 0);
      span.set_attribute("f.string", "short");
      span.set_attribute("g.string", std::string_view(value64));
      span.add_event("retry", {{"attempt", i}, {"reason", std::string_view(value64)}});
      span.set_status(StatusCode::error, std::string_view(value64));
    };
    const auto worker = [&] {
      // Warm-up: a thread's pool grows to the most spans it ever had in flight at once, so
      // first hold a whole round open (what a stalled exporter would cause), then cycle.
      {
        std::vector<Span> open;
        for (int i = 0; i < spans_per_round; ++i) {
          open.push_back(tracer.start_span(std::string_view(value64), SpanStartOptions().not_current()));
          fill(open.back(), i);
        }
      }
      const auto round = [&] {
        for (int i = 0; i < spans_per_round; ++i) {
          auto span = tracer.start_span(std::string_view(value64), SpanKind::client);  // a 64-byte name
          fill(span, i);
        }
      };
      for (int warm = 0; warm < 3; ++warm) {
        round();
        provider.force_flush();  // records come back to this thread's pool
      }
      allocations = 0;
      counting = true;
      for (int measured = 0; measured < 8; ++measured) {
        round();
        counting = false;  // the flush itself may allocate on this thread; spans may not
        provider.force_flush();
        counting = true;
      }
      counting = false;
      allocations_seen += allocations;
    };
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t) workers.emplace_back(worker);
    for (auto& thread : workers) thread.join();
    CHECK(allocations_seen == 0);
    provider.force_flush();
    CHECK(sink.exported() == threads * 12 * spans_per_round);
  }

  TEST_CASE("unsampled spans allocate nothing at all") {
    TracerProviderOptions options;
    options.sampler = std::make_shared<AlwaysOffSampler>();
    TracerProvider provider(std::move(options));
    auto tracer = provider.tracer("alloc-test");
    allocations = 0;
    counting = true;
    for (int i = 0; i < 1000; ++i) {
      auto span = tracer.start_span("dropped");
      span.set_attribute("x", 1);
    }
    counting = false;
    CHECK(allocations == 0);
  }
}

TEST_SUITE("propagation") {
  TEST_CASE("W3C extract allocates only the tracestate's one block; inject into a reused carrier nothing") {
    const std::vector<std::pair<std::string, std::string>> incoming{
        {"host", "orders.internal"},
        {"traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"},
        {"tracestate", "congo=t61rcWkgMzE,rojo=00f067aa0ba902b7,vendor3=a-value-longer-than-sso"}};
    const TraceContextPropagator w3c;
    const ContainerGetter<decltype(incoming)> getter(incoming);

    allocations = 0;
    counting = true;
    Context extracted = w3c.extract(getter);
    counting = false;
    CHECK(allocations == 1);
    CHECK(extracted.span_context().trace_state.size() == 3);

    const std::vector<std::pair<std::string, std::string>> no_state(incoming.begin(), incoming.begin() + 2);
    allocations = 0;
    counting = true;
    const Context without_state = w3c.extract(ContainerGetter<decltype(no_state)>(no_state));
    counting = false;
    CHECK(allocations == 0);
    CHECK(without_state.span_context().is_valid());

    std::vector<std::pair<std::string, std::string>> outgoing;
    ContainerSetter<decltype(outgoing)> setter(outgoing);
    w3c.inject(extracted, setter);  // the request object's header entries now exist
    allocations = 0;
    counting = true;
    for (int i = 0; i < 100; ++i) w3c.inject(extracted, setter);
    counting = false;
    CHECK(allocations == 0);
    CHECK(outgoing.size() == 2);
  }
}
