#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <string>

#include <nlohmann/json.hpp>

#include "support/otlp_checks.hpp"
#include "tracewire/export/otlp/otlp_encoder.hpp"
#include "tracewire/export/otlp/otlp_partial_success.hpp"

using namespace tracewire;
using nlohmann::json;
using tracewire_test::OtlpSample;

TEST_SUITE("export") {
  TEST_CASE("OTLP/JSON follows the OTLP rules: hex ids, enums as integers, 64-bit integers as strings") {
    OtlpSample sample;
    sample.add_rich_span(1);
    OtlpEncoder encoder;
    const json body = json::parse(encoder.encode(sample.batch(), OtlpEncoding::json));
    const json& span = body["resourceSpans"][0]["scopeSpans"][0]["spans"][0];
    CHECK(span["traceId"] == "01020304050607080000000000000001");
    CHECK(span["spanId"] == "000000000000a001");
    CHECK(span["parentSpanId"] == "000000000000beef");
    CHECK(span["kind"] == 2);
    CHECK(span["startTimeUnixNano"] == "1700000000123456789");
    CHECK(span["flags"] == 0x301);
    CHECK(span["status"]["code"] == 2);
    CHECK(span["attributes"][1]["value"]["intValue"] == "200");
    CHECK(span["attributes"][2]["value"]["intValue"] == "-9223372036854775808");
    CHECK(span["attributes"][6]["value"]["stringValue"] == "ok\xef\xbf\xbd(\xef\xbf\xbd end");
    CHECK(span["droppedAttributesCount"] == 2);
  }

  TEST_CASE("OTLP flags carry the W3C bits only, never tracewire's debug bit") {
    // trace.proto SpanFlags: "Bits 0-7 are used for trace flags" — the W3C trace flags
    OtlpSample sample;
    auto& span = sample.add_plain_span(&sample.resource_a, &sample.scope_a, 1);
    const std::uint8_t all = TraceFlags::sampled_bit | TraceFlags::random_bit | TraceFlags::debug_bit;
    span.set_context({TraceId::from_halves(0x42, 1), SpanId::from_u64(1), TraceFlags(all), {}, false});
    span.add_link(SpanContext{TraceId::from_halves(7, 7), SpanId::from_u64(7), TraceFlags(all), {}, true});
    OtlpEncoder encoder;
    const json body = json::parse(encoder.encode(sample.batch(), OtlpEncoding::json));
    const json& encoded = body["resourceSpans"][0]["scopeSpans"][0]["spans"][0];
    CHECK(encoded["flags"] == 0x103);
    CHECK(encoded["links"][0]["flags"] == 0x303);
  }

  TEST_CASE("OTLP/JSON writes NaN and infinities as the strings protobuf's JSON mapping uses") {
    OtlpSample sample;
    auto& span = sample.add_plain_span(&sample.resource_a, &sample.scope_a, 1);
    span.set_attribute("nan", std::numeric_limits<double>::quiet_NaN());
    span.set_attribute("inf", std::numeric_limits<double>::infinity());
    OtlpEncoder encoder;
    const json body = json::parse(encoder.encode(sample.batch(), OtlpEncoding::json));
    const json& attributes = body["resourceSpans"][0]["scopeSpans"][0]["spans"][0]["attributes"];
    CHECK(attributes[0]["value"]["doubleValue"] == "NaN");
    CHECK(attributes[1]["value"]["doubleValue"] == "Infinity");
  }

  TEST_CASE("OtlpEncoder groups interleaved spans by resource, then scope, keeping their order") {
    OtlpSample sample;
    sample.add_plain_spans(1);
    sample.add_plain_span(&sample.resource_b, &sample.scope_a, 2);
    sample.add_plain_span(&sample.resource_a, &sample.scope_b, 3);
    sample.add_plain_span(&sample.resource_a, &sample.scope_a, 4);
    sample.add_plain_span(&sample.resource_b, &sample.scope_a, 5);
    auto batch = sample.batch();
    OtlpEncoder encoder;
    const json body = json::parse(encoder.encode(batch, OtlpEncoding::json));
    CHECK(encoder.span_count() == 5);
    REQUIRE(body["resourceSpans"].size() == 2);
    std::map<std::string, std::vector<std::string>> groups;
    for (const json& resource_spans : body["resourceSpans"]) {
      const std::string service = resource_spans["resource"]["attributes"][0]["value"]["stringValue"];
      for (const json& scope_spans : resource_spans["scopeSpans"]) {
        std::string ids;
        for (const json& span : scope_spans["spans"]) ids += span["spanId"].get<std::string>().substr(15) + " ";
        groups[service + "/" + scope_spans["scope"]["name"].get<std::string>()].push_back(ids);
      }
    }
    CHECK(groups["checkout/http"] == std::vector<std::string>{"1 4 "});
    CHECK(groups["checkout/db\xef\xbf\xbd"] == std::vector<std::string>{"3 "});
    CHECK(groups["billing/http"] == std::vector<std::string>{"2 5 "});
  }

  TEST_CASE("OtlpEncoder writes an empty request for an empty batch and reuses its buffer") {
    OtlpEncoder encoder;
    CHECK(encoder.encode({}, OtlpEncoding::protobuf).empty());
    CHECK(encoder.encode({}, OtlpEncoding::json) == "{}");
    OtlpSample sample;
    for (std::uint64_t i = 1; i <= 50; ++i) sample.add_rich_span(i);
    const std::string first(encoder.encode(sample.batch(), OtlpEncoding::protobuf));
    const char* data = encoder.encode(sample.batch(), OtlpEncoding::protobuf).data();
    CHECK(encoder.encode(sample.batch(), OtlpEncoding::protobuf) == first);        // deterministic
    CHECK(encoder.encode(sample.batch(), OtlpEncoding::protobuf).data() == data);  // no reallocation
  }

  TEST_CASE("OtlpPartialSuccess reads protobuf and JSON responses and ignores garbage") {
    // ExportTraceServiceResponse{partial_success{rejected_spans: 3, error_message: "x"}}
    const std::string proto("\x0a\x05\x08\x03\x12\x01x", 7);
    auto partial = OtlpPartialSuccess::parse(proto, OtlpEncoding::protobuf);
    REQUIRE(partial);
    CHECK(partial->rejected_spans == 3);
    CHECK(partial->error_message == "x");
    partial = OtlpPartialSuccess::parse(R"({"partialSuccess":{"rejectedSpans":"5","errorMessage":"too \"old\""}})",
                                        OtlpEncoding::json);
    REQUIRE(partial);
    CHECK(partial->rejected_spans == 5);
    CHECK(partial->error_message == "too \"old\"");
    CHECK_FALSE(OtlpPartialSuccess::parse("", OtlpEncoding::protobuf));
    CHECK_FALSE(OtlpPartialSuccess::parse("{}", OtlpEncoding::json));
    CHECK_FALSE(OtlpPartialSuccess::parse(R"({"partialSuccess":{}})", OtlpEncoding::json));
    CHECK_FALSE(OtlpPartialSuccess::parse("<html>502</html>", OtlpEncoding::protobuf));
    CHECK_FALSE(OtlpPartialSuccess::parse(std::string("\x0a\xff\xff", 3), OtlpEncoding::protobuf));
  }

  TEST_CASE("OtlpPartialSuccess reads the count from the beginning of a cut response, never a cut count") {
    // partial_success{rejected_spans: 300 (varint ac 02), error_message: 1000 x "m"}, cut
    // after 20 bytes: the message is cut, the count is whole
    std::string whole("\x0a\xee\x07\x08\xac\x02\x12\xe8\x07", 9);
    whole += std::string(1000, 'm');
    auto reading = OtlpPartialSuccess::parse_prefix(std::string_view(whole).substr(0, 20), OtlpEncoding::protobuf);
    CHECK(reading.partial_success);
    REQUIRE(reading.result);
    CHECK(reading.result->rejected_spans == 300);
    CHECK(reading.result->error_message == std::string(11, 'm'));
    REQUIRE(OtlpPartialSuccess::parse(whole, OtlpEncoding::protobuf));
    CHECK(OtlpPartialSuccess::parse(whole, OtlpEncoding::protobuf)->rejected_spans == 300);
    // cut inside the count's varint: a partial success, count unknown
    reading = OtlpPartialSuccess::parse_prefix(std::string_view(whole).substr(0, 5), OtlpEncoding::protobuf);
    CHECK(reading.partial_success);
    CHECK_FALSE(reading.result);
    // not a partial success at all
    reading = OtlpPartialSuccess::parse_prefix(std::string(100, 'x'), OtlpEncoding::protobuf);
    CHECK_FALSE(reading.partial_success);
    CHECK_FALSE(reading.result);

    const std::string json =
        R"({"partialSuccess":{"rejectedSpans":12345,"errorMessage":"too old )" + std::string(1000, 'm') + "\"}}";
    reading = OtlpPartialSuccess::parse_prefix(std::string_view(json).substr(0, 70), OtlpEncoding::json);
    REQUIRE(reading.result);
    CHECK(reading.result->rejected_spans == 12345);
    CHECK(reading.result->error_message.rfind("too old m", 0) == 0);
    // a bare number reaching the end of what was read may be longer: not taken
    const std::size_t digits_end = json.find("12345") + 3;
    reading = OtlpPartialSuccess::parse_prefix(std::string_view(json).substr(0, digits_end), OtlpEncoding::json);
    CHECK(reading.partial_success);
    CHECK_FALSE(reading.result);
    // the message first and the count past the cut: unknown
    const std::string message_first =
        R"({"partialSuccess":{"errorMessage":")" + std::string(1000, 'm') + R"(","rejectedSpans":"1"}})";
    reading = OtlpPartialSuccess::parse_prefix(std::string_view(message_first).substr(0, 500), OtlpEncoding::json);
    CHECK(reading.partial_success);
    CHECK_FALSE(reading.result);
    CHECK(OtlpPartialSuccess::parse(message_first, OtlpEncoding::json)->rejected_spans == 1);
  }

  TEST_CASE("OtlpPartialSuccess reads JSON counts exactly over the whole int64 range (fuzz_partial_success)") {
    const auto count = [](const std::string& number) {
      const auto partial =
          OtlpPartialSuccess::parse(R"({"partialSuccess":{"rejectedSpans":)" + number + "}}", OtlpEncoding::json);
      REQUIRE(partial);
      return partial->rejected_spans;
    };
    CHECK(count("\"9223372036854775807\"") == INT64_MAX);
    CHECK(count("\"9223372036854775773\"") == 9223372036854775773);  // was read as 922337203685477577
    CHECK(count("\"-9223372036854775773\"") == -9223372036854775773);
    CHECK(count("\"-9223372036854775808\"") == INT64_MIN);
    CHECK(count("1000000000000000000") == 1000000000000000000);
    // beyond the range: saturated, never wrapped
    CHECK(count("\"99999999999999999999\"") == INT64_MAX);
    CHECK(count("\"-99999999999999999999\"") == INT64_MIN);
  }
}
