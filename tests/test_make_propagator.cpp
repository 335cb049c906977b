// Each format against the official OpenTelemetry JS propagators (tests/peers): our inject,
// their extract, and the reverse. Needs the CTest fixture tracewire_peers (npm ci).
#include <doctest/doctest.h>

#include <string>

#include "support/headers.hpp"
#include "support/peer_process.hpp"
#include "tracewire/config/make_propagator.hpp"

using namespace tracewire;
using tracewire_test::extract;
using tracewire_test::Headers;
using tracewire_test::inject;
using tracewire_test::ReferencePropagators;

namespace {
nlohmann::json to_json(const Headers& headers) {
  nlohmann::json object = nlohmann::json::object();
  for (const auto& [name, value] : headers) object[name] = value;
  return object;
}
Headers from_json(const nlohmann::json& object) {
  Headers headers;
  for (const auto& [name, value] : object.items()) headers.emplace_back(name, value.get<std::string>());
  return headers;
}

ReferencePropagators& reference() {
  static ReferencePropagators propagators;
  return propagators;
}

struct Case {
  const char* trace;
  const char* span;
  bool sampled;
};
const Case cases[] = {
    {"4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7", true},
    {"000000000000000064fe8b2a57d3eff7", "e457b5a2e4d86bd1", false},
    {"5759e988bd862e3fe1be46a994272793", "0000000000000001", true},
};
}  // namespace

TEST_SUITE("propagation") {
  TEST_CASE("make_named_propagator knows the specification's names and fields match the reference") {
    for (const char* name : {"tracecontext", "baggage", "b3", "b3multi", "jaeger", "xray"}) {
      CAPTURE(name);
      const auto ours = make_named_propagator(name);
      REQUIRE(ours);
      auto theirs = reference().request({{"op", "fields"}, {"format", name}})["fields"].get<std::vector<std::string>>();
      std::vector<std::string> mine = ours->fields();
      std::sort(mine.begin(), mine.end());
      std::sort(theirs.begin(), theirs.end());
      CHECK(mine == theirs);
    }
    CHECK_FALSE(make_named_propagator("ottrace"));
  }

  TEST_CASE("Every span-context format: our inject, the reference's extract, and back") {
    for (const char* format : {"tracecontext", "b3", "b3multi", "jaeger", "xray"}) {
      const auto ours = make_named_propagator(format);
      for (const Case& c : cases) {
        CAPTURE(format);
        CAPTURE(c.trace);
        const Context context(tracewire_test::span_context(c.trace, c.span, c.sampled));
        const nlohmann::json seen = reference().extract(format, to_json(inject(*ours, context)));
        CHECK(seen["valid"] == true);
        CHECK(seen["traceId"] == c.trace);
        CHECK(seen["spanId"] == c.span);
        CHECK(seen["sampled"] == c.sampled);

        const nlohmann::json sent = reference().inject(format, c.trace, c.span, c.sampled);
        const SpanContext back = extract(*ours, from_json(sent)).span_context();
        CHECK(back.is_valid());
        CHECK(back.trace_id.to_hex() == c.trace);
        CHECK(back.span_id.to_hex() == c.span);
        CHECK(back.sampled() == c.sampled);
        CHECK(back.is_remote);
      }
    }
  }

  TEST_CASE("W3C: tracestate and baggage with metadata cross both ways") {
    const auto w3c = make_propagator("tracecontext,baggage");
    const Context context(
        tracewire_test::span_context("4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7", true,
                                     "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE"),
        Baggage().set("userId", "alice").set("serverNode", "DF 28").set("city", "S\xc3\xa3o Paulo", "ttl=30"));
    const Headers ours = inject(*w3c, context);
    const nlohmann::json seen_state = reference().extract("tracecontext", to_json(ours));
    CHECK(seen_state["traceState"] == "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE");
    const nlohmann::json seen_bag = reference().extract("baggage", to_json(ours));
    CHECK(seen_bag["baggage"] ==
          nlohmann::json{{"userId", "alice"}, {"serverNode", "DF 28"}, {"city", "S\xc3\xa3o Paulo"}});
    CHECK(seen_bag["baggageMetadata"] == nlohmann::json{{"city", "ttl=30"}});

    nlohmann::json sent = reference().inject("tracecontext", "4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7",
                                             true, "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE");
    sent.update(reference().inject("baggage", "4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7", true,
                                   std::nullopt,
                                   {{"userId", "alice"},
                                    {"serverNode", "DF 28"},
                                    {"city", {{"value", "S\xc3\xa3o Paulo"}, {"metadata", "ttl=30"}}}}));
    const Context back = extract(*w3c, from_json(sent));
    CHECK(back.span_context().trace_state.to_header() == "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE");
    CHECK(back.baggage().get("serverNode") == std::string_view("DF 28"));
    CHECK(back.baggage().get("city") == std::string_view("S\xc3\xa3o Paulo"));
    CHECK(back.baggage().find("city")->metadata == "ttl=30");
  }

  TEST_CASE("Jaeger: uberctx- baggage crosses both ways") {
    const auto jaeger = make_named_propagator("jaeger");
    const Context context(tracewire_test::span_context("4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7", true),
                          Baggage().set("user", "alice smith").set("path", "/a?b=c&d"));
    const nlohmann::json seen = reference().extract("jaeger", to_json(inject(*jaeger, context)));
    CHECK(seen["baggage"] == nlohmann::json{{"user", "alice smith"}, {"path", "/a?b=c&d"}});
    const nlohmann::json sent = reference().inject("jaeger", "4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7",
                                                   true, std::nullopt, {{"user", "alice smith"}});
    CHECK(extract(*jaeger, from_json(sent)).baggage().get("user") == std::string_view("alice smith"));
  }

  TEST_CASE("W3C test-suite traceparent values: we accept exactly what the reference accepts") {
    for (const char* value : {"00-12345678901234567890123456789012-1234567890123456-01",
                              "cc-12345678901234567890123456789012-1234567890123456-01",
                              "cc-12345678901234567890123456789012-1234567890123456-01-what-the-future-will-be-like",
                              "cc-12345678901234567890123456789012-1234567890123456-01.what-the-future-will-be-like",
                              "00-12345678901234567890123456789012-1234567890123456-01-what-the-future-will-be-like",
                              "ff-12345678901234567890123456789012-1234567890123456-01",
                              ".0-12345678901234567890123456789012-1234567890123456-01",
                              "000-12345678901234567890123456789012-1234567890123456-01",
                              "00-00000000000000000000000000000000-1234567890123456-01",
                              "00-12345678901234567890123456789012-0000000000000000-01",
                              "00-1234567890123456789012345678901A-1234567890123456-01",
                              "00-12345678901234567890123456789012-1234567890123456-001",
                              " 00-12345678901234567890123456789012-1234567890123456-01",
                              "00-12345678901234567890123456789012-1234567890123456-01 ",
                              "00-12345678901234567890123456789012-1234567890123456-09"}) {
      CAPTURE(value);
      const nlohmann::json seen = reference().extract("tracecontext", {{"traceparent", value}});
      const SpanContext ours = extract(*make_named_propagator("tracecontext"), {{"traceparent", value}}).span_context();
      CHECK(seen["valid"] == ours.is_valid());
      if (ours.is_valid()) CHECK(seen["sampled"] == ours.sampled());
    }
  }
}

