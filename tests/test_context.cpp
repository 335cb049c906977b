#include <doctest/doctest.h>

#include <deque>
#include <functional>
#include <memory>
#include <thread>
#include <vector>

#include "tracewire/export/in_memory_exporter.hpp"
#include "tracewire/trace/multi_span_processor.hpp"
#include "tracewire/trace/simple_span_processor.hpp"
#include "tracewire/trace/tracer_provider.hpp"
#include "tracewire/tracewire.hpp"

#include "mocks/recording_logger.hpp"

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

namespace {
/// A provider whose ended spans are kept in memory, with a tracer from it.
struct Recorded {
  std::shared_ptr<InMemorySpanExporter::Storage> spans;
  std::shared_ptr<TracerProvider> provider;
  Tracer tracer;
  mutable std::deque<std::vector<SpanData>> snapshots;
  Recorded() {
    auto exporter = std::make_unique<InMemorySpanExporter>();
    spans = exporter->storage();
    TracerProviderOptions options;
    options.processors.push_back(std::make_unique<SimpleSpanProcessor>(std::move(exporter)));
    provider = std::make_shared<TracerProvider>(std::move(options));
    tracer = provider->tracer("activation-test");
  }
  // Every snapshot is kept for the test's lifetime, so that a pointer from an earlier find
  // stays valid after the next one.
  const SpanData* find(std::string_view name) const {
    const std::vector<SpanData>& kept = snapshots.emplace_back(spans->snapshot());
    for (const SpanData& span : kept) {
      if (span.name() == name) return &span;
    }
    return nullptr;
  }
};
}  // namespace

TEST_SUITE("trace") {
  TEST_CASE("a current span moved into a handler stops being current: the next span on the thread is not its child") {
    Recorded r;
    const Context before = Context::current();
    std::vector<std::function<void()>> pending;
    for (const char* name : {"request A", "request B"}) {
      auto span = r.tracer.start_span(name);  // current here...
      CHECK(Context::current().span_context() == span.context());
      pending.push_back([span = std::make_shared<Span>(std::move(span))] { span->end(); });  // ...moved away
      CHECK(Context::current() == before);
    }
    for (auto& handler : pending) handler();
    CHECK(Context::current() == before);
    const SpanData* a = r.find("request A");
    const SpanData* b = r.find("request B");
    REQUIRE(a);
    REQUIRE(b);
    CHECK_FALSE(b->parent_span_id().is_valid());
    CHECK(b->trace_id() != a->trace_id());
  }

  TEST_CASE("Scope(span) makes a moved span current again, with the baggage it was started with") {
    Recorded r;
    Span moved;
    SpanContext server_context;
    {
      Scope request{Context(SpanContext{}, Baggage().set("tenant", "acme"))};
      auto server = r.tracer.start_span("server");
      server_context = server.context();
      moved = std::move(server);
    }
    CHECK_FALSE(Context::current().span_context().is_valid());
    CHECK(Context::current().baggage().empty());
    std::thread([&] {
      Scope scope(moved);
      CHECK(Context::current().span_context() == server_context);
      CHECK(Context::current().baggage().get("tenant") == std::string_view("acme"));
      auto child = r.tracer.start_span("child");
    }).join();
    moved.end();
    const SpanData* child = r.find("child");
    REQUIRE(child);
    CHECK(child->parent_span_id() == server_context.span_id);
  }

  TEST_CASE("spans ended out of order leave the thread as it was before the first one") {
    Recorded r;
    const Context before = Context::current();
    auto a = r.tracer.start_span("a");
    auto b = r.tracer.start_span("b");
    a.end();
    CHECK(Context::current().span_context() == b.context());  // b is still alive and current
    b.end();
    CHECK(Context::current() == before);  // not the ended `a`
    auto c = r.tracer.start_span("c");
    CHECK(r.find("c") == nullptr);
    c.end();
    REQUIRE(r.find("c"));
    CHECK_FALSE(r.find("c")->parent_span_id().is_valid());
  }

  TEST_CASE("a span ended on another thread through a reference stays current only until it is destroyed") {
    Recorded r;
    tracewire_test::CapturedLog log;
    const Context before = Context::current();
    SpanContext ended_elsewhere;
    {
      auto span = r.tracer.start_span("ended-elsewhere");
      ended_elsewhere = span.context();
      std::thread([&] { span.end(); }).join();
      CHECK(r.find("ended-elsewhere") != nullptr);  // its record was exported
    }
    CHECK(Context::current() == before);
    auto next = r.tracer.start_span("next");
    CHECK(next.context().trace_id != ended_elsewhere.trace_id);
    CHECK(log.text().find("another thread") != std::string::npos);
  }

  TEST_CASE("a span moved to another thread and ended there leaves the first thread as it was") {
    Recorded r;
    const Context before = Context::current();
    auto span = r.tracer.start_span("moved-to-thread");
    const SpanContext moved_context = span.context();
    std::thread worker([span = std::move(span)]() mutable { span.end(); });
    CHECK(Context::current() == before);
    auto next = r.tracer.start_span("next");
    CHECK(next.context().trace_id != moved_context.trace_id);
    worker.join();
  }

  TEST_CASE("the end of a Scope is a boundary: whatever a handler left current is discarded with it") {
    Recorded r;
    const Context before = Context::current();
    Span* leaked = nullptr;
    {
      Scope handler_scope{Context()};
      leaked = new Span(r.tracer.start_span("leaked"));  // current, never ended in the handler
      CHECK(Context::current().span_context() == leaked->context());
    }
    CHECK(Context::current() == before);
    auto next = r.tracer.start_span("next");
    CHECK(next.context().trace_id != leaked->context().trace_id);
    next.end();
    delete leaked;  // ends it; must not disturb the thread's context
    CHECK(Context::current() == before);
  }

  TEST_CASE("a not-current span keeps the baggage it was started with; to_context gives span and baggage") {
    Recorded r;
    Scope scope{Context(SpanContext{}, Baggage().set("k", "v"))};
    auto span = r.tracer.start_span("client", SpanStartOptions().not_current());
    CHECK_FALSE(Context::current().span_context().is_valid());
    const Context context = span.to_context();
    CHECK(context.span_context() == span.context());
    CHECK(context.baggage().get("k") == std::string_view("v"));
  }
}
