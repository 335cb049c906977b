#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <vector>

#include "support/headers.hpp"
#include "tracewire/config/make_propagator.hpp"

using namespace tracewire;
using tracewire_test::extract;
using tracewire_test::header;
using tracewire_test::Headers;
using tracewire_test::inject;

namespace {
const char* const all_formats[] = {"tracecontext", "b3", "b3multi", "jaeger", "xray"};
}  // namespace

TEST_SUITE("propagation") {
  TEST_CASE("Composite: the first valid span context wins, baggage from all is merged") {
    const auto propagator = make_propagator("tracecontext,b3multi,jaeger,baggage");
    const Context context =
        extract(*propagator, {{"x-b3-traceid", "80f198ee56343ba864fe8b2a57d3eff7"},
                              {"x-b3-spanid", "e457b5a2e4d86bd1"},
                              {"x-b3-sampled", "1"},
                              {"uber-trace-id", "1:2:0:1"},
                              {"uberctx-from-jaeger", "j"},
                              {"baggage", "from-w3c=w"},
                              {"traceparent", "00-00000000000000000000000000000000-1234567890123456-01"}});
    CHECK(context.span_context().trace_id.to_hex() == "80f198ee56343ba864fe8b2a57d3eff7");  // W3C one invalid: B3 next
    CHECK(context.baggage().get("from-jaeger") == std::string_view("j"));
    CHECK(context.baggage().get("from-w3c") == std::string_view("w"));

    const Context w3c_first = extract(
        *propagator,
        {{"uber-trace-id", "1:2:0:1"}, {"traceparent", "00-12345678901234567890123456789012-1234567890123456-01"}});
    CHECK(w3c_first.span_context().trace_id.to_hex() == "12345678901234567890123456789012");
  }

  TEST_CASE("Composite inject writes every format") {
    const auto propagator = make_propagator("tracecontext,baggage,b3,b3multi,jaeger,xray");
    const Context context(tracewire_test::span_context("4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7", true),
                          Baggage().set("k", "v"));
    const Headers headers = inject(*propagator, context);
    for (const char* name : {"traceparent", "baggage", "b3", "x-b3-traceid", "x-b3-spanid", "x-b3-sampled",
                             "uber-trace-id", "uberctx-k", "x-amzn-trace-id"}) {
      CAPTURE(name);
      CHECK(header(headers, name) != "<absent>");
    }
    CHECK(headers.size() == 9);
    CHECK(propagator->fields() == std::vector<std::string>{"traceparent", "tracestate", "baggage", "b3", "x-b3-traceid",
                                                           "x-b3-spanid", "x-b3-sampled", "x-b3-flags",
                                                           "x-b3-parentspanid", "uber-trace-id", "x-amzn-trace-id"});
  }

  TEST_CASE("make_propagator follows the OTEL_PROPAGATORS list rules") {
    auto describe = [](std::string_view list) { return make_propagator(list)->describe(); };
    CHECK(describe("tracecontext,baggage") ==
          "CompositePropagator{TraceContextPropagator{max_tracestate_length=512}, "
          "BaggagePropagator{max_members=64, max_bytes=8192}}");
    CHECK(describe(" B3 , b3multi,b3, XRAY ") ==
          "CompositePropagator{B3Propagator{single_header}, B3Propagator{multi_header}, XRayPropagator}");
    CHECK(describe("none") == "CompositePropagator{}");
    CHECK(describe("") == "CompositePropagator{}");
    CHECK(describe("ottrace,jaeger,,") ==
          "CompositePropagator{JaegerPropagator{trace_header=uber-trace-id, baggage_prefix=uberctx-}}");
    const auto nothing = make_propagator("none");
    CHECK(inject(*nothing,
                 Context(tracewire_test::span_context("4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7", true)))
              .empty());
  }

  TEST_CASE("Cross-format: a context extracted from each format survives injection into every other") {
    // A 128-bit trace id with a non-zero high half, and one that fits 64 bits: every format
    // here carries 128 bits (B3 and Jaeger pad a 64-bit id to 128 on the way back).
    for (const char* trace : {"4bf92f3577b34da6a3ce929d0e0e4736", "000000000000000064fe8b2a57d3eff7"}) {
      for (bool sampled : {true, false}) {
        const Context original(tracewire_test::span_context(trace, "00f067aa0ba902b7", sampled));
        for (const char* from : all_formats) {
          const auto source = make_named_propagator(from);
          const Context received = extract(*source, inject(*source, original));
          REQUIRE(received.span_context().is_valid());
          for (const char* to : all_formats) {
            CAPTURE(trace);
            CAPTURE(sampled);
            CAPTURE(from);
            CAPTURE(to);
            const auto target = make_named_propagator(to);
            const SpanContext back = extract(*target, inject(*target, received)).span_context();
            CHECK(back.trace_id == original.span_context().trace_id);
            CHECK(back.span_id == original.span_context().span_id);
            CHECK(back.sampled() == sampled);
            CHECK(back.is_remote);
          }
        }
      }
    }
  }
  TEST_CASE("Cross-format: contexts as each format's own clients send them, 64-bit ids included") {
    struct Incoming {
      const char* format;
      Headers headers;
      const char* trace;  // the 128-bit trace id every format must carry on
      const char* span;
      bool sampled;
    };
    const Incoming incoming[] = {
        {"tracecontext",
         {{"traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"}},
         "4bf92f3577b34da6a3ce929d0e0e4736",
         "00f067aa0ba902b7",
         true},
        // B3 and Jaeger clients still send 64-bit trace ids: they are left-padded to 128 bits.
        {"b3",
         {{"b3", "80f198ee56343ba8-e457b5a2e4d86bd1-d"}},
         "000000000000000080f198ee56343ba8",
         "e457b5a2e4d86bd1",
         true},
        {"b3multi",
         {{"X-B3-TraceId", "80f198ee56343ba8"}, {"X-B3-SpanId", "e457b5a2e4d86bd1"}, {"X-B3-Sampled", "0"}},
         "000000000000000080f198ee56343ba8",
         "e457b5a2e4d86bd1",
         false},
        {"jaeger",
         {{"uber-trace-id", "3d2c9b2a1e0f:7b1a:0:3"}},
         "000000000000000000003d2c9b2a1e0f",
         "0000000000007b1a",
         true},
        {"jaeger",
         {{"Uber-Trace-Id", "1f2e3d4c5b6a79880000000000000001%3Aab%3A0%3A0"}},
         "1f2e3d4c5b6a79880000000000000001",
         "00000000000000ab",
         false},
        {"xray",
         {{"X-Amzn-Trace-Id", "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1"}},
         "5759e988bd862e3fe1be46a994272793",
         "53995c3f42cd8ad8",
         true},
    };
    for (const Incoming& in : incoming) {
      CAPTURE(in.format);
      CAPTURE(in.trace);
      const Context received = extract(*make_named_propagator(in.format), in.headers);
      REQUIRE(received.span_context().is_valid());
      CHECK(received.span_context().trace_id.to_hex() == in.trace);
      CHECK(received.span_context().span_id.to_hex() == in.span);
      for (const char* to : all_formats) {
        CAPTURE(to);
        const auto target = make_named_propagator(to);
        const Headers written = inject(*target, received);
        CHECK(tracewire_test::is_clean(written));
        const SpanContext back = extract(*target, written).span_context();
        CHECK(back.trace_id.to_hex() == in.trace);
        CHECK(back.span_id.to_hex() == in.span);
        CHECK(back.sampled() == in.sampled);
      }
    }
    // How a 64-bit trace id is written where a format has a short form: Jaeger drops the
    // zero high half as its clients do; B3 and W3C write all 32 digits; X-Ray's epoch is 0.
    const Context short_id = extract(*make_named_propagator("b3"), {{"b3", "80f198ee56343ba8-e457b5a2e4d86bd1-1"}});
    CHECK(header(inject(*make_named_propagator("jaeger"), short_id), "uber-trace-id") ==
          "80f198ee56343ba8:e457b5a2e4d86bd1:0:1");
    CHECK(header(inject(*make_named_propagator("b3"), short_id), "b3") ==
          "000000000000000080f198ee56343ba8-e457b5a2e4d86bd1-1");
    CHECK(header(inject(*make_named_propagator("tracecontext"), short_id), "traceparent") ==
          "00-000000000000000080f198ee56343ba8-e457b5a2e4d86bd1-01");
    CHECK(header(inject(*make_named_propagator("xray"), short_id), "x-amzn-trace-id") ==
          "Root=1-00000000-0000000080f198ee56343ba8;Parent=e457b5a2e4d86bd1;Sampled=1");
  }
}
