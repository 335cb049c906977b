// C++20 coroutines with Boost.Asio (tracewire/instrumentation/asio_awaitable.hpp): the trace
// context follows a coroutine across co_await, also when it resumes on another thread of a
// multi-threaded io_context, and coroutines interleaved on one thread never see each
// other's spans. Built in C++20 mode.
#include <doctest/doctest.h>

#include "tracewire/instrumentation/asio_awaitable.hpp"  // first: it includes <utility> before Asio

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "mocks/recording_logger.hpp"
#include "support/recording_provider.hpp"

using namespace tracewire;
namespace net = boost::asio;

namespace {

using Recorded = tracewire_test::RecordingProvider;

// Which of the test's threads this is (thread ids are reused once a thread is joined).
thread_local int runner = 0;

// Gives the io_context's other threads a chance to run the rest of the coroutine.
net::awaitable<void> yield() { co_await net::post(co_await net::this_coro::executor, net::use_awaitable); }

// What a coroutine observed at each step, checked after the run.
struct Observations {
  std::mutex mutex;
  std::vector<std::string> problems;
  std::atomic<int> resumed_elsewhere{0};
  void problem(std::string text) {
    std::lock_guard<std::mutex> lock(mutex);
    problems.push_back(std::move(text));
  }
};

// A coroutine that keeps its own span current across many suspensions: after each one the
// current span must be its own, and a child started there must name it as parent.
net::awaitable<void> worker(Tracer& tracer, int id, int steps, Observations& seen) {
  auto span = tracer.start_span("worker " + std::to_string(id), SpanStartOptions().as_root());
  const SpanContext mine = span.context();
  std::thread::id thread = std::this_thread::get_id();
  net::steady_timer timer(co_await net::this_coro::executor);
  for (int step = 0; step < steps; ++step) {
    if (step % 2) {
      timer.expires_after(std::chrono::microseconds(50 * (id % 3)));
      co_await timer.async_wait(net::use_awaitable);
    } else {
      co_await yield();
    }
    if (std::this_thread::get_id() != thread) {
      ++seen.resumed_elsewhere;
      thread = std::this_thread::get_id();
    }
    if (Context::current().span_context() != mine) seen.problem("worker " + std::to_string(id) + " lost its span");
    auto child = tracer.start_span("step");
    child.set_attribute("worker", id);
    child.set_attribute("parent expected", mine.span_id.to_hex());
  }
}

void run_threads(net::io_context& io, int count) {
  std::vector<std::thread> threads;
  for (int i = 0; i < count; ++i) threads.emplace_back([&] { io.run(); });
  for (auto& thread : threads) thread.join();
}

std::string text(const SpanData& span, std::string_view key) {
  const AttributeValue* value = span.attribute(key);
  return value && value->get_if<std::string_view>() ? std::string(*value->get_if<std::string_view>()) : "";
}

}  // namespace

