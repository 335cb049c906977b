#include <doctest/doctest.h>

#include <thread>

#include "tracewire/export/in_memory_exporter.hpp"
#include "tracewire/trace/multi_span_processor.hpp"
#include "tracewire/trace/simple_span_processor.hpp"
#include "tracewire/trace/tracer_provider.hpp"
#include "tracewire/tracewire.hpp"

using namespace tracewire;

TEST_SUITE("trace") {
  TEST_CASE("a captured Context re-activated on another thread parents the spans started there") {
    auto exporter = std::make_unique<InMemorySpanExporter>();
    auto spans = exporter->storage();
    TracerProviderOptions options;
    options.processors.push_back(std::make_unique<SimpleSpanProcessor>(std::move(exporter)));
    TracerProvider provider(std::move(options));
    auto tracer = provider.tracer("context-test");

    SpanContext parent_context;
    {
      auto parent = tracer.start_span("parent");
      parent_context = parent.context();
      const Context captured = Context::current().with_baggage(Baggage().set("tenant", "acme"));
      std::thread worker([&] {
        CHECK_FALSE(Context::current().span_context().is_valid());  // nothing leaks across threads
        Scope scope(captured);
        CHECK(Context::current().baggage().get("tenant") == std::string_view("acme"));
        auto child = tracer.start_span("async-child");
        CHECK(Context::current().baggage().get("tenant") == std::string_view("acme"));  // kept under the child
      });
      worker.join();
    }
    auto exported = spans->snapshot();
    REQUIRE(exported.size() == 2);
    CHECK(exported[0].name() == "async-child");
    CHECK(exported[0].parent_span_id() == parent_context.span_id);
    CHECK_FALSE(exported[0].parent_is_remote());
  }

  TEST_CASE("MultiSpanProcessor fans each span out to every processor") {
    auto first = std::make_unique<InMemorySpanExporter>();
    auto second = std::make_unique<InMemorySpanExporter>();
    auto first_spans = first->storage();
    auto second_spans = second->storage();
    TracerProviderOptions options;
    options.processors.push_back(std::make_unique<SimpleSpanProcessor>(std::move(first)));
    options.processors.push_back(std::make_unique<SimpleSpanProcessor>(std::move(second)));
    TracerProvider provider(std::move(options));
    CHECK(provider.processor()->describe() ==
          "MultiSpanProcessor{SimpleSpanProcessor{InMemorySpanExporter}, SimpleSpanProcessor{InMemorySpanExporter}}");
    provider.tracer("t").start_span("fan-out").end();
    CHECK(first_spans->size() == 1);
    CHECK(second_spans->size() == 1);
    CHECK(provider.shutdown());
  }

  TEST_CASE("the global provider is a no-op until set, and can be reset") {
    CHECK_FALSE(global_provider()->tracer("x").start_span("before").is_recording());
    auto exporter = std::make_unique<InMemorySpanExporter>();
    auto spans = exporter->storage();
    TracerProviderOptions options;
    options.processors.push_back(std::make_unique<SimpleSpanProcessor>(std::move(exporter)));
    set_global_provider(std::make_shared<TracerProvider>(std::move(options)));
    {
      auto tracer = global_provider()->tracer("x");
      TRACEWIRE_FUNCTION_SPAN(tracer);
    }
    REQUIRE(spans->size() == 1);
    // Named after the enclosing function (doctest's generated name for this test case).
    CHECK(spans->snapshot()[0].name().rfind("DOCTEST_ANON_FUNC_", 0) == 0);
    set_global_provider(nullptr);
    CHECK_FALSE(global_provider()->tracer("x").start_span("after").is_recording());
  }

  TEST_CASE("span limits configured on the provider apply to every span") {
    auto exporter = std::make_unique<InMemorySpanExporter>();
    auto spans = exporter->storage();
    TracerProviderOptions options;
    options.limits.attribute_count = 1;
    options.limits.event_count = 0;
    options.processors.push_back(std::make_unique<SimpleSpanProcessor>(std::move(exporter)));
    TracerProvider provider(std::move(options));
    {
      auto span = provider.tracer("t").start_span("limited");
      span.set_attributes({{"a", 1}, {"b", 2}, {"c", 3}});
      span.add_event("dropped");
    }
    auto exported = spans->snapshot();
    REQUIRE(exported.size() == 1);
    CHECK(exported[0].attributes().size() == 1);
    CHECK(exported[0].dropped_attributes_count() == 2);
    CHECK(exported[0].dropped_events_count() == 1);
  }
}
