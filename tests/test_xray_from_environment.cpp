// AWS_XRAY_DAEMON_ADDRESS (read as the AWS X-Ray SDK reads it, tests/peers/xray.js),
// OTEL_EXPORTER_XRAY_INDEXED_ATTRIBUTES, OTEL_TRACES_ID_GENERATOR and
// OTEL_TRACES_EXPORTER=xray end to end through make_provider.
#include <doctest/doctest.h>

#include <chrono>
#include <map>
#include <cstdint>
#include <string>
#include <vector>

#include "mocks/recording_logger.hpp"
#include "support/peer_process.hpp"
#include "support/xray_segment_rules.hpp"
#include "tracewire/config/provider_from_environment.hpp"
#include "tracewire/config/xray_from_environment.hpp"
#include "tracewire/trace/xray_id_generator.hpp"

using namespace tracewire;
using nlohmann::json;

namespace {

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace

TEST_SUITE("config") {
  TEST_CASE("AWS_XRAY_DAEMON_ADDRESS: both forms, read as the AWS X-Ray SDK reads them" * doctest::timeout(60)) {
    tracewire_test::ReferenceXRay sdk;
    const char* addresses[] = {
        "127.0.0.1:2000",
        "xray-daemon:3000",
        "udp:10.0.0.1:2001 tcp:10.0.0.2:2002",
        "tcp:10.0.0.2:2002 udp:10.0.0.1:2001",
        // Refused by both:
        "127.0.0.1",
        ":2000",
        "udp:10.0.0.1:2001",
        "tcp:10.0.0.2:x udp:10.0.0.1:2001",
    };
    for (const char* text : addresses) {
      CAPTURE(text);
      const auto ours = parse_xray_daemon_address(text);
      const json theirs = [&] {
        try {
          return sdk.request({{"op", "daemon"}, {"address", text}});
        } catch (const std::runtime_error&) {
          return json();  // the SDK threw: an invalid address
        }
      }();
      REQUIRE(ours.has_value() == !theirs.is_null());
      if (!ours) continue;
      CHECK(ours->udp_host == theirs["udp"]["host"]);
      CHECK(ours->udp_port == theirs["udp"]["port"]);
      CHECK(ours->tcp_host == theirs["tcp"]["host"]);
      CHECK(ours->tcp_port == theirs["tcp"]["port"]);
    }
  }

  TEST_CASE("AWS_XRAY_DAEMON_ADDRESS: IPv6 in brackets, and what no SDK accepts") {
    const auto v6 = parse_xray_daemon_address("[::1]:2000");
    REQUIRE(v6);
    CHECK(v6->udp_host == "::1");
    CHECK(v6->udp_port == 2000);
    for (const char* bad : {"", "::1:2000", "host:0", "host:65536", "host:", "udp:a:1 udp:b:2", "udp:a:1 tcp:b:2 x:c:3",
                            "http://host:2000"}) {
      CAPTURE(bad);
      CHECK_FALSE(parse_xray_daemon_address(bad));
    }
  }

  TEST_CASE("make_xray_exporter_options_from_environment: the daemon's UDP address and the indexed attributes") {
    SUBCASE("defaults") {
      const auto options = make_xray_exporter_options_from_environment(MapEnvironment{});
      CHECK(options.host == "127.0.0.1");
      CHECK(options.port == 2000);
      CHECK(options.encoder.indexed_attributes.empty());
      CHECK_FALSE(options.encoder.index_all_attributes);
    }
    SUBCASE("set") {
      const auto options = make_xray_exporter_options_from_environment(
          MapEnvironment{{"AWS_XRAY_DAEMON_ADDRESS", "tcp:10.0.0.2:2002 udp:10.0.0.1:2001"},
                         {"OTEL_EXPORTER_XRAY_INDEXED_ATTRIBUTES", "customer.tier, http.route ,,"}});
      CHECK(options.host == "10.0.0.1");
      CHECK(options.port == 2001);
      CHECK(options.encoder.indexed_attributes == std::vector<std::string>{"customer.tier", "http.route"});
    }
    SUBCASE("every attribute") {
      CHECK(make_xray_exporter_options_from_environment(MapEnvironment{{"OTEL_EXPORTER_XRAY_INDEXED_ATTRIBUTES", "*"}})
                .encoder.index_all_attributes);
    }
    SUBCASE("a bad address is reported and the default kept") {
      tracewire_test::CapturedLog log;
      const auto options =
          make_xray_exporter_options_from_environment(MapEnvironment{{"AWS_XRAY_DAEMON_ADDRESS", "nowhere"}});
      CHECK(options.host == "127.0.0.1");
      CHECK(options.port == 2000);
      CHECK(log.contains("invalid AWS_XRAY_DAEMON_ADDRESS=\"nowhere\""));
    }
  }

  TEST_CASE("OTEL_TRACES_ID_GENERATOR: random, xray, and xray by default when exporting to X-Ray") {
    const auto id_generator = [](MapEnvironment environment) { return finalize_config({}, environment).id_generator; };
    CHECK(id_generator({}) == IdGeneratorKind::random);
    CHECK(id_generator({{"OTEL_TRACES_ID_GENERATOR", "XRay"}}) == IdGeneratorKind::xray);
    CHECK(id_generator({{"OTEL_TRACES_EXPORTER", "otlp,xray"}}) == IdGeneratorKind::xray);
    CHECK(id_generator({{"OTEL_TRACES_EXPORTER", "xray"}, {"OTEL_TRACES_ID_GENERATOR", "random"}}) ==
          IdGeneratorKind::random);
    TracerConfig code;
    code.id_generator = IdGeneratorKind::random;
    CHECK(finalize_config(std::move(code), MapEnvironment{{"OTEL_TRACES_ID_GENERATOR", "xray"}}).id_generator ==
          IdGeneratorKind::random);
    tracewire_test::CapturedLog log;
    CHECK(id_generator({{"OTEL_TRACES_ID_GENERATOR", "uuid"}}) == IdGeneratorKind::random);
    CHECK(log.contains("invalid OTEL_TRACES_ID_GENERATOR=\"uuid\": expected one of random, xray; using random"));
  }

  TEST_CASE("OTEL_TRACES_EXPORTER=xray: spans reach the daemon as segments with X-Ray ids" * doctest::timeout(60)) {
    tracewire_test::Receiver receiver;
    const MapEnvironment environment{
        {"OTEL_TRACES_EXPORTER", "xray"},
        {"OTEL_SERVICE_NAME", "quickstart"},
        {"AWS_XRAY_DAEMON_ADDRESS", "127.0.0.1:" + std::to_string(receiver.udp_xray_port())},
        {"OTEL_EXPORTER_XRAY_INDEXED_ATTRIBUTES", "order.id"},
        {"OTEL_BSP_SCHEDULE_DELAY", "10"}};
    auto provider = make_provider_from_environment({}, environment);
    CHECK(provider->describe().find("XRayUdpExporter{daemon=udp://127.0.0.1:") != std::string::npos);
    auto tracer = provider->tracer("test");
    const std::int64_t before = unix_now();
    SpanContext root_context;
    {
      auto root = tracer.start_span("GET /order", SpanKind::server);
      root.set_attribute("order.id", 42);
      root_context = root.context();
      auto child = tracer.start_span("charge", SpanKind::client);
      child.set_attribute("peer.service", "payments");
    }
    CHECK(provider->force_flush(std::chrono::seconds(10)));
    std::vector<json> documents;
    for (int i = 0; i < 2; ++i) {
      auto record = receiver.next(std::chrono::seconds(10));
      REQUIRE(record);
      REQUIRE_MESSAGE(record->at("kind") == "xray", record->dump());
      documents.push_back(record->at("document"));
    }
    for (const json& document : documents)
      CHECK_MESSAGE(tracewire_test::xray_problems(document, unix_now()) == "", document.dump());
    const json& segment = documents[0].contains("type") ? documents[1] : documents[0];
    const json& subsegment = documents[0].contains("type") ? documents[0] : documents[1];
    CHECK(segment["name"] == "quickstart");
    CHECK(segment["annotations"] == json::parse(R"({"order_id":42})"));
    CHECK(subsegment["name"] == "payments");
    CHECK(subsegment["parent_id"] == segment["id"]);
    // The default id generator for X-Ray: the trace id's time is now.
    CHECK(detail::is_xray_trace_id(root_context.trace_id, unix_now()));
    CHECK(XRayIdGenerator::unix_seconds_of(root_context.trace_id) >= before);
  }

#ifdef TRACEWIRE_QUICKSTART_PATH
  // The quickstart, unchanged, pointed at the X-Ray daemon by the environment alone.
  TEST_CASE("the quickstart with OTEL_TRACES_EXPORTER=xray: a segment and its subsegments" * doctest::timeout(60)) {
    tracewire_test::Receiver receiver;
    const std::string output = tracewire_test::run_command(
        {"/usr/bin/env", "OTEL_TRACES_EXPORTER=xray",
         "AWS_XRAY_DAEMON_ADDRESS=127.0.0.1:" + std::to_string(receiver.udp_xray_port()), TRACEWIRE_QUICKSTART_PATH});
    (void)output;
    std::map<std::string, json> by_name;
    for (int i = 0; i < 4; ++i) {
      auto record = receiver.next(std::chrono::seconds(10));
      REQUIRE(record);
      REQUIRE_MESSAGE(record->at("kind") == "xray", record->dump());
      CHECK_MESSAGE(tracewire_test::xray_problems(record->at("document"), unix_now()) == "", record->dump());
      by_name[record->at("document")["name"]] = record->at("document");
    }
    const json& checkout = by_name.at("quickstart");  // the server span: a segment named by the service
    CHECK_FALSE(checkout.contains("type"));
    CHECK(checkout["error"] == true);  // 402
    CHECK(checkout["http"]["response"]["status"] == 402);
    CHECK(by_name.at("load_cart")["parent_id"] == checkout["id"]);
    CHECK(by_name.at("charge_card")["namespace"] == "remote");
    CHECK(by_name.at("charge_card")["cause"]["exceptions"][0]["message"] == "card declined");
    CHECK(by_name.at("SELECT cart")["parent_id"] == by_name.at("load_cart")["id"]);
  }
#endif
}