TEST_SUITE("instrumentation") {
  TEST_CASE("coroutines: a coroutine resumed on another thread still has its span current, and ends it there") {
    Recorded recorded;
    tracewire_test::CapturedLog log;
    net::io_context io;
    int started = 0, resumed = 0;
    SpanContext coroutine_span, after_end;
    // A named lambda: its captures must outlive the coroutine (a temporary closure would not).
    auto body = [&]() -> net::awaitable<void> {
      auto span = recorded.tracer.start_span("request", SpanStartOptions().as_root());
      coroutine_span = span.context();
      started = runner;
      co_await yield();  // the rest runs on the second thread (below)
      resumed = runner;
      auto child = recorded.tracer.start_span("after the move");
      child.end();
      span.end();  // on the second thread: the span was current in the coroutine, not on a thread
      after_end = Context::current().span_context();
      auto late = recorded.tracer.start_span("after the end");
    };
    co_spawn_with_context(io.get_executor(), body(), net::detached);
    // Thread one runs the coroutine up to its first suspension; thread two resumes it.
    std::thread([&] {
      runner = 1;
      io.run_one();
    }).join();
    CHECK_FALSE(Context::current().span_context().is_valid());
    std::thread([&] {
      runner = 2;
      io.run();
    }).join();
    CHECK(started == 1);
    CHECK(resumed == 2);
    CHECK_FALSE(after_end.is_valid());  // ending the span restored the coroutine's context
    const auto spans = recorded.spans->snapshot();
    REQUIRE(spans.size() == 3);
    CHECK(spans[0].name() == "after the move");
    CHECK(spans[0].parent_span_id() == coroutine_span.span_id);
    CHECK(spans[1].name() == "request");
    CHECK(spans[2].name() == "after the end");
    CHECK(spans[2].parent_span_id() == SpanId());  // not a child of the ended span
    CHECK_FALSE(log.contains("another thread"));
    CHECK_FALSE(Context::current().span_context().is_valid());
  }

  TEST_CASE("coroutines: two coroutines interleaved on one thread never see each other's spans") {
    Recorded recorded;
    net::io_context io;
    Observations seen;
    for (int id = 0; id < 2; ++id)
      co_spawn_with_context(io.get_executor(), worker(recorded.tracer, id, 20, seen), net::detached);
    io.run();  // one thread: the two interleave at every co_await
    CHECK(seen.problems.empty());
    CHECK_FALSE(Context::current().span_context().is_valid());
    std::map<std::string, std::string> worker_ids;  // name -> span id
    for (const SpanData& span : recorded.spans->snapshot()) {
      if (span.name() != "step") worker_ids[span.span_id().to_hex()] = std::string(span.name());
    }
    REQUIRE(worker_ids.size() == 2);
    int steps = 0;
    for (const SpanData& span : recorded.spans->snapshot()) {
      if (span.name() != "step") continue;
      ++steps;
      CHECK(span.parent_span_id().to_hex() == text(span, "parent expected"));
    }
    CHECK(steps == 40);
  }

  TEST_CASE("coroutines: many coroutines on a four-thread io_context keep their own context at every step") {
    Recorded recorded;
    net::io_context io;
    Observations seen;
    constexpr int coroutines = 32, steps = 40;
    for (int id = 0; id < coroutines; ++id) {
      co_spawn_with_context(io.get_executor(), worker(recorded.tracer, id, steps, seen), net::detached);
    }
    run_threads(io, 4);
    for (const std::string& problem : seen.problems) FAIL_CHECK(problem);
    const auto spans = recorded.spans->snapshot();
    REQUIRE(spans.size() == coroutines * (steps + 1));
    for (const SpanData& span : spans) {
      if (span.name() == "step") CHECK(span.parent_span_id().to_hex() == text(span, "parent expected"));
    }
    MESSAGE("resumptions on another thread than the previous step's: " << seen.resumed_elsewhere.load());
  }

  TEST_CASE("coroutines: the spawner's context is the base; awaited coroutines and Scopes share the coroutine's") {
    Recorded recorded;
    net::io_context io;
    SpanContext in_nested, in_scope_after_await, after_scope;
    auto request = recorded.tracer.start_span("request");
    const SpanContext request_context = request.context();
    auto nested = [&]() -> net::awaitable<void> {
      co_await yield();
      in_nested = Context::current().span_context();
      auto child = recorded.tracer.start_span("nested child");
    };
    auto body = [&]() -> net::awaitable<void> {
      auto handler = recorded.tracer.start_span("handler");  // a child of request, the spawner's span
      co_await nested();
      {
        Context remote(SpanContext{*TraceId::from_hex("0af7651916cd43dd8448eb211c80319c"),
                                   *SpanId::from_hex("b7ad6b7169203331"),
                                   TraceFlags(1),
                                   {},
                                   true});
        Scope scope(remote);
        co_await yield();
        in_scope_after_await = Context::current().span_context();
      }
      after_scope = Context::current().span_context();
    };
    co_spawn_with_context(io.get_executor(), body(), net::detached);
    request.end();  // the spawner's span ends before the coroutine runs: the base was captured
    std::thread([&] { io.run(); }).join();
    const auto spans = recorded.spans->snapshot();
    const auto find = [&](std::string_view name) {
      for (const SpanData& span : spans) {
        if (span.name() == name) return span;
      }
      FAIL("no span " << name);
      return SpanData();
    };
    const SpanData handler = find("handler");
    CHECK(handler.parent_span_id() == request_context.span_id);
    CHECK(in_nested == handler.context());
    CHECK(find("nested child").parent_span_id() == handler.span_id());
    CHECK(in_scope_after_await.span_id.to_hex() == "b7ad6b7169203331");
    CHECK(after_scope == handler.context());
  }

  TEST_CASE("coroutines: a coroutine spawned from a coroutine gets a context of its own") {
    Recorded recorded;
    net::io_context io;
    Observations seen;
    auto body = [&]() -> net::awaitable<void> {
      auto parent = recorded.tracer.start_span("parent", SpanStartOptions().as_root());
      const SpanContext mine = parent.context();
      co_spawn_with_context(co_await net::this_coro::executor, worker(recorded.tracer, 7, 6, seen), net::detached);
      for (int i = 0; i < 6; ++i) {
        co_await yield();
        if (Context::current().span_context() != mine) seen.problem("parent lost its span");
      }
    };
    co_spawn_with_context(io.get_executor(), body(), net::detached);
    run_threads(io, 2);
    CHECK(seen.problems.empty());
    CHECK(recorded.spans->size() == 1 + 1 + 6);
  }
}
