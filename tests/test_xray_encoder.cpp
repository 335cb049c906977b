// XRayEncoder: every document is read back by nlohmann-json and checked against AWS's
// segment document rules (tests/support/xray_segment_rules.hpp), and compared with the
// documents the AWS X-Ray SDK for Node.js writes for the same request (tests/peers/xray.js).
#include <doctest/doctest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "support/peer_process.hpp"
#include "support/xray_segment_rules.hpp"
#include "tracewire/export/xray/xray_encoder.hpp"
#include "tracewire/trace/xray_id_generator.hpp"

using namespace tracewire;
using nlohmann::json;
using tracewire_test::xray_problems;

namespace {

constexpr std::uint64_t start_nanos = 1700000000123456789ULL;  // 2023-11-14T22:13:20.123456789Z

// One span with its own resource, built field by field.
struct Span {
  Resource resource;
  SpanData data;
  explicit Span(Resource span_resource = Resource({{"service.name", "checkout"}}), SpanKind kind = SpanKind::server,
                bool with_parent = false)
      : resource(std::move(span_resource)) {
    data.set_origin(&resource, nullptr, nullptr);
    data.set_name("GET /cart");
    data.set_kind(kind);
    data.set_context(SpanContext{*TraceId::from_hex("6553f100507f913d01c776511b6ce904"),
                                 *SpanId::from_hex("53995c3f42cd8ad8"),
                                 TraceFlags(1),
                                 {},
                                 false});
    if (with_parent) data.set_parent(*SpanId::from_hex("0102030405060708"), false);
    data.set_start_time(start_nanos);
    data.set_end_time(start_nanos + 100000000);  // 100 ms
  }
};

json encode(const SpanData& span, XRayEncoderOptions options = {}) {
  std::string text;
  XRayEncoder(std::move(options)).encode(span, text);
  json document = json::parse(text);
  CHECK_MESSAGE(xray_problems(document) == "", document.dump());
  return document;
}

}  // namespace

