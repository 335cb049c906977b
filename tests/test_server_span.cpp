// start_server_span / inject_context: one request's trace never leaks into the next.
#include <doctest/doctest.h>

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "tracewire/export/in_memory_exporter.hpp"
#include "tracewire/instrumentation/server_span.hpp"
#include "tracewire/config/make_propagator.hpp"
#include "tracewire/propagation/trace_context_propagator.hpp"
#include "tracewire/trace/simple_span_processor.hpp"
#include "tracewire/trace/tracer_provider.hpp"

using namespace tracewire;

namespace {
struct Server {
  std::shared_ptr<InMemorySpanExporter::Storage> spans;
  std::shared_ptr<TracerProvider> provider;
  Tracer tracer;
  Server() {
    auto exporter = std::make_unique<InMemorySpanExporter>();
    spans = exporter->storage();
    TracerProviderOptions options;
    options.processors.push_back(std::make_unique<SimpleSpanProcessor>(std::move(exporter)));
    provider = std::make_shared<TracerProvider>(std::move(options));
    tracer = provider->tracer("server-span-test");
  }
  SpanData span(std::string_view name) const {
    for (const SpanData& span : spans->snapshot()) {
      if (span.name() == name) return span;
    }
    FAIL("no span named " << name);
    return {};
  }
};
}  // namespace

TEST_SUITE("instrumentation") {
  TEST_CASE("async server: a request without trace headers never becomes a child of an earlier request") {
    // The reproduction of the bug: server spans moved into handlers that run later.
    Server server;
    const Context before = Context::current();
    std::vector<std::function<void()>> pending;  // completion handlers that run later
    std::map<std::string, std::string> no_headers;
    for (const char* name : {"request A", "request B"}) {
      auto span = std::make_shared<Span>(start_server_span(server.tracer, name, ContainerGetter(no_headers)));
      pending.push_back([span] { span->end(); });
    }
    CHECK(Context::current() == before);
    for (auto& handler : pending) handler();
    CHECK(Context::current() == before);
    const SpanData a = server.span("request A");
    const SpanData b = server.span("request B");
    CHECK_FALSE(a.parent_span_id().is_valid());
    CHECK_FALSE(b.parent_span_id().is_valid());
    CHECK(a.trace_id() != b.trace_id());
    CHECK(b.kind() == SpanKind::server);
  }

  TEST_CASE("extraction never inherits the thread's current context") {
    Server server;
    auto unrelated = server.tracer.start_span("unrelated work");  // current on this thread
    std::map<std::string, std::string> no_headers;
    {
      auto request = start_server_span(server.tracer, "request", ContainerGetter(no_headers));
      CHECK(request.context().trace_id != unrelated.context().trace_id);
      CHECK(Context::current().span_context() == unrelated.context());  // the server span is not current
    }
    std::map<std::string, std::string> headers{
        {"traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"}, {"baggage", "tenant=acme"}};
    auto continued = start_server_span(server.tracer, "continued", ContainerGetter(headers));
    CHECK(continued.context().trace_id.to_hex() == "0af7651916cd43dd8448eb211c80319c");
    {
      Scope scope(continued);  // the request's baggage comes with it
      CHECK(Context::current().baggage().get("tenant") == std::string_view("acme"));
      auto child = server.tracer.start_span("child");
      std::map<std::string, std::string> outgoing;
      inject_context(ContainerSetter(outgoing));
      CHECK(outgoing["traceparent"].find(child.context().span_id.to_hex()) != std::string::npos);
      CHECK(outgoing["baggage"] == "tenant=acme");
    }
    CHECK(Context::current().span_context() == unrelated.context());
    continued.end();
    CHECK(server.span("continued").parent_span_id().to_hex() == "b7ad6b7169203331");
  }

  TEST_CASE("inject_context(span, headers) passes a span that is not current on, with its baggage") {
    Server server;
    std::map<std::string, std::string> headers{
        {"traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00"}, {"baggage", "k=v"}};
    auto request = start_server_span(server.tracer, "request", ContainerGetter(headers));
    std::map<std::string, std::string> outgoing;
    inject_context(request, ContainerSetter(outgoing), TraceContextPropagator());
    CHECK(outgoing["traceparent"] ==
          "00-0af7651916cd43dd8448eb211c80319c-" + request.context().span_id.to_hex() + "-00");
    CHECK(request.context().span_id.to_hex() != "b7ad6b7169203331");  // unsampled, yet its own id
  }
}

TEST_SUITE("instrumentation") {
  TEST_CASE("a debug request stays debug downstream: B3's d passes through the server span and its children") {
    Server server;
    const auto b3 = make_propagator("b3");
    std::map<std::string, std::string> headers{{"b3", "80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-d"}};
    auto request = start_server_span(server.tracer, "request", ContainerGetter(headers), *b3);
    Scope scope(request);
    auto call = server.tracer.start_span("call", SpanKind::client);
    std::map<std::string, std::string> outgoing;
    inject_context(ContainerSetter(outgoing), *b3);
    CHECK(outgoing["b3"] == "80f198ee56343ba864fe8b2a57d3eff7-" + call.context().span_id.to_hex() + "-d");
  }
}
