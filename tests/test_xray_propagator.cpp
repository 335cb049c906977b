#include <doctest/doctest.h>

#include <string>

#include "support/headers.hpp"
#include "tracewire/propagation/xray_propagator.hpp"

using namespace tracewire;
using tracewire_test::extract;
using tracewire_test::header;
using tracewire_test::Headers;
using tracewire_test::inject;

namespace {
const XRayPropagator xray;

SpanContext parsed(const std::string& value) { return extract(xray, {{"X-Amzn-Trace-Id", value}}).span_context(); }
}  // namespace

TEST_SUITE("propagation") {
  TEST_CASE("X-Ray maps Root to the 128-bit trace id") {
    const SpanContext context = parsed("Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1");
    REQUIRE(context.is_valid());
    CHECK(context.trace_id.to_hex() == "5759e988bd862e3fe1be46a994272793");
    CHECK(context.span_id.to_hex() == "53995c3f42cd8ad8");
    CHECK(context.sampled());
    CHECK(context.is_remote);
    CHECK_FALSE(parsed("Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=0").sampled());
  }

  TEST_CASE("X-Ray reads fields in any order, with whitespace and unknown fields") {
    const SpanContext context = parsed(
        " Sampled=1 ; Self=1-67891234-12456789abcdef012345678;Parent=53995C3F42CD8AD8; "
        "Root=1-5759E988-BD862E3FE1BE46A994272793;Lineage=a87bd80c:1|68fd508a:5");
    REQUIRE(context.is_valid());
    CHECK(context.trace_id.to_hex() == "5759e988bd862e3fe1be46a994272793");
    CHECK(context.span_id.to_hex() == "53995c3f42cd8ad8");
  }

  TEST_CASE("X-Ray rejects incomplete or malformed headers") {
    for (const std::string& bad : std::vector<std::string>{
             "", "Root=1-5759e988-bd862e3fe1be46a994272793",
             "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8",
             "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=?",
             "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=2",
             "Root=2-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1",
             "Root=1-5759e98-8bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1",
             "Root=1-5759e988-bd862e3fe1be46a99427279;Parent=53995c3f42cd8ad8;Sampled=1",
             "Root=1-5759e988-bd862e3fe1be46a99427279x;Parent=53995c3f42cd8ad8;Sampled=1",
             "Root=1-00000000-000000000000000000000000;Parent=53995c3f42cd8ad8;Sampled=1",
             "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=0000000000000000;Sampled=1",
             "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad;Sampled=1",
             "root=1-5759e988-bd862e3fe1be46a994272793;parent=53995c3f42cd8ad8;sampled=1",
             std::string("Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8\0;Sampled=1", 75),
             "Root=1-5759e988-bd862e3fe1be46a994272793\r\n;Parent=53995c3f42cd8ad8;Sampled=1",
             std::string(1 << 20, ';')}) {
      CAPTURE(bad);
      CHECK_FALSE(parsed(bad).is_valid());
    }
  }

  TEST_CASE("X-Ray inject writes Root, Parent and Sampled, and round-trips") {
    const Context context(tracewire_test::span_context("5759e988bd862e3fe1be46a994272793", "53995c3f42cd8ad8", true));
    const Headers headers = inject(xray, context);
    CHECK(headers ==
          Headers{{"x-amzn-trace-id", "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1"}});
    SpanContext expected = context.span_context();
    expected.is_remote = true;
    CHECK(extract(xray, headers).span_context() == expected);
    CHECK(header(inject(xray, Context(tracewire_test::span_context("5759e988bd862e3fe1be46a994272793",
                                                                   "53995c3f42cd8ad8", false))),
                 "x-amzn-trace-id")
              .substr(65) == "Sampled=0");
    CHECK(inject(xray, Context()).empty());
    CHECK(xray.fields() == std::vector<std::string>{"x-amzn-trace-id"});
  }
}