TEST_SUITE("export") {
  TEST_CASE("xray: a server span is a segment named by service.name, with X-Ray ids and microsecond times") {
    Span span;
    const json document = encode(span.data);
    CHECK(document["name"] == "checkout");
    CHECK(document["id"] == "53995c3f42cd8ad8");
    CHECK(document["trace_id"] == "1-6553f100-507f913d01c776511b6ce904");
    CHECK_FALSE(document.contains("type"));
    CHECK_FALSE(document.contains("parent_id"));
    CHECK_FALSE(document.contains("namespace"));
    CHECK_FALSE(document.contains("http"));
    CHECK(document["fault"] == false);
    CHECK(document["error"] == false);
    CHECK(document["throttle"] == false);
    // The text holds exactly six decimals: the microseconds survive, the nanoseconds do not.
    std::string text;
    XRayEncoder().encode(span.data, text);
    CHECK(text.find("\"start_time\":1700000000.123456,") != std::string::npos);
    CHECK(text.find("\"end_time\":1700000000.223456,") != std::string::npos);
  }

  TEST_CASE("xray: a server span with a remote parent stays a segment and names its parent") {
    Span span(Resource({{"service.name", "cart"}}), SpanKind::server, true);
    const json document = encode(span.data);
    CHECK_FALSE(document.contains("type"));
    CHECK(document["parent_id"] == "0102030405060708");
    CHECK(document["name"] == "cart");
  }

  TEST_CASE("xray: other spans with a parent are subsegments named by the remote service, client spans remote") {
    SUBCASE("client with peer.service") {
      Span span(Resource({{"service.name", "checkout"}}), SpanKind::client, true);
      span.data.set_attribute("peer.service", "auth-service");
      const json document = encode(span.data);
      CHECK(document["type"] == "subsegment");
      CHECK(document["parent_id"] == "0102030405060708");
      CHECK(document["trace_id"] == "1-6553f100-507f913d01c776511b6ce904");
      CHECK(document["name"] == "auth-service");
      CHECK(document["namespace"] == "remote");
    }
    SUBCASE("a database: db.name @ the connection string's host") {
      Span span(Resource({{"service.name", "checkout"}}), SpanKind::client, true);
      span.data.set_attribute("db.name", "carts");
      span.data.set_attribute("db.connection_string", "jdbc:postgresql://db.internal:5432/carts");
      CHECK(encode(span.data)["name"] == "carts@db.internal");
    }
    SUBCASE("an AWS SDK call is in the aws namespace") {
      Span span(Resource({{"service.name", "checkout"}}), SpanKind::client, true);
      span.data.set_attribute("rpc.system", "aws-api");
      span.data.set_attribute("rpc.service", "DynamoDB");
      span.data.set_attribute("rpc.method", "GetItem");
      span.data.set_attribute("aws.table_name", "carts");
      const json document = encode(span.data);
      CHECK(document["name"] == "DynamoDB");
      CHECK(document["namespace"] == "aws");
      CHECK(document["aws"]["operation"] == "GetItem");
      CHECK(document["aws"]["table_name"] == "carts");
      CHECK_FALSE(document["aws"].contains("xray"));  // SDK and host blocks are for segments
      // The AWS attributes are in the aws block, not repeated in metadata.
      CHECK(document["metadata"]["default"] == json::parse(R"({"rpc.system":"aws-api","rpc.service":"DynamoDB"})"));
    }
    SUBCASE("an internal span falls back to its own name, sanitised") {
      Span span(Resource({{"service.name", "checkout"}}), SpanKind::internal, true);
      span.data.set_name("validate(token) <fast> ✓ ok");
      const json document = encode(span.data);
      CHECK(document["name"] == "validatetoken fast ✓ ok");
      CHECK_FALSE(document.contains("namespace"));
      CHECK_FALSE(document.contains("service"));  // segment-only fields
      CHECK_FALSE(document.contains("user"));
    }
  }

  TEST_CASE("xray: names are cut to 200 characters and never empty") {
    Span span(Resource({{"service.name", std::string(250, 'a')}}));
    CHECK(encode(span.data)["name"] == std::string(200, 'a'));
    Span symbols(Resource({{"service.name", "<<>>"}}));
    CHECK(encode(symbols.data)["name"] == "span");
  }

  TEST_CASE("xray: the http block follows the HTTP semantic conventions, current names first") {
    SUBCASE("server, current conventions, URL built from its parts") {
      Span span;
      span.data.set_attribute("http.request.method", "POST");
      span.data.set_attribute("url.scheme", "https");
      span.data.set_attribute("server.address", "shop.example");
      span.data.set_attribute("server.port", 443);
      span.data.set_attribute("url.path", "/cart");
      span.data.set_attribute("url.query", "id=7");
      span.data.set_attribute("client.address", "10.1.2.3");
      span.data.set_attribute("user_agent.original", "curl/8.0");
      span.data.set_attribute("http.response.status_code", 201);
      span.data.set_attribute("http.response.body.size", 1234);
      span.data.set_attribute("cart.items", 3);
      const json document = encode(span.data);
      CHECK(document["http"] == json::parse(R"({"request":{"method":"POST","url":"https://shop.example/cart?id=7",
        "client_ip":"10.1.2.3","user_agent":"curl/8.0"},"response":{"status":201,"content_length":1234}})"));
      // What the block holds is not repeated in metadata; the rest is.
      CHECK(document["metadata"]["default"].size() == 2);  // otel.resource.service.name, cart.items
      CHECK(document["metadata"]["default"]["cart.items"] == 3);
    }
    SUBCASE("older conventions, a forwarded client address, a non-default port") {
      Span span;
      span.data.set_attribute("http.method", "GET");
      span.data.set_attribute("http.scheme", "http");
      span.data.set_attribute("http.host", "shop.example:8080");
      span.data.set_attribute("http.target", "/a?b=c");
      span.data.set_attribute("http.client_ip", "192.0.2.1");
      span.data.set_attribute("http.status_code", 200);
      const json document = encode(span.data);
      CHECK(
          document["http"]["request"] ==
          json::parse(
              R"({"method":"GET","url":"http://shop.example:8080/a?b=c","client_ip":"192.0.2.1","x_forwarded_for":true})"));
    }
    SUBCASE("a full URL wins; a client span never reports the peer's address as its client") {
      Span span(Resource({{"service.name", "checkout"}}), SpanKind::client, true);
      span.data.set_attribute("http.request.method", "GET");
      span.data.set_attribute("url.full", "http://auth:8081/verify");
      span.data.set_attribute("network.peer.address", "10.0.0.9");
      const json document = encode(span.data);
      CHECK(document["http"]["request"] == json::parse(R"({"method":"GET","url":"http://auth:8081/verify"})"));
      CHECK(document["metadata"]["default"]["network.peer.address"] == "10.0.0.9");
    }
    SUBCASE("without an HTTP attribute there is no block, and URL parts stay in metadata") {
      Span span;
      span.data.set_attribute("server.address", "shop.example");
      const json document = encode(span.data);
      CHECK_FALSE(document.contains("http"));
      CHECK(document["metadata"]["default"]["server.address"] == "shop.example");
    }
  }

  TEST_CASE("xray: error, throttle and fault come from the HTTP status, else from the span status") {
    struct Case {
      std::int64_t http_status;  // 0: no status attribute
      StatusCode status;
      bool error, throttle, fault;
    };
    const Case cases[] = {
        {200, StatusCode::unset, false, false, false}, {404, StatusCode::unset, true, false, false},
        {429, StatusCode::error, true, true, false},   {503, StatusCode::unset, false, false, true},
        {0, StatusCode::error, false, false, true},    {0, StatusCode::ok, false, false, false},
        {302, StatusCode::error, false, false, true},
    };
    for (const Case& c : cases) {
      CAPTURE(c.http_status);
      Span span;
      if (c.http_status != 0) span.data.set_attribute("http.response.status_code", c.http_status);
      span.data.set_status(c.status);
      const json document = encode(span.data);
      CHECK(document["error"] == c.error);
      CHECK(document["throttle"] == c.throttle);
      CHECK(document["fault"] == c.fault);
    }
  }

  TEST_CASE("xray: cause.exceptions from exception events, else from the status description") {
    SUBCASE("exception events, remote on a client span") {
      Span span(Resource({{"service.name", "checkout"}}), SpanKind::client, true);
      KeyValue first[] = {{"exception.type", "AuthError"},
                          {"exception.message", "token expired"},
                          {"exception.stacktrace", "at verify()"}};
      KeyValue second[] = {{"exception.type", "Timeout"}};
      span.data.add_event("exception", start_nanos + 1000, first);
      span.data.add_event("retry", start_nanos + 2000);
      span.data.add_event("exception", start_nanos + 3000, second);
      span.data.set_status(StatusCode::error, "not this one");
      const json document = encode(span.data);
      const json& exceptions = document["cause"]["exceptions"];
      REQUIRE(exceptions.size() == 2);
      CHECK(exceptions[0]["type"] == "AuthError");
      CHECK(exceptions[0]["message"] == "token expired");
      CHECK(exceptions[0]["remote"] == true);
      CHECK(exceptions[1]["type"] == "Timeout");
      CHECK_FALSE(exceptions[1].contains("message"));
      CHECK(exceptions[0]["id"] != exceptions[1]["id"]);
      // The same span encodes to the same document (ids derive from the span).
      CHECK(encode(span.data) == document);
    }
    SUBCASE("status description only") {
      Span span;
      span.data.set_status(StatusCode::error, "card declined");
      const json document = encode(span.data);
      const json& exceptions = document["cause"]["exceptions"];
      REQUIRE(exceptions.size() == 1);
      CHECK(exceptions[0]["message"] == "card declined");
      CHECK_FALSE(exceptions[0].contains("remote"));
    }
    SUBCASE("an error without a description has no cause") {
      Span span;
      span.data.set_status(StatusCode::error);
      CHECK_FALSE(encode(span.data).contains("cause"));
    }
  }

  TEST_CASE("xray: indexed attributes become annotations with sanitised keys; the rest is metadata") {
    Span span(Resource({{"service.name", "checkout"}, {"deployment.environment", "lab"}}));
    span.data.set_attribute("customer.tier", "gold");
    span.data.set_attribute("cart.items", 3);
    span.data.set_attribute("cart.total", 12.5);
    span.data.set_attribute("cart.express", true);
    const std::vector<std::int64_t> ids{1, 2};
    span.data.set_attribute("cart.ids", ids);  // arrays cannot be annotations
    span.data.set_attribute("note", std::string(1500, 'n'));
    XRayEncoderOptions options;
    options.indexed_attributes = {"customer.tier",
                                  "cart.items",
                                  "cart.total",
                                  "cart.express",
                                  "cart.ids",
                                  "note",
                                  "otel.resource.deployment.environment"};
    const json document = encode(span.data, options);
    CHECK(document["annotations"] ==
          json::parse(R"({"otel_resource_deployment_environment":"lab","customer_tier":"gold",
      "cart_items":3,"cart_total":12.5,"cart_express":true,"note":")" +
                      std::string(1000, 'n') + R"("})"));
    CHECK(document["metadata"] ==
          json::parse(R"({"default":{"otel.resource.service.name":"checkout","cart.ids":[1,2]}})"));

    SUBCASE("every attribute with *") {
      XRayEncoderOptions all;
      all.index_all_attributes = true;
      const json indexed = encode(span.data, all);
      CHECK(indexed["annotations"].size() == 7);  // 2 resource attributes, 5 span attributes
      CHECK(indexed["metadata"]["default"] == json::parse(R"({"cart.ids":[1,2]})"));
    }
    SUBCASE("a span naming its own annotations") {
      const std::vector<std::string_view> keys{"cart.items"};
      span.data.set_attribute("aws.xray.annotations", ArrayView<std::string_view>(keys));
      const json own = encode(span.data);
      CHECK(own["annotations"] == json::parse(R"({"cart_items":3})"));
      CHECK_FALSE(own["metadata"]["default"].contains("aws.xray.annotations"));
    }
    SUBCASE("two keys that sanitise alike: the first is kept") {
      span.data.set_attribute("customer_tier", "silver");
      const json twice = encode(span.data, [] {
        XRayEncoderOptions o;
        o.indexed_attributes = {"customer.tier", "customer_tier"};
        return o;
      }());
      CHECK(twice["annotations"] == json::parse(R"({"customer_tier":"gold"})"));
    }
  }

  TEST_CASE("xray: resource attributes fill the aws block, origin, service and user on segments only") {
    Resource resource({{"service.name", "checkout"},
                       {"service.version", "2.4.1"},
                       {"cloud.provider", "aws"},
                       {"cloud.platform", "aws_ec2"},
                       {"cloud.account.id", "123456789012"},
                       {"cloud.availability_zone", "eu-west-1a"},
                       {"host.id", "i-0abc"},
                       {"host.type", "t3.small"},
                       {"telemetry.sdk.name", "tracewire"},
                       {"telemetry.sdk.language", "cpp"},
                       {"telemetry.sdk.version", "0.1.0"}});
    Span segment(resource);
    segment.data.set_attribute("enduser.id", "u-42");
    const json document = encode(segment.data);
    CHECK(document["origin"] == "AWS::EC2::Instance");
    CHECK(document["service"] == json::parse(R"({"version":"2.4.1"})"));
    CHECK(document["user"] == "u-42");
    CHECK(document["aws"] == json::parse(R"({"ec2":{"instance_id":"i-0abc","availability_zone":"eu-west-1a",
      "instance_size":"t3.small"},"xray":{"sdk":"tracewire for cpp","sdk_version":"0.1.0","auto_instrumentation":false},
      "account_id":"123456789012"})"));
    CHECK(document["metadata"]["default"]["otel.resource.host.id"] == "i-0abc");
    CHECK_FALSE(document["metadata"]["default"].contains("enduser.id"));

    Span subsegment(resource, SpanKind::internal, true);
    subsegment.data.set_attribute("enduser.id", "u-42");
    const json sub = encode(subsegment.data);
    for (const char* key : {"origin", "service", "user", "aws"}) CHECK_FALSE(sub.contains(key));
    CHECK(sub["metadata"]["default"] == json::parse(R"({"enduser.id":"u-42"})"));

    Span gcp(Resource({{"service.name", "checkout"}, {"cloud.provider", "gcp"}}));
    CHECK_FALSE(encode(gcp.data).contains("aws"));
  }

  TEST_CASE("xray: links keep the linked trace in X-Ray form") {
    Span span;
    KeyValue attributes[] = {{"messaging.batch", true}};
    span.data.add_link(SpanContext{*TraceId::from_hex("6553f0ff0102030405060708090a0b0c"),
                                   *SpanId::from_hex("1111111111111111"),
                                   TraceFlags(1),
                                   {},
                                   true},
                       attributes);
    CHECK(
        encode(span.data)["links"] ==
        json::parse(
            R"([{"trace_id":"1-6553f0ff-0102030405060708090a0b0c","id":"1111111111111111","attributes":{"messaging.batch":true}}])"));
  }

  TEST_CASE("xray: the X-Ray time window of a trace id") {
    const TraceId id = XRayIdGenerator::trace_id_at(1700000000);
    CHECK(detail::is_xray_trace_id(id, 1700000000));
    CHECK(detail::is_xray_trace_id(id, 1700000000 + 30LL * 24 * 3600));
    CHECK_FALSE(detail::is_xray_trace_id(id, 1700000000 + 30LL * 24 * 3600 + 1));
    CHECK(detail::is_xray_trace_id(id, 1700000000 - 300));
    CHECK_FALSE(detail::is_xray_trace_id(id, 1700000000 - 301));
  }

  // The AWS SDK's middleware traces an incoming request; the same request as an OpenTelemetry
  // server span gives the same segment wherever both write a field.
  TEST_CASE("xray: a server span's segment agrees with the AWS X-Ray SDK's for the same request" *
            doctest::timeout(60)) {
    tracewire_test::ReferenceXRay sdk;
    struct Case {
      int status;
      bool forwarded;
      bool exception;
    };
    for (const Case c :
         {Case{200, false, false}, Case{404, true, false}, Case{503, false, false}, Case{200, false, true}}) {
      CAPTURE(c.status);
      Span span(Resource({{"service.name", "checkout"}}), SpanKind::server, true);
      span.data.set_attribute("http.request.method", "GET");
      span.data.set_attribute("url.full", "http://shop.example/cart?id=7");
      span.data.set_attribute(c.forwarded ? "http.client_ip" : "client.address", "192.0.2.1");
      span.data.set_attribute("user_agent.original", "curl/8.0");
      span.data.set_attribute("http.response.status_code", c.status);
      span.data.set_attribute("http.response.body.size", 42);
      span.data.set_attribute("customer.tier", "gold");
      span.data.set_attribute("cart.items", 3);
      json error = nullptr;
      if (c.exception) {
        KeyValue exception[] = {{"exception.type", "AuthError"}, {"exception.message", "token expired"}};
        span.data.add_event("exception", start_nanos + 1000, exception);
        span.data.set_status(StatusCode::error);
        error = {{"name", "AuthError"}, {"message", "token expired"}};
      }
      XRayEncoderOptions options;
      options.indexed_attributes = {"customer.tier"};
      const json ours = encode(span.data, options);

      json command{{"op", "server"},
                   {"name", "checkout"},
                   {"traceId", "1-6553f100-507f913d01c776511b6ce904"},
                   {"parentId", "0102030405060708"},
                   {"id", "53995c3f42cd8ad8"},
                   {"start", 1700000000.123456},
                   {"end", 1700000000.223456},
                   {"method", "GET"},
                   {"host", "shop.example"},
                   {"path", "/cart?id=7"},
                   {"userAgent", "curl/8.0"},
                   {"clientIp", "192.0.2.1"},
                   {"forwardedFor", c.forwarded},
                   {"status", c.status},
                   {"contentLength", 42},
                   {"annotations", {{"customer_tier", "gold"}}},
                   {"metadata", {{"cart.items", 3}}}};
      if (!error.is_null()) command["error"] = error;
      const json theirs = sdk.request(command)["document"];

      for (const char* key : {"name", "id", "trace_id", "parent_id", "start_time", "end_time", "http", "annotations"}) {
        CHECK_MESSAGE(ours[key] == theirs[key], key, ": ours ", ours[key].dump(), " theirs ", theirs[key].dump());
      }
      // The SDK writes only the flags that are set.
      for (const char* flag : {"error", "throttle", "fault"}) {
        CHECK_MESSAGE(ours[flag] == theirs.value(flag, false), flag);
      }
      CHECK(ours["metadata"]["default"]["cart.items"] == theirs["metadata"]["default"]["cart.items"]);
      CHECK(ours.contains("cause") == theirs.contains("cause"));
      if (ours.contains("cause")) {
        const json& mine = ours["cause"]["exceptions"][0];
        const json& sdks = theirs["cause"]["exceptions"][0];
        CHECK(mine["type"] == sdks["type"]);
        CHECK(mine["message"] == sdks["message"]);
        CHECK(mine["remote"] == sdks["remote"]);
      }
    }
  }

  // A real HTTP call through the SDK's instrumented http module gives the subsegment the SDK
  // streams; the same call as an OpenTelemetry client span gives the same one.
  TEST_CASE("xray: a client span's subsegment agrees with the AWS X-Ray SDK's for the same call" *
            doctest::timeout(60)) {
    tracewire_test::ReferenceXRay sdk;
    for (const int status : {200, 429, 503}) {
      CAPTURE(status);
      const json theirs = sdk.request({{"op", "client"},
                                       {"traceId", "1-6553f100-507f913d01c776511b6ce904"},
                                       {"parentId", "0102030405060708"},
                                       {"id", "53995c3f42cd8ad8"},
                                       {"start", 1700000000.123456},
                                       {"end", 1700000000.223456},
                                       {"method", "POST"},
                                       {"path", "/verify"},
                                       {"status", status},
                                       {"contentLength", 5}})["document"];
      Span span(Resource({{"service.name", "checkout"}}), SpanKind::client, true);
      span.data.set_attribute("http.request.method", "POST");
      span.data.set_attribute("url.full", theirs["http"]["request"]["url"].get<std::string>());
      span.data.set_attribute("server.address", "127.0.0.1");
      span.data.set_attribute("http.response.status_code", status);
      span.data.set_attribute("http.response.body.size", 5);
      const json ours = encode(span.data);
      for (const char* key :
           {"name", "id", "trace_id", "parent_id", "type", "namespace", "start_time", "end_time", "http"}) {
        CHECK_MESSAGE(ours[key] == theirs[key], key, ": ours ", ours[key].dump(), " theirs ", theirs[key].dump());
      }
      for (const char* flag : {"error", "throttle", "fault"}) {
        CHECK_MESSAGE(ours[flag] == theirs.value(flag, false), flag);
      }
    }
  }

  // The rules checker above is only worth its verdicts if it refuses what AWS refuses.
  TEST_CASE("xray: the segment document rules refuse what the X-Ray documentation forbids") {
    const json valid = json::parse(R"({"name":"example.com","id":"70de5b6f19ff9a0a","start_time":1.478293361271E9,
      "trace_id":"1-581cf771-a006649127e371903a2de979","end_time":1.478293361449E9})");
    CHECK(xray_problems(valid) == "");
    const auto with = [&](const char* key, json value) {
      json copy = valid;
      copy[key] = std::move(value);
      return xray_problems(copy);
    };
    const auto without = [&](const char* key) {
      json copy = valid;
      copy.erase(key);
      return xray_problems(copy);
    };
    CHECK(without("name") != "");
    CHECK(without("trace_id") != "");
    CHECK(without("end_time") != "");
    CHECK(with("in_progress", true) != "");  // both end_time and in_progress
    CHECK(with("id", "70de5b6f19ff9a0") != "");
    CHECK(with("trace_id", "581cf771a006649127e371903a2de979") != "");
    CHECK(with("name", "a<b") != "");
    CHECK(with("name", std::string(201, 'a')) != "");
    CHECK(with("end_time", 1.0) != "");        // before start_time
    CHECK(with("namespace", "remote") != "");  // subsegments only
    CHECK(with("type", "subsegment") != "");   // then parent_id is required
    CHECK(with("annotations", json::parse(R"({"a.b":1})")) != "");
    CHECK(with("annotations", json::parse(R"({"ab":[1]})")) != "");
    CHECK(with("http", json::parse(R"({"response":{"status":"200"}})")) != "");
    CHECK(with("cause", json::parse(R"({"exceptions":[{"message":"no id"}]})")) != "");
    CHECK(with("fault", "true") != "");
    CHECK(with("spans", json::array()) != "");                         // not a field
    CHECK(xray_problems(valid, 1478293361 + 31LL * 24 * 3600) != "");  // too old for X-Ray
  }
}
