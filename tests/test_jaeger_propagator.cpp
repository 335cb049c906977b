#include <doctest/doctest.h>

#include <string>

#include "support/headers.hpp"
#include "tracewire/propagation/jaeger_propagator.hpp"

using namespace tracewire;
using tracewire_test::extract;
using tracewire_test::header;
using tracewire_test::Headers;
using tracewire_test::inject;

namespace {
const JaegerPropagator jaeger;

SpanContext parsed(const std::string& value) { return extract(jaeger, {{"uber-trace-id", value}}).span_context(); }
}  // namespace

TEST_SUITE("propagation") {
  TEST_CASE("Jaeger extracts 64- and 128-bit ids, left-padding short ones") {
    SpanContext context = parsed("4bf92f3577b34da6a3ce929d0e0e4736:00f067aa0ba902b7:0:1");
    REQUIRE(context.is_valid());
    CHECK(context.trace_id.to_hex() == "4bf92f3577b34da6a3ce929d0e0e4736");
    CHECK(context.span_id.to_hex() == "00f067aa0ba902b7");
    CHECK(context.sampled());
    CHECK(context.is_remote);

    context = parsed("a3ce929d0e0e4736:f067aa0ba902b7:53995c3f42cd8ad8:0");
    REQUIRE(context.is_valid());
    CHECK(context.trace_id.to_hex() == "0000000000000000a3ce929d0e0e4736");
    CHECK(context.span_id.to_hex() == "00f067aa0ba902b7");
    CHECK_FALSE(context.sampled());
    CHECK(parsed("1:2:0:1").trace_id.to_hex() == "00000000000000000000000000000001");
    CHECK(parsed("abc1234567890abcdef:1:0:1").trace_id.to_hex() == "0000000000000abc1234567890abcdef");
    CHECK(parsed("ABCDEF:ABCDEF:0:1").span_id.to_hex() == "0000000000abcdef");  // clients accept either case
  }

  TEST_CASE("Jaeger flags: sampled is bit 0x01 alone; the debug bit 0x02 is kept, firehose is not") {
    // jaeger-client-go: isSampled() is flags & 1, isDebug() is flags & 2; the Jaeger format:
    // "Debug flag should only be set when the sampled flag is set"
    CHECK_FALSE(parsed("1:2:0:0").sampled());
    CHECK(parsed("1:2:0:1").sampled());
    CHECK_FALSE(parsed("1:2:0:2").sampled());  // debug without sampled is not sampled
    CHECK(parsed("1:2:0:2").flags.debug());
    CHECK(parsed("1:2:0:3").sampled());
    CHECK(parsed("1:2:0:3").flags.debug());
    CHECK_FALSE(parsed("1:2:0:1").flags.debug());
    CHECK_FALSE(parsed("1:2:0:8").sampled());  // firehose alone
    CHECK(parsed("1:2:0:0b").sampled());
    CHECK(parsed("1:2:0:0b").flags.bits() == (TraceFlags::sampled_bit | TraceFlags::debug_bit));
    CHECK(parsed("1:2:0:01").is_valid());
    CHECK(parsed("1:2:0:01").flags.bits() == 1);
  }

  TEST_CASE("Jaeger: a received debug bit is written again on inject") {
    for (const char* flags : {"0", "1", "2", "3"}) {
      CAPTURE(flags);
      const Context context =
          extract(jaeger, {{"uber-trace-id", std::string("4bf92f3577b34da6:00f067aa0ba902b7:0:") + flags}});
      CHECK(header(inject(jaeger, context), "uber-trace-id") ==
            std::string("4bf92f3577b34da6:00f067aa0ba902b7:0:") + flags);
    }
    // firehose and unused bits are not carried
    const Context firehose = extract(jaeger, {{"uber-trace-id", "4bf92f3577b34da6:00f067aa0ba902b7:0:f"}});
    CHECK(header(inject(jaeger, firehose), "uber-trace-id") == "4bf92f3577b34da6:00f067aa0ba902b7:0:3");
  }

  TEST_CASE("Jaeger accepts the URL-encoded form") {
    const SpanContext context = parsed("4bf92f3577b34da6a3ce929d0e0e4736%3A00f067aa0ba902b7%3a0%3A1");
    REQUIRE(context.is_valid());
    CHECK(context.trace_id.to_hex() == "4bf92f3577b34da6a3ce929d0e0e4736");
    CHECK(context.sampled());
  }

  TEST_CASE("Jaeger rejects malformed values") {
    for (const std::string& bad : std::vector<std::string>{"",
                                                           "0:1:0:1",
                                                           "1:0:0:1",
                                                           "00000000000000000000000000000000:1:0:1",
                                                           "1:2:0",
                                                           "1:2:0:1:5",
                                                           "1::0:1",
                                                           "1:2::1",
                                                           "1:2:0:",
                                                           "1:2:0:100",
                                                           "x:2:0:1",
                                                           "1:2:0:g",
                                                           "123456789012345678901234567890123:1:0:1",
                                                           "1:12345678901234567:0:1",
                                                           "1:2:12345678901234567:1",
                                                           "1%3G2:0:1",
                                                           "1%3:2:0:1",
                                                           "1%",
                                                           "1:2:0:1\r\n",
                                                           std::string("1:2\0:0:1", 8),
                                                           "+1:2:0:1",
                                                           "-1:2:0:1",
                                                           std::string(1 << 20, '1')}) {
      CAPTURE(bad);
      CHECK_FALSE(parsed(bad).is_valid());
    }
  }

  TEST_CASE("Jaeger inject writes trace ids of exactly 16 or 32 digits and span ids of exactly 16") {
    // "Senders SHOULD generate hex strings of exactly 16 or 32 characters in length" (trace
    // id) and "of exactly 16 characters" (span id): 16 when the trace id's high half is zero
    auto sent = [](const std::string& trace, const std::string& span, bool sampled) {
      return header(inject(jaeger, Context(tracewire_test::span_context(trace, span, sampled))), "uber-trace-id");
    };
    CHECK(sent("4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7", true) ==
          "4bf92f3577b34da6a3ce929d0e0e4736:00f067aa0ba902b7:0:1");
    CHECK(sent("000000000000000000f067aa0ba902b7", "00f067aa0ba902b7", true) ==
          "00f067aa0ba902b7:00f067aa0ba902b7:0:1");
    CHECK(sent("0000000000000001000000000000000a", "000000000000000b", false) ==
          "0000000000000001000000000000000a:000000000000000b:0:0");
    CHECK(sent("0000000000000000a3ce929d0e0e4736", "0000000000000001", true) ==
          "a3ce929d0e0e4736:0000000000000001:0:1");
    CHECK(sent("00000000000000000000000000000001", "8000000000000000", true) ==
          "0000000000000001:8000000000000000:0:1");
    // each round-trips
    for (const char* trace :
         {"4bf92f3577b34da6a3ce929d0e0e4736", "0000000000000001000000000000000a", "00000000000000000000000000000001"}) {
      const SpanContext original = tracewire_test::span_context(trace, "00f067aa0ba902b7", true);
      CHECK(extract(jaeger, inject(jaeger, Context(original))).span_context().trace_id == original.trace_id);
    }
  }

  TEST_CASE("Jaeger baggage: uberctx- headers, jaeger-baggage and jaeger-debug-id") {
    const Context context = extract(jaeger, {{"uber-trace-id", "1:2:0:1"},
                                             {"uberctx-user", "alice"},
                                             {"UberCtx-City", "S%C3%A3o%20Paulo"},
                                             {"uberctx-bad", "%zz"},
                                             {"jaeger-baggage", "k1=v1, k2 = v2"},
                                             {"jaeger-debug-id", "my-debug"}});
    CHECK(context.span_context().is_valid());
    const Baggage& bag = context.baggage();
    CHECK(bag.get("user") == std::string_view("alice"));
    CHECK(bag.get("city") == std::string_view("S\xc3\xa3o Paulo"));
    CHECK_FALSE(bag.get("bad"));
    CHECK(bag.get("k1") == std::string_view("v1"));
    CHECK(bag.get("k2") == std::string_view("v2"));
    CHECK(bag.get("jaeger-debug-id") == std::string_view("my-debug"));
    // baggage without a context is still extracted, and merged over the base
    const Context base = Context().with_baggage(Baggage().set("tenant", "acme"));
    const Context only_baggage = extract(jaeger, {{"uberctx-user", "bob"}}, base);
    CHECK_FALSE(only_baggage.span_context().is_valid());
    CHECK(only_baggage.baggage().get("tenant") == std::string_view("acme"));
    CHECK(only_baggage.baggage().get("user") == std::string_view("bob"));
  }

  TEST_CASE("Jaeger inject writes one URL-encoded uberctx- header per entry, never a control character") {
    const Baggage bag = Baggage().set("user", "alice smith").set("crlf", "a\r\nb: c").set("bad key", "x");
    const Headers headers = inject(
        jaeger,
        Context(tracewire_test::span_context("4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7", true), bag));
    CHECK(header(headers, "uberctx-user") == "alice%20smith");
    CHECK(header(headers, "uberctx-crlf") == "a%0D%0Ab%3A%20c");
    CHECK(headers.size() == 3);
    CHECK(tracewire_test::is_clean(headers));
    CHECK(extract(jaeger, headers).baggage().get("crlf") == std::string_view("a\r\nb: c"));
  }

  TEST_CASE("Jaeger header names are configurable") {
    JaegerPropagator::Options options;
    options.trace_header = "X-Trace-Id";
    options.baggage_prefix = "ctx-";
    const JaegerPropagator custom(options);
    CHECK(custom.fields() == std::vector<std::string>{"x-trace-id"});
    const Context context = extract(custom, {{"x-trace-id", "1:2:0:1"}, {"ctx-a", "b"}, {"uber-trace-id", "3:4:0:1"}});
    CHECK(context.span_context().span_id.to_u64() == 2);
    CHECK(context.baggage().get("a") == std::string_view("b"));
    const Headers headers = inject(custom, context);
    CHECK(header(headers, "x-trace-id") == "0000000000000001:0000000000000002:0:1");
    CHECK(header(headers, "ctx-a") == "b");
  }

  TEST_CASE("Jaeger bounds extracted baggage and survives hostile input") {
    Headers headers;
    for (int i = 0; i < 100; ++i) headers.push_back({"uberctx-k" + std::to_string(i), "v"});
    headers.push_back({"uberctx-huge", std::string(1 << 20, 'x')});
    const Baggage bag = extract(jaeger, headers).baggage();
    CHECK(bag.size() == 64);
    CHECK_FALSE(bag.get("huge"));
    CHECK(extract(jaeger, {{"uber-trace-id", "1:2:0:1"}, {"uber-trace-id", "1:3:0:1"}}) == Context());
  }
}
