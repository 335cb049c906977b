// Extract and inject cost of each propagation format, as a server and a client pay it per
// request. Extract reads from a header list that also holds three ordinary request headers
// (names are compared case-insensitively, in order); inject writes into a header list that
// is reused between iterations, as a client reusing its request object does (values are
// overwritten in place).
//
// BM_Extract<TraceContext>/BM_Inject<TraceContext> are the W3C path every OpenTelemetry
// service takes: traceparent plus a three-member tracestate. The TraceContextVendors rows
// carry what a request passing through several vendors' agents holds: five members in the
// formats Datadog, OpenTelemetry sampling and New Relic write (182 characters).
#include <benchmark/benchmark.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "tracewire/config/make_propagator.hpp"

namespace {

using Headers = std::vector<std::pair<std::string, std::string>>;

tracewire::SpanContext sample_span_context(std::string_view trace_state = {}) {
  tracewire::SpanContext context;
  context.trace_id = *tracewire::TraceId::from_hex("4bf92f3577b34da6a3ce929d0e0e4736");
  context.span_id = *tracewire::SpanId::from_hex("00f067aa0ba902b7");
  context.flags = tracewire::TraceFlags(tracewire::TraceFlags::sampled_bit);
  context.trace_state = tracewire::TraceState::parse(trace_state);
  return context;
}

Headers request_headers(std::initializer_list<std::pair<std::string, std::string>> format_headers) {
  Headers headers{{"Host", "orders.internal:8080"}, {"User-Agent", "checkout/2.4"}, {"Accept", "application/json"}};
  headers.insert(headers.end(), format_headers.begin(), format_headers.end());
  return headers;
}

struct TraceContext {
  static constexpr const char* name = "tracecontext";
  static Headers incoming() {
    return request_headers({{"traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"},
                            {"tracestate", "congo=t61rcWkgMzE,rojo=00f067aa0ba902b7,vendor3=abc"}});
  }
  static tracewire::Context outgoing() {
    return tracewire::Context(sample_span_context("congo=t61rcWkgMzE,rojo=00f067aa0ba902b7,vendor3=abc"));
  }
};

struct TraceContextVendors {
  static constexpr const char* name = "tracecontext";
  static constexpr const char* trace_state =
      "congo=t61rcWkgMzE,rojo=00f067aa0ba902b7,dd=s:1;o:rum;p:00f067aa0ba902b7;t.dm:-0,ot=th:8;rv:9b8233f7e3a151,"
      "33@nr=0-0-33-5043-27ddd2d8890283b4-5569065a5b1313bd-1-0.100000-1518469636025";
  static Headers incoming() {
    return request_headers(
        {{"traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"}, {"tracestate", trace_state}});
  }
  static tracewire::Context outgoing() { return tracewire::Context(sample_span_context(trace_state)); }
};

struct Baggage {
  static constexpr const char* name = "baggage";
  static Headers incoming() {
    return request_headers({{"baggage", "userId=alice,serverNode=DF%2028,isProduction=false"}});
  }
  static tracewire::Context outgoing() {
    return tracewire::Context().with_baggage(
        tracewire::Baggage().set("userId", "alice").set("serverNode", "DF 28").set("isProduction", "false"));
  }
};

struct Jaeger {
  static constexpr const char* name = "jaeger";
  static Headers incoming() {
    return request_headers({{"uber-trace-id", "4bf92f3577b34da6a3ce929d0e0e4736:00f067aa0ba902b7:0:1"}});
  }
  static tracewire::Context outgoing() { return tracewire::Context(sample_span_context()); }
};

struct B3Single {
  static constexpr const char* name = "b3";
  static Headers incoming() { return request_headers({{"b3", "4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-1"}}); }
  static tracewire::Context outgoing() { return tracewire::Context(sample_span_context()); }
};

struct B3Multi {
  static constexpr const char* name = "b3multi";
  static Headers incoming() {
    return request_headers({{"X-B3-TraceId", "4bf92f3577b34da6a3ce929d0e0e4736"},
                            {"X-B3-SpanId", "00f067aa0ba902b7"},
                            {"X-B3-Sampled", "1"}});
  }
  static tracewire::Context outgoing() { return tracewire::Context(sample_span_context()); }
};

struct XRay {
  static constexpr const char* name = "xray";
  static Headers incoming() {
    return request_headers(
        {{"X-Amzn-Trace-Id", "Root=1-4bf92f35-77b34da6a3ce929d0e0e4736;Parent=00f067aa0ba902b7;Sampled=1"}});
  }
  static tracewire::Context outgoing() { return tracewire::Context(sample_span_context()); }
};

template <class Format>
void BM_Extract(benchmark::State& state) {
  const auto propagator = tracewire::make_named_propagator(Format::name);
  const Headers headers = Format::incoming();
  const tracewire::ContainerGetter getter(headers);
  if (propagator->extract(getter) == tracewire::Context()) state.SkipWithError("nothing extracted");
  for (auto _ : state) {
    tracewire::Context context = propagator->extract(getter);
    benchmark::DoNotOptimize(context);
  }
}

template <class Format>
void BM_Inject(benchmark::State& state) {
  const auto propagator = tracewire::make_named_propagator(Format::name);
  const tracewire::Context context = Format::outgoing();
  Headers headers = request_headers({});
  tracewire::ContainerSetter setter(headers);
  propagator->inject(context, setter);  // the steady state: the header entries exist
  if (headers.size() == 3) state.SkipWithError("nothing injected");
  for (auto _ : state) {
    propagator->inject(context, setter);
    benchmark::DoNotOptimize(headers.data());
    benchmark::ClobberMemory();
  }
}

}  // namespace

BENCHMARK_TEMPLATE(BM_Extract, TraceContext);
BENCHMARK_TEMPLATE(BM_Inject, TraceContext);
BENCHMARK_TEMPLATE(BM_Extract, TraceContextVendors);
BENCHMARK_TEMPLATE(BM_Inject, TraceContextVendors);
BENCHMARK_TEMPLATE(BM_Extract, Baggage);
BENCHMARK_TEMPLATE(BM_Inject, Baggage);
BENCHMARK_TEMPLATE(BM_Extract, Jaeger);
BENCHMARK_TEMPLATE(BM_Inject, Jaeger);
BENCHMARK_TEMPLATE(BM_Extract, B3Single);
BENCHMARK_TEMPLATE(BM_Inject, B3Single);
BENCHMARK_TEMPLATE(BM_Extract, B3Multi);
BENCHMARK_TEMPLATE(BM_Inject, B3Multi);
BENCHMARK_TEMPLATE(BM_Extract, XRay);
BENCHMARK_TEMPLATE(BM_Inject, XRay);
