// LogSpanEvents: log lines become events of the span current where they were logged, added
// when that span ends, whichever thread logged them.
#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <thread>

#include "support/span_attributes.hpp"
#include "tracewire/export/in_memory_exporter.hpp"
#include "tracewire/instrumentation/log_span_events.hpp"
#include "tracewire/trace/sampler.hpp"
#include "tracewire/trace/simple_span_processor.hpp"
#include "tracewire/trace/tracer_provider.hpp"

using namespace tracewire;
using tracewire_test::int_attribute;
using tracewire_test::text_attribute;

namespace {

// A provider whose spans pass through LogSpanEvents' processor into memory.
struct LoggedProvider {
  std::shared_ptr<LogSpanEvents> events;
  std::shared_ptr<InMemorySpanExporter::Storage> spans;
  std::shared_ptr<TracerProvider> provider;
  Tracer tracer;

  explicit LoggedProvider(std::size_t capacity = 1024, std::shared_ptr<Sampler> sampler = nullptr)
      : events(std::make_shared<LogSpanEvents>(capacity)) {
    auto exporter = std::make_unique<InMemorySpanExporter>();
    spans = exporter->storage();
    TracerProviderOptions options;
    options.processors.push_back(events->wrap(std::make_unique<SimpleSpanProcessor>(std::move(exporter))));
    if (sampler) options.sampler = std::move(sampler);
    provider = std::make_shared<TracerProvider>(std::move(options));
    tracer = provider->tracer("log-span-events-test");
  }

  SpanData only(std::string_view name) const {
    const auto found = tracewire_test::spans_named(spans->snapshot(), name);
    REQUIRE(found.size() == 1);
    return found[0];
  }
};

std::string event_body(const SpanEvent& event) { return text_attribute(event.attributes, "log.body"); }

}  // namespace

TEST_SUITE("trace") {
  TEST_CASE("LogSpanEvents: a line logged under a span is an event of that span, with its severity") {
    LoggedProvider logged;
    {
      auto span = logged.tracer.start_span("charge");
      logged.events->record({17, "ERROR"}, "card declined", "payments");
      CHECK(logged.events->waiting() == 1);  // kept until the span ends
    }
    const SpanData span = logged.only("charge");
    REQUIRE(span.events().size() == 1);
    const SpanEvent& event = span.events()[0];
    CHECK(event.name == "log");
    CHECK(event_body(event) == "card declined");
    CHECK(text_attribute(event.attributes, "log.severity_text") == "ERROR");
    CHECK(int_attribute(event.attributes, "log.severity_number") == 17);
    CHECK(text_attribute(event.attributes, "log.logger") == "payments");
    CHECK(event.time_unix_nano >= span.start_time_unix_nano());
    CHECK(event.time_unix_nano <= span.end_time_unix_nano());
    CHECK(logged.events->waiting() == 0);
  }

  TEST_CASE("LogSpanEvents: lines go to the innermost current span, in order, not to its parent") {
    LoggedProvider logged;
    {
      auto outer = logged.tracer.start_span("outer");
      logged.events->record({13, "WARN"}, "first");
      {
        auto inner = logged.tracer.start_span("inner");
        logged.events->record({13, "WARN"}, "second");
        logged.events->record({13, "WARN"}, "third");
      }
      logged.events->record({13, "WARN"}, "fourth");
    }
    const SpanData outer = logged.only("outer");
    const SpanData inner = logged.only("inner");
    REQUIRE(outer.events().size() == 2);
    CHECK(event_body(outer.events()[0]) == "first");
    CHECK(event_body(outer.events()[1]) == "fourth");
    REQUIRE(inner.events().size() == 2);
    CHECK(event_body(inner.events()[0]) == "second");
    CHECK(event_body(inner.events()[1]) == "third");
  }

  TEST_CASE("LogSpanEvents: a line logged on another thread under Scope(span) reaches the span") {
    LoggedProvider logged;
    auto span = logged.tracer.start_span("request", SpanStartOptions().not_current());
    std::thread worker([&] {
      Scope scope(span);
      logged.events->record({13, "WARN"}, "slow backend");
    });
    worker.join();
    logged.events->record({13, "WARN"}, "not under the span");  // nothing is current here
    CHECK(logged.events->waiting() == 1);
    span.end();
    REQUIRE(logged.only("request").events().size() == 1);
    CHECK(event_body(logged.only("request").events()[0]) == "slow backend");
  }

  TEST_CASE("LogSpanEvents: nothing is kept without a sampled current span") {
    LoggedProvider logged(16, std::make_shared<AlwaysOffSampler>());
    logged.events->record({13, "WARN"}, "no span");
    {
      auto unsampled = logged.tracer.start_span("unsampled");
      logged.events->record({13, "WARN"}, "unsampled span");
    }
    CHECK(logged.events->waiting() == 0);
    CHECK(logged.events->dropped() == 0);
  }

  TEST_CASE("LogSpanEvents: bounded; the oldest lines make way and are counted") {
    LoggedProvider logged(3);
    {
      auto span = logged.tracer.start_span("chatty");
      for (int i = 0; i < 5; ++i) logged.events->record({13, "WARN"}, "line " + std::to_string(i));
      CHECK(logged.events->waiting() == 3);
      CHECK(logged.events->dropped() == 2);
    }
    const SpanData span = logged.only("chatty");
    REQUIRE(span.events().size() == 3);
    CHECK(event_body(span.events()[0]) == "line 2");
    CHECK(event_body(span.events()[2]) == "line 4");
  }

  TEST_CASE("LogSpanEvents: the span's event limit applies, and a span with nothing waiting is untouched") {
    LoggedProvider logged;
    {
      auto quiet = logged.tracer.start_span("quiet");
      quiet.add_event("own event");
    }
    CHECK(logged.only("quiet").events().size() == 1);
    CHECK(logged.provider->describe().find("LogSpanEvents{capacity=1024, SimpleSpanProcessor") != std::string::npos);
  }
}
