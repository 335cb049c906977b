// bind_context on a multi-threaded io_context: handlers run on whichever thread is free,
// and spans started inside them must still be children of the span current at the start.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <thread>
#include <vector>

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include "support/recording_provider.hpp"
#include "tracewire/instrumentation/asio.hpp"

using namespace tracewire;
namespace net = boost::asio;

namespace {

using Recorded = tracewire_test::RecordingProvider;

// Runs `context` on `count` threads until it runs out of work.
void run_threads(net::io_context& context, int count) {
  std::vector<std::thread> threads;
  for (int i = 0; i < count; ++i) threads.emplace_back([&] { context.run(); });
  for (auto& thread : threads) thread.join();
}

}  // namespace

TEST_SUITE("instrumentation") {
  TEST_CASE("bind_context: spans started in timer handlers on four threads are children of the starting span") {
    Recorded recorded;
    net::io_context context;
    constexpr int operations = 64;
    std::map<std::uint64_t, std::uint64_t> parent_of_operation;  // operation span id -> its own parent (none)
    std::vector<std::unique_ptr<net::steady_timer>> timers;
    std::atomic<int> handled{0};
    std::atomic<int> leaked{0};
    for (int i = 0; i < operations; ++i) {
      auto operation = recorded.tracer.start_span("operation", SpanStartOptions().as_root());
      timers.push_back(std::make_unique<net::steady_timer>(context, std::chrono::milliseconds(i % 7)));
      timers.back()->async_wait(bind_context([&, i](const boost::system::error_code& ec) {
        CHECK_FALSE(ec);
        auto child = recorded.tracer.start_span("in handler");
        child.set_attribute("operation", i);
        ++handled;
      }));
      operation.set_attribute("operation", i);
    }
    // Something unrelated posted afterwards must see nothing current: the handlers' scopes
    // restored each thread's previous (empty) context.
    for (int i = 0; i < operations; ++i) {
      net::post(context, [&] {
        if (Context::current().span_context().is_valid()) ++leaked;
      });
    }
    run_threads(context, 4);
    CHECK(handled == operations);
    CHECK(leaked == 0);

    std::map<std::int64_t, SpanData> operations_by_index;
    std::vector<SpanData> children;
    for (const SpanData& span : recorded.spans->snapshot()) {
      const std::int64_t index = *span.attribute("operation")->get_if<std::int64_t>();
      if (span.name() == "operation")
        operations_by_index.emplace(index, span);
      else
        children.push_back(span);
    }
    REQUIRE(operations_by_index.size() == operations);
    REQUIRE(children.size() == operations);
    for (const SpanData& child : children) {
      const SpanData& operation = operations_by_index.at(*child.attribute("operation")->get_if<std::int64_t>());
      CHECK(child.trace_id() == operation.trace_id());
      CHECK(child.parent_span_id() == operation.span_id());
      CHECK_FALSE(child.parent_is_remote());
    }
  }

  TEST_CASE("bind_context keeps the wrapped handler's executor: a strand still serializes the handlers") {
    Recorded recorded;
    net::io_context context;
    auto strand = net::make_strand(context);
    std::atomic<int> inside{0};
    std::atomic<int> overlaps{0};
    std::atomic<int> on_strand{0};
    const auto parent = recorded.tracer.start_span("parent");
    const SpanContext parent_context = parent.context();
    constexpr int handlers = 200;
    for (int i = 0; i < handlers; ++i) {
      net::post(context, bind_context(net::bind_executor(strand, [&] {
                  if (inside.fetch_add(1) != 0) ++overlaps;
                  if (strand.running_in_this_thread()) ++on_strand;
                  CHECK(Context::current().span_context() == parent_context);
                  std::this_thread::sleep_for(std::chrono::microseconds(50));
                  inside.fetch_sub(1);
                })));
    }
    run_threads(context, 4);
    CHECK(on_strand == handlers);
    CHECK(overlaps == 0);
  }

  TEST_CASE("bind_context with an explicit Context, and a handler's return value passed through") {
    Recorded recorded;
    const SpanContext remote{*TraceId::from_hex("4bf92f3577b34da6a3ce929d0e0e4736"),
                             *SpanId::from_hex("00f067aa0ba902b7"),
                             TraceFlags(1),
                             {},
                             true};
    auto bound = bind_context(Context(remote), [&](int value) {
      auto span = recorded.tracer.start_span("child");
      return value * 2;
    });
    CHECK(bound(21) == 42);
    CHECK_FALSE(Context::current().span_context().is_valid());
    const auto spans = recorded.spans->snapshot();
    REQUIRE(spans.size() == 1);
    CHECK(spans[0].trace_id() == remote.trace_id);
    CHECK(spans[0].parent_span_id() == remote.span_id);
    CHECK(spans[0].parent_is_remote());
  }
}
