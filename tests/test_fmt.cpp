// fmt formatters of TraceId, SpanId and SpanContext (tracewire/instrumentation/fmt.hpp).
#include <doctest/doctest.h>

#include <string>

#include <fmt/format.h>

#include "support/headers.hpp"
#include "tracewire/instrumentation/fmt.hpp"
#include "tracewire/propagation/trace_context_propagator.hpp"

using namespace tracewire;

TEST_SUITE("core") {
  TEST_CASE("fmt: ids as the lowercase hex every backend searches for") {
    const TraceId trace = *TraceId::from_hex("4bf92f3577b34da6a3ce929d0e0e4736");
    const SpanId span = *SpanId::from_hex("00f067aa0ba902b7");
    CHECK(fmt::format("{}", trace) == "4bf92f3577b34da6a3ce929d0e0e4736");
    CHECK(fmt::format("{}", span) == "00f067aa0ba902b7");
    CHECK(fmt::format("trace_id={} span_id={}", trace, span) ==
          "trace_id=4bf92f3577b34da6a3ce929d0e0e4736 span_id=00f067aa0ba902b7");
    CHECK(fmt::format("{}", TraceId()) == std::string(32, '0'));
  }

  TEST_CASE("fmt: a span context is written as the traceparent the W3C propagator sends") {
    for (std::uint8_t flags : {0x00, 0x01, 0x03, 0x81}) {
      CAPTURE(int(flags));
      SpanContext context;
      context.trace_id = *TraceId::from_hex("4bf92f3577b34da6a3ce929d0e0e4736");
      context.span_id = *SpanId::from_hex("00f067aa0ba902b7");
      context.flags = TraceFlags(flags);
      const auto headers = tracewire_test::inject(TraceContextPropagator(), Context(context));
      REQUIRE(headers.size() >= 1);
      CHECK(headers[0].first == "traceparent");
      CHECK(fmt::format("{}", context) == headers[0].second);
    }
  }

  TEST_CASE("fmt: a format specification is refused, not silently ignored") {
    const TraceId trace = *TraceId::from_hex("4bf92f3577b34da6a3ce929d0e0e4736");
    CHECK_THROWS_AS((void)fmt::format(fmt::runtime("{:x}"), trace), fmt::format_error);
    CHECK_THROWS_AS((void)fmt::format(fmt::runtime("{:>40}"), SpanId::from_u64(1)), fmt::format_error);
  }
}
