// XRayIdGenerator: its ids are accepted by the AWS X-Ray SDK and the OpenTelemetry X-Ray
// propagator, have the shape OpenTelemetry's own X-Ray id generator gives them, and cross
// the X-Amzn-Trace-Id header both ways (tests/peers/xray.js, propagators.js).
#include <doctest/doctest.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <set>
#include <string>

#include "support/peer_process.hpp"
#include "tracewire/export/xray/xray_encoder.hpp"
#include "tracewire/propagation/text_map_carrier.hpp"
#include "tracewire/propagation/xray_propagator.hpp"
#include "tracewire/trace/tracer_provider.hpp"
#include "tracewire/trace/xray_id_generator.hpp"

using namespace tracewire;
using nlohmann::json;

namespace {

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::string xray_form(const TraceId& id) {
  char text[35];
  detail::write_xray_trace_id(id, text);
  return std::string(text, sizeof text);
}

std::string inject_xray(const SpanContext& context) {
  std::map<std::string, std::string> headers;
  ContainerSetter<std::map<std::string, std::string>> setter(headers);
  XRayPropagator().inject(Context().with_span_context(context), setter);
  return headers.at("x-amzn-trace-id");
}

}  // namespace

TEST_SUITE("trace") {
  TEST_CASE("XRayIdGenerator: the first 4 bytes are the current Unix time, the other 12 random") {
    XRayIdGenerator generator;
    const std::int64_t before = unix_now();
    std::set<std::string> seen;
    for (int i = 0; i < 1000; ++i) {
      const TraceId id = generator.new_trace_id();
      CHECK(id.is_valid());
      seen.insert(id.to_hex().substr(8));
      const std::int64_t seconds = XRayIdGenerator::unix_seconds_of(id);
      CHECK(seconds >= before);
      CHECK(seconds <= unix_now());
      CHECK(generator.new_span_id().is_valid());
    }
    CHECK(seen.size() == 1000);  // 96 random bits: a repeat would be a broken generator
    CHECK(generator.random_trace_ids());
    CHECK(XRayIdGenerator::trace_id_at(0x6553f100).to_hex().substr(0, 8) == "6553f100");
  }

  TEST_CASE("XRayIdGenerator: a provider using it starts traces with X-Ray ids and the W3C random flag") {
    TracerProviderOptions options;
    options.id_generator = std::make_unique<XRayIdGenerator>();
    TracerProvider provider(std::move(options));
    const std::int64_t before = unix_now();
    auto span = provider.tracer("test").start_span("root");
    CHECK(XRayIdGenerator::unix_seconds_of(span.context().trace_id) >= before);
    CHECK(detail::is_xray_trace_id(span.context().trace_id, unix_now()));
    CHECK((span.context().flags.bits() & TraceFlags::random_bit) != 0);
  }

  TEST_CASE("XRayIdGenerator: ids are accepted by the AWS X-Ray SDK and shaped like OpenTelemetry's X-Ray ids" *
            doctest::timeout(60)) {
    tracewire_test::ReferenceXRay sdk;
    XRayIdGenerator generator;
    for (int i = 0; i < 20; ++i) {
      const std::string id = xray_form(generator.new_trace_id());
      const json answer = sdk.request({{"op", "traceid"}, {"value", id}});
      CHECK_MESSAGE(answer["accepted"] == true, id, " -> ", answer.dump());
    }
    // The SDK's validator is a real one: it refuses an id whose time is not hexadecimal.
    CHECK(sdk.request({{"op", "traceid"}, {"value", "1-zzzz-507f913d01c776511b6ce904"}})["accepted"] == false);

    // OpenTelemetry's X-Ray id generator, run at the same moment as ours: the same time part.
    const json theirs = sdk.request({{"op", "ids"}, {"count", 10}});
    const std::int64_t ours = XRayIdGenerator::unix_seconds_of(generator.new_trace_id());
    for (const json& id : theirs["traceIds"]) {
      const auto parsed = TraceId::from_hex(id.get<std::string>());
      REQUIRE(parsed);
      const std::int64_t seconds = XRayIdGenerator::unix_seconds_of(*parsed);
      CHECK(seconds >= theirs["before"].get<std::int64_t>());
      CHECK(seconds <= theirs["after"].get<std::int64_t>());
      CHECK(detail::is_xray_trace_id(*parsed, unix_now()));
    }
    CHECK(ours >= theirs["before"].get<std::int64_t>());
    CHECK(ours <= unix_now());
  }

  TEST_CASE("X-Amzn-Trace-Id with X-Ray ids crosses both ways: our propagator, the AWS SDK, OpenTelemetry JS" *
            doctest::timeout(60)) {
    tracewire_test::ReferenceXRay sdk;
    tracewire_test::ReferencePropagators otel;
    XRayIdGenerator generator;
    const SpanContext context{
        generator.new_trace_id(), generator.new_span_id(), TraceFlags(TraceFlags::sampled_bit), {}, false};
    const std::string header = inject_xray(context);

    // Ours -> the AWS SDK's parser.
    const json parsed = sdk.request({{"op", "header"}, {"value", header}});
    CHECK(parsed["root"] == xray_form(context.trace_id));
    CHECK(parsed["parent"] == context.span_id.to_hex());
    CHECK(parsed["sampled"] == "1");
    // Ours -> OpenTelemetry JS.
    const json extracted = otel.extract("xray", {{"X-Amzn-Trace-Id", header}});
    CHECK(extracted["valid"] == true);
    CHECK(extracted["traceId"] == context.trace_id.to_hex());
    CHECK(extracted["spanId"] == context.span_id.to_hex());

    // The AWS SDK's outgoing call -> ours.
    const json call = sdk.request({{"op", "client"},
                                   {"traceId", xray_form(context.trace_id)},
                                   {"parentId", context.span_id.to_hex()},
                                   {"id", "53995c3f42cd8ad8"},
                                   {"start", 1.0},
                                   {"end", 2.0},
                                   {"method", "GET"},
                                   {"path", "/"},
                                   {"status", 200}});
    const auto from_sdk = XRayPropagator::parse(call["header"].get<std::string>());
    REQUIRE(from_sdk);
    CHECK(from_sdk->trace_id == context.trace_id);
    CHECK(from_sdk->sampled());
    // OpenTelemetry JS -> ours.
    const json injected = otel.inject("xray", context.trace_id.to_hex(), context.span_id.to_hex(), true);
    const auto from_otel = XRayPropagator::parse(injected["x-amzn-trace-id"].get<std::string>());
    REQUIRE(from_otel);
    CHECK(from_otel->trace_id == context.trace_id);
    CHECK(from_otel->span_id == context.span_id);
  }
}
