#include <doctest/doctest.h>

#include <string>

#include "support/headers.hpp"
#include "tracewire/propagation/trace_context_propagator.hpp"

using namespace tracewire;
using tracewire_test::extract;
using tracewire_test::header;
using tracewire_test::Headers;
using tracewire_test::inject;

namespace {
const TraceContextPropagator w3c;
constexpr const char* trace_hex = "12345678901234567890123456789012";

// What the W3C test suite checks: does the service continue the given trace?
bool continues(const Headers& headers) {
  const Context extracted = extract(w3c, headers);  // owns the span context read below
  const SpanContext& context = extracted.span_context();
  return context.is_valid() && context.trace_id.to_hex() == trace_hex;
}
bool continues(const std::string& traceparent) { return continues(Headers{{"traceparent", traceparent}}); }

TraceState extracted_state(const Headers& tracestate_headers) {
  Headers headers{{"traceparent", "00-12345678901234567890123456789012-1234567890123456-00"}};
  headers.insert(headers.end(), tracestate_headers.begin(), tracestate_headers.end());
  const Context context = extract(w3c, headers);
  REQUIRE(context.span_context().is_valid());
  return context.span_context().trace_state;
}
}  // namespace

TEST_SUITE("propagation") {
  TEST_CASE("TraceContext extracts the specification's examples as a remote context") {
    const Context context = extract(w3c, {{"traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"},
                                          {"tracestate", "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE"}});
    const SpanContext& span = context.span_context();
    REQUIRE(span.is_valid());
    CHECK(span.trace_id.to_hex() == "4bf92f3577b34da6a3ce929d0e0e4736");
    CHECK(span.span_id.to_hex() == "00f067aa0ba902b7");
    CHECK(span.sampled());
    CHECK(span.is_remote);
    CHECK(span.trace_state.to_header() == "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE");

    const SpanContext unsampled =
        extract(w3c, {{"traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00"}}).span_context();
    REQUIRE(unsampled.is_valid());
    CHECK_FALSE(unsampled.sampled());
    CHECK(unsampled.trace_state.empty());
  }

  TEST_CASE("TraceContext: W3C test suite traceparent cases") {
    CHECK(continues("00-12345678901234567890123456789012-1234567890123456-01"));
    // header name casing
    CHECK(continues(Headers{{"TraceParent", "00-12345678901234567890123456789012-1234567890123456-01"}}));
    CHECK(continues(Headers{{"TRACEPARENT", "00-12345678901234567890123456789012-1234567890123456-01"}}));
    CHECK_FALSE(continues(Headers{{"trace-parent", "00-12345678901234567890123456789012-1234567890123456-01"}}));
    CHECK_FALSE(continues(Headers{{"trace.parent", "00-12345678901234567890123456789012-1234567890123456-01"}}));
    // duplicated header
    CHECK_FALSE(continues(Headers{{"traceparent", "00-12345678901234567890123456789011-1234567890123456-01"},
                                  {"traceparent", "00-12345678901234567890123456789012-1234567890123456-01"}}));
    // version 00 must be exactly 55 characters
    CHECK_FALSE(continues("00-12345678901234567890123456789012-1234567890123456-01."));
    CHECK_FALSE(continues("00-12345678901234567890123456789012-1234567890123456-01-what-the-future-will-be-like"));
    // a future version: the four known fields, then the end or '-'
    CHECK(continues("cc-12345678901234567890123456789012-1234567890123456-01"));
    CHECK(continues("cc-12345678901234567890123456789012-1234567890123456-01-what-the-future-will-be-like"));
    CHECK_FALSE(continues("cc-12345678901234567890123456789012-1234567890123456-01.what-the-future-will-be-like"));
    CHECK_FALSE(continues("ff-12345678901234567890123456789012-1234567890123456-01"));
    // version field
    CHECK_FALSE(continues(".0-12345678901234567890123456789012-1234567890123456-01"));
    CHECK_FALSE(continues("0.-12345678901234567890123456789012-1234567890123456-01"));
    CHECK_FALSE(continues("000-12345678901234567890123456789012-1234567890123456-01"));
    CHECK_FALSE(continues("0000-12345678901234567890123456789012-1234567890123456-01"));
    CHECK_FALSE(continues("0-12345678901234567890123456789012-1234567890123456-01"));
    // trace id
    CHECK_FALSE(extract(w3c, {{"traceparent", "00-00000000000000000000000000000000-1234567890123456-01"}})
                    .span_context()
                    .is_valid());
    CHECK_FALSE(continues("00-.2345678901234567890123456789012-1234567890123456-01"));
    CHECK_FALSE(continues("00-1234567890123456789012345678901.-1234567890123456-01"));
    CHECK_FALSE(continues("00-123456789012345678901234567890123-1234567890123456-01"));
    CHECK_FALSE(continues("00-1234567890123456789012345678901-1234567890123456-01"));
    // parent id
    CHECK_FALSE(continues("00-12345678901234567890123456789012-0000000000000000-01"));
    CHECK_FALSE(continues("00-12345678901234567890123456789012-.234567890123456-01"));
    CHECK_FALSE(continues("00-12345678901234567890123456789012-123456789012345.-01"));
    CHECK_FALSE(continues("00-12345678901234567890123456789012-12345678901234567-01"));
    CHECK_FALSE(continues("00-12345678901234567890123456789012-123456789012345-01"));
    // flags
    CHECK_FALSE(continues("00-12345678901234567890123456789012-1234567890123456-.0"));
    CHECK_FALSE(continues("00-12345678901234567890123456789012-1234567890123456-0."));
    CHECK_FALSE(continues("00-12345678901234567890123456789012-1234567890123456-001"));
    CHECK_FALSE(continues("00-12345678901234567890123456789012-1234567890123456-1"));
    // optional whitespace around the value
    CHECK(continues(" 00-12345678901234567890123456789012-1234567890123456-01"));
    CHECK(continues("\t00-12345678901234567890123456789012-1234567890123456-01"));
    CHECK(continues("00-12345678901234567890123456789012-1234567890123456-01 "));
    CHECK(continues("\t 00-12345678901234567890123456789012-1234567890123456-01 \t"));
  }

  TEST_CASE("TraceContext accepts lowercase hex only") {
    CHECK_FALSE(continues("00-1234567890123456789012345678901A-1234567890123456-01"));
    CHECK_FALSE(extract(w3c, {{"traceparent", "00-4BF92F3577B34DA6A3CE929D0E0E4736-00F067AA0BA902B7-01"}})
                    .span_context()
                    .is_valid());
    CHECK_FALSE(continues("00-12345678901234567890123456789012-1234567890123456-0A"));
    CHECK_FALSE(continues("0A-12345678901234567890123456789012-1234567890123456-01"));
  }

  TEST_CASE("TraceContext keeps the sampled and random flags and clears reserved bits") {
    auto flags_of = [](const char* flags) {
      return extract(w3c,
                     {{"traceparent", std::string("00-12345678901234567890123456789012-1234567890123456-") + flags}})
          .span_context()
          .flags.bits();
    };
    CHECK(flags_of("00") == 0);
    CHECK(flags_of("01") == 1);
    CHECK(flags_of("02") == 2);  // Level 2: random trace id
    CHECK(flags_of("03") == 3);
    CHECK(flags_of("09") == 1);  // a future flag with sampled: mask, do not compare the byte
    CHECK(flags_of("ff") == 3);
    SpanContext context = tracewire_test::span_context(trace_hex, "1234567890123456", true);
    context.flags = TraceFlags(0xff);
    CHECK(header(inject(w3c, Context(context)), "traceparent") ==
          "00-12345678901234567890123456789012-1234567890123456-03");
  }

  TEST_CASE("TraceContext: W3C test suite tracestate cases") {
    // tracestate without a valid traceparent is ignored
    CHECK(extract(w3c, {{"tracestate", "foo=1"}}) == Context());
    CHECK(extract(w3c, {{"traceparent", "00-00000000000000000000000000000000-1234567890123456-01"},
                        {"tracestate", "foo=1"}}) == Context());
    CHECK(extracted_state({{"tracestate", "foo=1,bar=2"}}).to_header() == "foo=1,bar=2");
    // header names in any case; wrong names ignored
    CHECK(extracted_state({{"TrAcEsTaTe", "foo=1"}}).get("foo") == std::string_view("1"));
    CHECK(extracted_state({{"trace-state", "foo=1"}}).empty());
    CHECK(extracted_state({{"trace.state", "foo=1"}}).empty());
    // empty headers
    CHECK(extracted_state({{"tracestate", ""}}).empty());
    CHECK(extracted_state({{"tracestate", "foo=1"}, {"tracestate", ""}}).to_header() == "foo=1");
    CHECK(extracted_state({{"tracestate", ""}, {"tracestate", "foo=1"}}).to_header() == "foo=1");
    // several headers combine in order
    CHECK(extracted_state({{"tracestate", "foo=1,bar=2"}, {"tracestate", "rojo=1,congo=2"}, {"tracestate", "baz=3"}})
              .to_header() == "foo=1,bar=2,rojo=1,congo=2,baz=3");
    // tracestate_duplicated_keys (Level 2, w3c/trace-context#477: uniqueness is the sender's
    // duty; "vendors MAY also discard duplicate keys"): the list is kept, with the first
    // occurrence of the key, within one header or across several
    CHECK(extracted_state({{"tracestate", "foo=1,foo=1"}}).to_header() == "foo=1");
    CHECK(extracted_state({{"tracestate", "foo=1,foo=2"}}).to_header() == "foo=1");
    CHECK(extracted_state({{"tracestate", "foo=1"}, {"tracestate", "foo=1"}}).to_header() == "foo=1");
    CHECK(extracted_state({{"tracestate", "foo=1"}, {"tracestate", "foo=2"}}).to_header() == "foo=1");
    CHECK(extracted_state({{"tracestate", "foo=1,bar=2,foo=3,baz=4"}}).to_header() == "foo=1,bar=2,baz=4");
    // all allowed characters
    const std::string key = "abcdefghijklmnopqrstuvwxyz0123456789_-*/";
    std::string value;
    for (char c = 0x20; c <= 0x7e; ++c) {
      if (c != ',' && c != '=') value += c;
    }
    CHECK(extracted_state({{"tracestate", key + "=" + value}}).get(key) == std::string_view(value));
    CHECK(extracted_state({{"tracestate", key + "@a-z0-9_-*/=" + value}}).get(key + "@a-z0-9_-*/") ==
          std::string_view(value));
    // optional whitespace
    auto state = extracted_state({{"tracestate", "foo=1 \t , \t bar=2, \t baz=3"}});
    CHECK(state.to_header() == "foo=1,bar=2,baz=3");
    CHECK(extracted_state({{"tracestate", "\t foo=1 \t"}}).get("foo") == std::string_view("1"));
    // tracestate_key_illegal_characters, tracestate_value_illegal_characters: the whole list goes
    for (const char* bad : {"foo =1", "FOO=1", "foo.bar=1", "@foo=1,bar=2", "foo=bar=baz", "foo=,bar=3"}) {
      CAPTURE(bad);
      CHECK(extracted_state({{"tracestate", bad}}).empty());
    }
    // tracestate_key_illegal_vendor_format (Level 2 key = (lcalpha / DIGIT) 0*255(keychar),
    // keychar including "@"): an "@" anywhere after the first character is valid
    for (const char* good : {"foo@=1,bar=2", "foo@@bar=1,bar=2", "foo@bar@baz=1,bar=2"}) {
      CAPTURE(good);
      const TraceState state = extracted_state({{"tracestate", good}});
      REQUIRE(state.size() == 2);
      CHECK(state.get(std::string_view(good).substr(0, std::string_view(good).find('='))) == std::string_view("1"));
      CHECK(state.get("bar") == std::string_view("2"));
    }
    // tracestate_key_length_limit: up to 256 characters in all, "@" counted like any keychar
    CHECK(extracted_state({{"tracestate", "foo=1"}, {"tracestate", std::string(256, 'z') + "=1"}}).size() == 2);
    CHECK(extracted_state({{"tracestate", "foo=1"}, {"tracestate", std::string(257, 'z') + "=1"}}).empty());
    for (const std::string& key : {std::string(241, 't') + "@" + std::string(14, 'v'), std::string(242, 't') + "@v",
                                   "t@" + std::string(15, 'v')}) {
      CAPTURE(key);
      const TraceState state = extracted_state({{"tracestate", "foo=1"}, {"tracestate", key + "=1"}});
      CHECK(state.get("foo") == std::string_view("1"));
      CHECK(state.get(key) == std::string_view("1"));
    }
    // 32 members across headers are kept, 33 are not
    std::string members;
    for (int i = 1; i <= 32; ++i) members += (i > 1 ? "," : "") + std::string("bar") + std::to_string(i) + "=1";
    CHECK(extracted_state({{"tracestate", members}}).size() == 32);
    CHECK(extracted_state({{"tracestate", members}, {"tracestate", "bar33=1"}}).empty());
  }

  TEST_CASE("TraceContext inject writes version 00 and the tracestate, lowercase names") {
    const SpanContext context = tracewire_test::span_context("4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7",
                                                             true, "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE");
    const Headers headers = inject(w3c, Context(context));
    CHECK(headers == Headers{{"traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"},
                             {"tracestate", "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE"}});
    // a future version is re-emitted as 00
    const Context future =
        extract(w3c, {{"traceparent", "cc-12345678901234567890123456789012-1234567890123456-01-extra"}});
    CHECK(header(inject(w3c, future), "traceparent") == "00-12345678901234567890123456789012-1234567890123456-01");
    // no tracestate header for an empty state; nothing at all for an invalid context
    CHECK(inject(w3c, Context(tracewire_test::span_context(trace_hex, "1234567890123456", false))).size() == 1);
    CHECK(inject(w3c, Context()).empty());
  }

  TEST_CASE("TraceContext round-trips and reports the fields it writes") {
    const SpanContext original =
        tracewire_test::span_context(trace_hex, "1234567890123456", true, "congo=t61rcWkgMzE,rojo=00f067aa0ba902b7");
    SpanContext remote = original;
    remote.is_remote = true;
    CHECK(extract(w3c, inject(w3c, Context(original))).span_context() == remote);
    CHECK(w3c.fields() == std::vector<std::string>{"traceparent", "tracestate"});
    CHECK(w3c.describe() == "TraceContextPropagator{max_tracestate_length=512}");
  }

  TEST_CASE("TraceContext truncates an over-long tracestate by whole members, longest first") {
    std::string list = "a=1,long=" + std::string(200, 'x');
    for (int i = 0; i < 20; ++i) list += ",k" + std::to_string(i) + "=" + std::string(30, 'v');
    const SpanContext context = tracewire_test::span_context(trace_hex, "1234567890123456", true, list);
    REQUIRE(context.trace_state.header().size() > 512);
    const std::string sent = header(inject(w3c, Context(context)), "tracestate");
    CHECK(sent.size() <= 512);
    CHECK(sent.rfind("a=1,k0=", 0) == 0);
    CHECK(sent.find("long=") == std::string::npos);
    const TraceState received = TraceState::parse(sent);
    for (const auto& member : received.members())
      CHECK(context.trace_state.get(member.key) == std::string_view(member.value));
    // a larger limit carries it whole
    const TraceContextPropagator generous(4096);
    CHECK(header(inject(generous, Context(context)), "tracestate") == list);
  }

  TEST_CASE("TraceContext survives hostile input without a context or a crash") {
    const std::string valid = "00-12345678901234567890123456789012-1234567890123456-01";
    for (const std::string& bad : std::vector<std::string>{
             valid + std::string(1, '\0'), std::string(1, '\0') + valid, valid + "\r\n",
             std::string("00-1234567890123456\n890123456789012-1234567890123456-01"), std::string(1 << 20, '0'),
             "00-" + std::string(1 << 20, 'a'), std::string("00-\xc3\xa9") + valid.substr(5), std::string("")}) {
      CHECK_FALSE(extract(w3c, {{"traceparent", bad}}).span_context().is_valid());
    }
    // a 1 MB tracestate next to a valid traceparent: the context survives, the list does not
    const Context context = extract(w3c, {{"traceparent", valid}, {"tracestate", std::string(1 << 20, 'a')}});
    CHECK(context.span_context().is_valid());
    CHECK(context.span_context().trace_state.empty());
    CHECK(extracted_state({{"tracestate", "a=1\r\nx: y"}}).empty());
    CHECK(extracted_state({{"tracestate", std::string("a=1\0", 4)}}).empty());
    // what inject writes is always clean
    CHECK(tracewire_test::is_clean(inject(w3c, context)));
  }
}
