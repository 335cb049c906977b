#include <doctest/doctest.h>

#include <string>

#include "support/headers.hpp"
#include "tracewire/propagation/b3_propagator.hpp"

using namespace tracewire;
using tracewire_test::extract;
using tracewire_test::header;
using tracewire_test::Headers;
using tracewire_test::inject;

namespace {
const B3Propagator single(B3Encoding::single_header);
const B3Propagator multi(B3Encoding::multi_header);

SpanContext from_single(const std::string& value) { return extract(single, {{"b3", value}}).span_context(); }
}  // namespace

TEST_SUITE("propagation") {
  TEST_CASE("B3 single header: every shortened form") {
    SpanContext context = from_single("80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-1-05e3ac9a4f6e3b90");
    REQUIRE(context.is_valid());
    CHECK(context.trace_id.to_hex() == "80f198ee56343ba864fe8b2a57d3eff7");
    CHECK(context.span_id.to_hex() == "e457b5a2e4d86bd1");
    CHECK(context.sampled());
    CHECK(context.is_remote);
    CHECK(from_single("80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-1").sampled());
    CHECK(from_single("80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-d").sampled());  // debug
    CHECK_FALSE(from_single("80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-0").sampled());
    context = from_single("80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1");  // deferred decision
    CHECK(context.is_valid());
    CHECK_FALSE(context.sampled());
    context = from_single("64fe8b2a57d3eff7-e457b5a2e4d86bd1-1");
    CHECK(context.trace_id.to_hex() == "000000000000000064fe8b2a57d3eff7");
    // a sampling decision alone carries no context
    for (const char* decision : {"0", "1", "d"}) CHECK_FALSE(from_single(decision).is_valid());
  }

  TEST_CASE("B3 single header rejects what the format does not define") {
    for (const std::string& bad : std::vector<std::string>{
             "", "-", "80f198ee56343ba864fe8b2a57d3eff7", "80f198ee56343ba864fe8b2a57d3eff7-",
             "80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-",
             "80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-2",
             "80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-true",
             "80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-1-05e3ac9a4f6e3b9",
             "80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-1-05e3ac9a4f6e3b90-x",
             "80F198EE56343BA864FE8B2A57D3EFF7-E457B5A2E4D86BD1-1",
             "80f198ee56343ba864fe8b2a57d3eff-e457b5a2e4d86bd1-1", "0000000000000000-e457b5a2e4d86bd1-1",
             "80f198ee56343ba864fe8b2a57d3eff7-0000000000000000-1", "80f198ee56343ba8-64fe8b2a57d3eff7e-1",
             "80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-1\r\n",
             std::string("80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1\0-1", 51), "x",
             std::string(1 << 20, 'a')}) {
      CAPTURE(bad);
      CHECK_FALSE(from_single(bad).is_valid());
    }
  }

  TEST_CASE("B3 multiple headers") {
    Context context = extract(multi, {{"X-B3-TraceId", "80f198ee56343ba864fe8b2a57d3eff7"},
                                      {"X-B3-SpanId", "e457b5a2e4d86bd1"},
                                      {"X-B3-ParentSpanId", "05e3ac9a4f6e3b90"},
                                      {"X-B3-Sampled", "1"}});
    REQUIRE(context.span_context().is_valid());
    CHECK(context.span_context().trace_id.to_hex() == "80f198ee56343ba864fe8b2a57d3eff7");
    CHECK(context.span_context().sampled());
    auto sampled_with = [](const Headers& extra) {
      Headers headers{{"x-b3-traceid", "64fe8b2a57d3eff7"}, {"x-b3-spanid", "e457b5a2e4d86bd1"}};
      headers.insert(headers.end(), extra.begin(), extra.end());
      const SpanContext found = extract(multi, headers).span_context();
      return found.is_valid() ? std::optional<bool>(found.sampled()) : std::nullopt;
    };
    CHECK(sampled_with({}) == false);  // deferred
    CHECK(sampled_with({{"x-b3-sampled", "0"}}) == false);
    CHECK(sampled_with({{"x-b3-sampled", "true"}}) == true);  // legacy spelling
    CHECK(sampled_with({{"x-b3-sampled", "false"}}) == false);
    CHECK(sampled_with({{"x-b3-flags", "1"}}) == true);  // debug
    CHECK(sampled_with({{"x-b3-flags", "1"}, {"x-b3-sampled", "0"}}) == true);
    CHECK(sampled_with({{"x-b3-sampled", "yes"}}) == std::nullopt);
    // "When extracting state headers, the first value wins" (B3 specification, Multiple Headers)
    CHECK(sampled_with({{"x-b3-sampled", "1"}, {"x-b3-sampled", "0"}}) == true);
    CHECK(sampled_with({{"x-b3-sampled", "0"}, {"x-b3-sampled", "1"}}) == false);
    CHECK(extract(multi, {{"x-b3-traceid", "64fe8b2a57d3eff7"}}) == Context());
    CHECK(extract(multi, {{"x-b3-traceid", "64FE8B2A57D3EFF7"}, {"x-b3-spanid", "e457b5a2e4d86bd1"}}) == Context());
    CHECK(extract(multi, {{"x-b3-traceid", "64fe8b2a57d3eff"}, {"x-b3-spanid", "e457b5a2e4d86bd1"}}) == Context());
  }

  TEST_CASE("B3 extract reads both encodings, the single header first") {
    // "The single-header variant takes precedence over the multiple header one"
    const Headers both{{"b3", "80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-1"},
                       {"x-b3-traceid", "64fe8b2a57d3eff7"},
                       {"x-b3-spanid", "0000000000000001"}};
    CHECK(extract(single, both).span_context().span_id.to_hex() == "e457b5a2e4d86bd1");
    CHECK(extract(multi, both).span_context().span_id.to_hex() == "e457b5a2e4d86bd1");
    const Headers only_multi{{"x-b3-traceid", "64fe8b2a57d3eff7"}, {"x-b3-spanid", "0000000000000001"}};
    CHECK(extract(single, only_multi).span_context().span_id.to_u64() == 1);
    // an invalid b3 falls back to the multi headers
    const Headers bad_single{
        {"b3", "garbage"}, {"x-b3-traceid", "64fe8b2a57d3eff7"}, {"x-b3-spanid", "0000000000000001"}};
    CHECK(extract(single, bad_single).span_context().span_id.to_u64() == 1);
  }

  TEST_CASE("B3: a sampling-only b3 header wins over X-B3-Sampled and X-B3-Flags") {
    // "b3: 0" is a deny decision; it takes precedence over X-B3-Sampled: 1, so the context
    // from the X-B3 ids is not sampled (not a sampled context)
    const Headers multi_sampled{{"x-b3-traceid", "80f198ee56343ba864fe8b2a57d3eff7"},
                                {"x-b3-spanid", "e457b5a2e4d86bd1"},
                                {"x-b3-sampled", "1"}};
    auto with_b3 = [&](const char* b3) {
      Headers headers{{"b3", b3}};
      headers.insert(headers.end(), multi_sampled.begin(), multi_sampled.end());
      return headers;
    };
    for (const B3Propagator* propagator : {&single, &multi}) {
      const SpanContext denied = extract(*propagator, with_b3("0")).span_context();
      REQUIRE(denied.is_valid());
      CHECK(denied.trace_id.to_hex() == "80f198ee56343ba864fe8b2a57d3eff7");
      CHECK(denied.span_id.to_hex() == "e457b5a2e4d86bd1");
      CHECK_FALSE(denied.sampled());
      CHECK_FALSE(denied.flags.debug());
      // "b3: d" is debug (an accept) over a deny in X-B3-Sampled
      Headers debug_over_deny{{"b3", "d"},
                              {"x-b3-traceid", "80f198ee56343ba864fe8b2a57d3eff7"},
                              {"x-b3-spanid", "e457b5a2e4d86bd1"},
                              {"x-b3-sampled", "0"}};
      const SpanContext debug = extract(*propagator, debug_over_deny).span_context();
      CHECK(debug.sampled());
      CHECK(debug.flags.debug());
      // "b3: 1" over X-B3-Flags: 1 is an accept without debug
      Headers accept_over_debug{{"b3", "1"},
                                {"x-b3-traceid", "80f198ee56343ba864fe8b2a57d3eff7"},
                                {"x-b3-spanid", "e457b5a2e4d86bd1"},
                                {"x-b3-flags", "1"}};
      const SpanContext accept = extract(*propagator, accept_over_debug).span_context();
      CHECK(accept.sampled());
      CHECK_FALSE(accept.flags.debug());
      // a decision without ids anywhere carries no context
      CHECK(extract(*propagator, {{"b3", "0"}}) == Context());
      CHECK(extract(*propagator, {{"b3", "d"}}) == Context());
    }
  }

  TEST_CASE("B3: repeated headers, the first value wins") {
    Context context = extract(multi, {{"x-b3-traceid", "80f198ee56343ba864fe8b2a57d3eff7"},
                                      {"x-b3-traceid", "64fe8b2a57d3eff7"},
                                      {"x-b3-spanid", "e457b5a2e4d86bd1"},
                                      {"x-b3-spanid", "0000000000000001"},
                                      {"x-b3-sampled", "1"},
                                      {"x-b3-sampled", "0"}});
    REQUIRE(context.span_context().is_valid());
    CHECK(context.span_context().trace_id.to_hex() == "80f198ee56343ba864fe8b2a57d3eff7");
    CHECK(context.span_context().span_id.to_hex() == "e457b5a2e4d86bd1");
    CHECK(context.span_context().sampled());
    context = extract(single, {{"b3", "80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-0"},
                               {"b3", "64fe8b2a57d3eff7-0000000000000001-1"}});
    CHECK(context.span_context().span_id.to_hex() == "e457b5a2e4d86bd1");
    CHECK_FALSE(context.span_context().sampled());
  }

  TEST_CASE("B3: the debug state survives extract then inject, in both encodings") {
    const Headers debug_single{{"b3", "80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-d"}};
    const Headers debug_multi{
        {"x-b3-traceid", "80f198ee56343ba864fe8b2a57d3eff7"}, {"x-b3-spanid", "e457b5a2e4d86bd1"}, {"x-b3-flags", "1"}};
    for (const Headers* incoming : {&debug_single, &debug_multi}) {
      const Context context = extract(single, *incoming);
      REQUIRE(context.span_context().is_valid());
      CHECK(context.span_context().sampled());
      CHECK(context.span_context().flags.debug());
      CHECK(inject(single, context) == Headers{{"b3", "80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-d"}});
      // "Debug implies an accept decision, so don't also send the X-B3-Sampled header"
      CHECK(inject(multi, context) == Headers{{"x-b3-traceid", "80f198ee56343ba864fe8b2a57d3eff7"},
                                              {"x-b3-spanid", "e457b5a2e4d86bd1"},
                                              {"x-b3-flags", "1"}});
    }
    // debug without sampled (Jaeger's `…:2`) cannot be said in B3, where debug means accept
    SpanContext odd = tracewire_test::span_context("80f198ee56343ba864fe8b2a57d3eff7", "e457b5a2e4d86bd1", false);
    odd.flags = TraceFlags(TraceFlags::debug_bit);
    CHECK(header(inject(single, Context(odd)), "b3") == "80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-0");
  }

  TEST_CASE("B3 inject: single or multiple headers, 32-digit trace id") {
    const Context context(
        tracewire_test::span_context("80f198ee56343ba864fe8b2a57d3eff7", "e457b5a2e4d86bd1", true, "a=1"));
    CHECK(inject(single, context) == Headers{{"b3", "80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-1"}});
    CHECK(inject(multi, context) == Headers{{"x-b3-traceid", "80f198ee56343ba864fe8b2a57d3eff7"},
                                            {"x-b3-spanid", "e457b5a2e4d86bd1"},
                                            {"x-b3-sampled", "1"}});
    const Context unsampled(
        tracewire_test::span_context("000000000000000064fe8b2a57d3eff7", "e457b5a2e4d86bd1", false));
    CHECK(header(inject(single, unsampled), "b3") == "000000000000000064fe8b2a57d3eff7-e457b5a2e4d86bd1-0");
    CHECK(inject(single, Context()).empty());
    for (const B3Propagator* propagator : {&single, &multi}) {
      const SpanContext back = extract(*propagator, inject(*propagator, context)).span_context();
      CHECK(back.trace_id == context.span_context().trace_id);
      CHECK(back.span_id == context.span_context().span_id);
      CHECK(back.sampled());
      CHECK(back.trace_state.empty());  // B3 has no tracestate
    }
    CHECK(single.fields() == std::vector<std::string>{"b3"});
    CHECK(multi.fields().size() == 5);
  }
}
