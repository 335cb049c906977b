#include <doctest/doctest.h>

#include <atomic>
#include <cmath>
#include <limits>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "tracewire/export/in_memory_exporter.hpp"
#include "tracewire/trace/simple_span_processor.hpp"
#include "tracewire/trace/tracer_provider.hpp"

using namespace tracewire;

namespace {
struct Fixture {
  std::shared_ptr<InMemorySpanExporter::Storage> spans;
  std::shared_ptr<TracerProvider> provider;
  Tracer tracer;

  explicit Fixture(std::shared_ptr<Sampler> sampler = nullptr, SpanLimits limits = {}) {
    auto exporter = std::make_unique<InMemorySpanExporter>();
    spans = exporter->storage();
    TracerProviderOptions options;
    options.resource = Resource({{"service.name", "test-service"}});
    options.sampler = std::move(sampler);
    options.limits = limits;
    options.processors.push_back(std::make_unique<SimpleSpanProcessor>(std::move(exporter)));
    provider = std::make_shared<TracerProvider>(std::move(options));
    tracer = provider->tracer("test-scope", "1.0");
  }
};
}  // namespace

TEST_SUITE("trace") {
  TEST_CASE("nested spans: current span, parent links, restore on end") {
    Fixture f;
    SpanContext root_context;
    {
      auto root = f.tracer.start_span("root", SpanKind::server);
      root_context = root.context();
      CHECK(root.is_recording());
      CHECK(Context::current().span_context() == root.context());
      {
        auto child = f.tracer.start_span("child");
        CHECK(child.context().trace_id == root.context().trace_id);
        CHECK(Context::current().span_context().span_id == child.context().span_id);
        auto grandchild = f.tracer.start_span("grandchild");
        grandchild.end();
        CHECK(Context::current().span_context().span_id == child.context().span_id);
      }
      CHECK(Context::current().span_context().span_id == root.context().span_id);
    }
    CHECK_FALSE(Context::current().span_context().is_valid());
    auto spans = f.spans->snapshot();
    REQUIRE(spans.size() == 3);
    CHECK(spans[0].name() == "grandchild");
    CHECK(spans[1].name() == "child");
    CHECK(spans[2].name() == "root");
    CHECK(spans[0].parent_span_id() == spans[1].span_id());
    CHECK(spans[1].parent_span_id() == spans[2].span_id());
    CHECK_FALSE(spans[2].parent_span_id().is_valid());
    CHECK(spans[2].kind() == SpanKind::server);
    CHECK(spans[2].scope().name == "test-scope");
    CHECK(spans[2].scope().version == "1.0");
    CHECK(spans[2].resource().service_name() == "test-service");
    CHECK(spans[2].resource().attributes().get("telemetry.sdk.name") != nullptr);
    CHECK(spans[2].end_time_unix_nano() >= spans[2].start_time_unix_nano());
    CHECK(spans[2].context().sampled());
    CHECK(spans[2].context().flags.random());
  }

  TEST_CASE("start options: explicit parent, root, not current, start time, attributes, links") {
    Fixture f;
    SpanContext remote{*TraceId::from_hex("4bf92f3577b34da6a3ce929d0e0e4736"), *SpanId::from_hex("00f067aa0ba902b7"),
                       TraceFlags(1), TraceState::parse("vendor=x"), true};
    auto outer = f.tracer.start_span("outer");
    const auto start = std::chrono::system_clock::time_point(std::chrono::seconds(1700000000));
    SpanLink links[] = {{remote, {}, 0}};
    {
      auto server = f.tracer.start_span("server", SpanStartOptions()
                                                      .with_kind(SpanKind::server)
                                                      .with_parent(Context(remote))
                                                      .with_start_time(start)
                                                      .with_attributes({{"a", 1}, {"b", "two"}})
                                                      .with_links(links)
                                                      .not_current());
      CHECK(Context::current().span_context().span_id == outer.context().span_id);
      CHECK(server.context().trace_id == remote.trace_id);
      CHECK(server.context().trace_state.get("vendor") == std::string_view("x"));
      auto fresh = f.tracer.start_span("fresh", SpanStartOptions().as_root().not_current());
      CHECK(fresh.context().trace_id != outer.context().trace_id);
    }
    outer.end();
    auto spans = f.spans->snapshot();
    REQUIRE(spans.size() == 3);
    CHECK(spans[0].name() == "fresh");  // destroyed first
    const SpanData& server = spans[1];
    CHECK(server.parent_span_id() == remote.span_id);
    CHECK(server.parent_is_remote());
    CHECK(server.start_time_unix_nano() == 1700000000ULL * 1000000000ULL);
    CHECK(server.attributes().size() == 2);
    REQUIRE(server.links().size() == 1);
    CHECK(server.links()[0].context.span_id == remote.span_id);
  }

  TEST_CASE("span methods: events, status rules, exceptions, update_name, end twice, moved-from") {
    Fixture f;
    {
      auto span = f.tracer.start_span("original");
      span.set_attribute("int", 7);
      span.set_attribute("strings", std::vector<std::string>{"a", "b"});
      span.set_attributes({{"double", 1.5}, {"bool", true}});
      span.add_event("Request decoded!", {{"happened", true}});
      span.record_exception(std::runtime_error("boom"));
      span.set_status(StatusCode::error, "failed");
      span.set_status(StatusCode::unset);
      span.update_name("renamed");
      Span moved = std::move(span);
      span.set_attribute("ignored", 1);  // moved-from: no effect, no crash
      span.end();
      CHECK_FALSE(span.is_recording());
      moved.end();
      moved.end();  // twice: no-op
      moved.set_attribute("after-end", 1);
    }
    auto spans = f.spans->snapshot();
    REQUIRE(spans.size() == 1);
    const SpanData& span = spans[0];
    CHECK(span.name() == "renamed");
    CHECK(span.attributes().size() == 4);
    CHECK(span.attribute("after-end") == nullptr);
    REQUIRE(span.events().size() == 2);
    CHECK(span.events()[0].name == "Request decoded!");
    CHECK(span.events()[1].name == "exception");
    CHECK(*span.events()[1].attributes[0].value.get_if<std::string_view>() == "std::runtime_error");
    CHECK(span.status_code() == StatusCode::error);
    CHECK(span.status_message() == "failed");
  }

  TEST_CASE("unsampled spans record nothing but propagate a not-sampled context") {
    Fixture f(std::make_shared<AlwaysOffSampler>());
    {
      auto span = f.tracer.start_span("dropped");
      CHECK_FALSE(span.is_recording());
      CHECK(span.context().is_valid());
      CHECK_FALSE(span.context().sampled());
      CHECK(Context::current().span_context() == span.context());  // current, for children and logs
      span.set_attribute("x", 1);
      auto child = f.tracer.start_span("child");
      CHECK(child.context().trace_id == span.context().trace_id);
      auto other_root = f.tracer.start_span("other", SpanStartOptions().as_root());
      CHECK(other_root.context().trace_id != span.context().trace_id);
      CHECK(Context::current().span_context() == other_root.context());
    }
    CHECK_FALSE(Context::current().span_context().is_valid());
    CHECK(f.spans->size() == 0);
  }

  TEST_CASE("parent-based default follows a remote parent's sampled flag") {
    Fixture f;
    SpanContext unsampled{TraceId::from_halves(1, 2), SpanId::from_u64(3), TraceFlags(0), {}, true};
    auto span = f.tracer.start_span("child-of-unsampled", SpanStartOptions().with_parent(Context(unsampled)));
    CHECK_FALSE(span.is_recording());
    CHECK(span.context().trace_id == unsampled.trace_id);
  }

  TEST_CASE("a child of the current unsampled span gets its own span id and is current while it lives") {
    // W3C Trace Context (suite test propagates_random_flag): a downstream call made inside
    // the child must name the child as its parent, sampled or not.
    Fixture f;  // parent-based: an unsampled parent means an unsampled child
    const SpanContext remote{
        TraceId::from_halves(1, 2), SpanId::from_u64(3), TraceFlags(TraceFlags::random_bit), {}, true};
    Scope scope{Context(remote)};
    {
      auto child = f.tracer.start_span("child");
      CHECK_FALSE(child.is_recording());
      CHECK(child.context().trace_id == remote.trace_id);
      CHECK(child.context().span_id.is_valid());
      CHECK(child.context().span_id != remote.span_id);
      CHECK(child.context().flags == remote.flags);  // still not sampled, random flag kept
      CHECK_FALSE(child.context().is_remote);
      CHECK(Context::current().span_context() == child.context());
      auto grandchild = f.tracer.start_span("grandchild");
      CHECK(grandchild.context().trace_id == remote.trace_id);
      CHECK(grandchild.context().span_id != child.context().span_id);
      auto explicit_child =
          f.tracer.start_span("explicit", SpanStartOptions().with_parent(Context(remote)).not_current());
      CHECK(explicit_child.context().span_id != remote.span_id);
      CHECK(Context::current().span_context() == grandchild.context());
    }
    CHECK(Context::current().span_context() == remote);
    CHECK(f.spans->size() == 0);
  }

  TEST_CASE("a span made current over an explicit parent brings its baggage, and end restores the previous one") {
    Fixture f;
    Scope outer_scope{Context(SpanContext{}, Baggage().set("tenant", "outer"))};
    const SpanContext remote{
        TraceId::from_halves(7, 8), SpanId::from_u64(9), TraceFlags(TraceFlags::sampled_bit), {}, true};
    {
      auto server = f.tracer.start_span(
          "server", SpanStartOptions().with_parent(Context(remote, Baggage().set("tenant", "inner"))));
      CHECK(Context::current().span_context().span_id == server.context().span_id);
      CHECK(Context::current().baggage().get("tenant") == std::string_view("inner"));
      auto child = f.tracer.start_span("child");  // a child of the current span keeps its baggage
      CHECK(Context::current().baggage().get("tenant") == std::string_view("inner"));
      CHECK(child.context().trace_id == remote.trace_id);
    }
    CHECK_FALSE(Context::current().span_context().is_valid());
    CHECK(Context::current().baggage().get("tenant") == std::string_view("outer"));
    CHECK(f.spans->size() == 2);
  }

  TEST_CASE("root span ids are non-zero and distinct on every thread") {
    Fixture f;
    std::vector<SpanContext> contexts(4 * 1000);
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([&, t] {
        for (int i = 0; i < 1000; ++i) {
          auto span = f.tracer.start_span("root", SpanStartOptions().as_root().not_current());
          contexts[static_cast<std::size_t>(t * 1000 + i)] = span.context();
        }
      });
    }
    for (auto& thread : threads) thread.join();
    std::set<std::string> trace_ids;
    std::set<std::string> span_ids;
    for (const SpanContext& context : contexts) {
      CHECK(context.is_valid());
      trace_ids.insert(context.trace_id.to_hex());
      span_ids.insert(context.span_id.to_hex());
    }
    CHECK(trace_ids.size() == contexts.size());  // threads are seeded apart: no shared sequence
    CHECK(span_ids.size() == contexts.size());
  }

  TEST_CASE("no-op provider keeps the parent's context; spans after shutdown record nothing") {
    auto tracer = TracerProvider::noop()->tracer("x");
    SpanContext remote{TraceId::from_halves(1, 2), SpanId::from_u64(3), TraceFlags(1), {}, true};
    {
      Scope scope{Context(remote)};
      auto span = tracer.start_span("noop");
      CHECK_FALSE(span.is_recording());
      CHECK(span.context() == remote);
    }
    Fixture f;
    f.provider->shutdown();
    CHECK(f.provider->shutdown());  // twice is fine
    auto late = f.tracer.start_span("late");
    CHECK_FALSE(late.is_recording());
    late.end();
    CHECK(f.spans->size() == 0);
    CHECK(Tracer().start_span("default-handle").context().is_valid() == false);
  }

  TEST_CASE("hostile input: empty and huge names and keys, NaN, invalid UTF-8") {
    Fixture f;
    {
      auto span = f.tracer.start_span("");
      span.set_attribute("", 1);
      span.set_attribute(std::string(1 << 16, 'k'), std::string(1 << 20, 'v'));
      span.set_attribute("nan", std::nan(""));
      span.set_attribute("inf", -std::numeric_limits<double>::infinity());
      span.set_attribute("utf8", std::string_view("ok\xff\xfe", 4));
      span.update_name(std::string(1 << 20, 'n'));
    }
    auto spans = f.spans->snapshot();
    REQUIRE(spans.size() == 1);
    CHECK(*spans[0].attribute("utf8")->get_if<std::string_view>() == "ok\xEF\xBF\xBD\xEF\xBF\xBD");
    CHECK(spans[0].attributes().size() == 4);
  }

  TEST_CASE("many threads start and end spans at once; each thread has its own current span") {
    Fixture f;
    constexpr int threads = 8;
    constexpr int per_thread = 500;
    std::vector<std::thread> workers;
    std::atomic<int> wrong_parent{0};
    for (int t = 0; t < threads; ++t) {
      workers.emplace_back([&] {
        for (int i = 0; i < per_thread; ++i) {
          auto parent = f.tracer.start_span("parent");
          auto child = f.tracer.start_span("child");
          if (Context::current().span_context().span_id != child.context().span_id) ++wrong_parent;
        }
      });
    }
    for (auto& worker : workers) worker.join();
    CHECK(wrong_parent == 0);
    CHECK(f.spans->size() == threads * per_thread * 2);
  }
}