// B3 and Jaeger edge rules against the reference propagators: where they agree with the
// specifications the results must match; where the reference departs from them, the test
// says so and checks our reading of the specification instead.
TEST_SUITE("propagation") {
  TEST_CASE("B3 debug crosses both ways in each encoding, as the reference carries it") {
    const auto single = make_named_propagator("b3");
    const auto multi = make_named_propagator("b3multi");
    const Headers debug_single{{"b3", "80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-d"}};
    const Context from_single = extract(*single, debug_single);
    REQUIRE(from_single.span_context().flags.debug());
    nlohmann::json seen = reference().extract("b3", to_json(inject(*single, from_single)));
    CHECK(seen["sampled"] == true);
    CHECK(seen["b3Debug"] == "d");
    const Headers debug_multi{
        {"x-b3-traceid", "80f198ee56343ba864fe8b2a57d3eff7"}, {"x-b3-spanid", "e457b5a2e4d86bd1"}, {"x-b3-flags", "1"}};
    seen = reference().extract("b3multi", to_json(inject(*multi, extract(*multi, debug_multi))));
    CHECK(seen["sampled"] == true);
    CHECK(seen["b3Debug"] == "1");
    // the reference's own debug output reads back as debug here
    for (const auto& encoding : {std::pair<const char*, const char*>{"b3", "d"}, {"b3multi", "1"}}) {
      const char* format = encoding.first;
      const char* debug = encoding.second;
      CAPTURE(format);
      const nlohmann::json sent = reference().request({{"op", "inject"},
                                                       {"format", format},
                                                       {"traceId", "80f198ee56343ba864fe8b2a57d3eff7"},
                                                       {"spanId", "e457b5a2e4d86bd1"},
                                                       {"sampled", true},
                                                       {"b3Debug", debug}})["headers"];
      const SpanContext back = extract(*single, from_json(sent)).span_context();
      CHECK(back.sampled());
      CHECK(back.flags.debug());
    }
  }

  TEST_CASE("B3 repeated X-B3 headers: the first value wins, as in the reference") {
    const nlohmann::json headers{{"x-b3-traceid", {"80f198ee56343ba864fe8b2a57d3eff7", "64fe8b2a57d3eff7"}},
                                 {"x-b3-spanid", {"e457b5a2e4d86bd1", "0000000000000001"}},
                                 {"x-b3-sampled", {"1", "0"}}};
    const nlohmann::json seen = reference().extract("b3multi", headers);
    Headers ours;
    for (const auto& [name, values] : headers.items()) {
      for (const auto& value : values) ours.emplace_back(name, value.get<std::string>());
    }
    const SpanContext context = extract(*make_named_propagator("b3multi"), ours).span_context();
    REQUIRE(seen["valid"] == true);
    REQUIRE(context.is_valid());
    CHECK(seen["traceId"] == context.trace_id.to_hex());
    CHECK(seen["spanId"] == context.span_id.to_hex());
    CHECK(seen["sampled"] == context.sampled());
  }

  TEST_CASE("B3 sampling-only b3: 0 over X-B3-Sampled: 1 is not sampled here and in the reference") {
    const Headers headers{{"b3", "0"},
                          {"x-b3-traceid", "80f198ee56343ba864fe8b2a57d3eff7"},
                          {"x-b3-spanid", "e457b5a2e4d86bd1"},
                          {"x-b3-sampled", "1"}};
    // The reference reads only the b3 header when present and finds no ids in it: no
    // context at all. We apply b3's decision to the X-B3 ids (B3Propagator's comment says
    // why): a context, not sampled. Neither gives a sampled context.
    const nlohmann::json seen = reference().extract("b3", to_json(headers));
    CHECK(seen["valid"] == false);
    const SpanContext ours = extract(*make_named_propagator("b3"), headers).span_context();
    CHECK(ours.is_valid());
    CHECK_FALSE(ours.sampled());
  }

  TEST_CASE("Jaeger ids of 16 or 32 digits and bit-0 sampling agree with the reference") {
    const auto jaeger = make_named_propagator("jaeger");
    for (const char* trace : {"000000000000000000f067aa0ba902b7", "4bf92f3577b34da6a3ce929d0e0e4736"}) {
      for (const char* flags : {"0", "1", "2", "3"}) {
        CAPTURE(trace);
        CAPTURE(flags);
        const std::string incoming = std::string(trace) + ":00f067aa0ba902b7:0:" + flags;
        const SpanContext ours = extract(*jaeger, {{"uber-trace-id", incoming}}).span_context();
        const nlohmann::json seen = reference().extract("jaeger", {{"uber-trace-id", incoming}});
        CHECK(seen["sampled"] == ours.sampled());  // "…:2" is not sampled in either
        const nlohmann::json back = reference().extract("jaeger", to_json(inject(*jaeger, Context(ours))));
        CHECK(back["traceId"] == trace);
        CHECK(back["spanId"] == "00f067aa0ba902b7");
        CHECK(back["sampled"] == ours.sampled());
      }
    }
    // The reference writes every trace id with 32 digits and flags as two digits (`01`);
    // we write 16 digits when the high half is zero (both are what the format allows) and
    // read its form back exactly.
    const nlohmann::json sent =
        reference().inject("jaeger", "000000000000000000f067aa0ba902b7", "00f067aa0ba902b7", true);
    CHECK(sent["uber-trace-id"] == "000000000000000000f067aa0ba902b7:00f067aa0ba902b7:0:01");
    const SpanContext read = extract(*jaeger, from_json(sent)).span_context();
    CHECK(read.trace_id.to_hex() == "000000000000000000f067aa0ba902b7");
    CHECK(read.sampled());
    // Where the reference departs from the format: it reads flags that are not hex as
    // sampled; we reject the header.
    CHECK(reference().extract("jaeger", {{"uber-trace-id", "4bf92f3577b34da6:00f067aa0ba902b7:0:zz"}})["sampled"] ==
          true);
    CHECK_FALSE(
        extract(*jaeger, {{"uber-trace-id", "4bf92f3577b34da6:00f067aa0ba902b7:0:zz"}}).span_context().is_valid());
  }
}
