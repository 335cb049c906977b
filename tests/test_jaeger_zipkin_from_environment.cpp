// make_jaeger_exporter_from_environment / make_zipkin_exporter_from_environment: the defaults,
// each OTEL_EXPORTER_JAEGER_* / OTEL_EXPORTER_ZIPKIN_* variable, and bad values (one warning
// naming the variable, then the default). Where a variable says where spans go, the test
// follows them to receiver.js and has them decoded there.
#include <doctest/doctest.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "mocks/recording_logger.hpp"
#include "support/peer_process.hpp"
#include "support/sample_spans.hpp"
#include "tracewire/config/jaeger_zipkin_from_environment.hpp"
#include "tracewire/transport/curl_http_client.hpp"

using namespace tracewire;
using nlohmann::json;
using tracewire_test::CapturedLog;
using tracewire_test::Receiver;

namespace {

template <class Exporter>
const Exporter& as(const std::unique_ptr<SpanExporter>& exporter) {
  REQUIRE(exporter);
  const auto* typed = dynamic_cast<const Exporter*>(exporter.get());
  REQUIRE_MESSAGE(typed != nullptr, exporter->describe());
  return *typed;
}

// How many diagnostics mention `fragment`.
std::size_t lines_with(const CapturedLog& log, const std::string& fragment) {
  std::size_t count = 0;
  const std::string text = log.text();
  for (std::size_t at = text.find(fragment); at != std::string::npos; at = text.find(fragment, at + 1)) ++count;
  return count;
}

std::string port_text(int port) { return std::to_string(port); }

}  // namespace

TEST_SUITE("config") {
  TEST_CASE("jaeger from the environment: defaults are the agent on localhost:6831, compact") {
    CapturedLog log;
    const auto exporter = make_jaeger_exporter_from_environment(MapEnvironment{});
    const auto& udp = as<JaegerUdpExporter>(exporter);
    CHECK(udp.options().host == "localhost");
    CHECK(udp.options().port == 6831);
    CHECK(udp.options().protocol == ThriftProtocol::compact);
    CHECK(udp.options().max_packet_size == 65000);
    CHECK(exporter->describe() ==
          "JaegerUdpExporter{agent=udp://localhost:6831, protocol=compact, max_packet_size=65000}");
    CHECK(log.count() == 0);
  }

  TEST_CASE("jaeger from the environment: AGENT_HOST and AGENT_PORT direct datagrams to that agent") {
    Receiver receiver;
    tracewire_test::SampleSpans sample;
    const auto exporter = make_jaeger_exporter_from_environment(
        MapEnvironment{{"OTEL_EXPORTER_JAEGER_AGENT_HOST", "127.0.0.1"},
                       {"OTEL_EXPORTER_JAEGER_AGENT_PORT", port_text(receiver.udp_compact_port())}});
    const auto& udp = as<JaegerUdpExporter>(exporter);
    CHECK(udp.options().host == "127.0.0.1");
    CHECK(udp.options().port == receiver.udp_compact_port());
    REQUIRE(exporter->export_spans(sample.all()) == ExportResult::success);
    auto record = receiver.next(std::chrono::seconds(10));
    REQUIRE(record);
    CHECK(record->at("kind") == "jaeger-udp-compact");
    CHECK(record->at("batch") == tracewire_test::expected_jaeger_batch());
  }

  TEST_CASE("jaeger from the environment: PROTOCOL=udp/thrift.binary uses port 6832 and the binary protocol") {
    const auto exporter =
        make_jaeger_exporter_from_environment(MapEnvironment{{"OTEL_EXPORTER_JAEGER_PROTOCOL", "udp/thrift.binary"}});
    const auto& udp = as<JaegerUdpExporter>(exporter);
    CHECK(udp.options().port == 6832);
    CHECK(udp.options().protocol == ThriftProtocol::binary);

    Receiver receiver;
    tracewire_test::SampleSpans sample;
    const auto pointed = make_jaeger_exporter_from_environment(
        MapEnvironment{{"OTEL_EXPORTER_JAEGER_PROTOCOL", "udp/thrift.binary"},
                       {"OTEL_EXPORTER_JAEGER_AGENT_HOST", "127.0.0.1"},
                       {"OTEL_EXPORTER_JAEGER_AGENT_PORT", port_text(receiver.udp_binary_port())}});
    REQUIRE(pointed->export_spans(sample.all()) == ExportResult::success);
    auto record = receiver.next(std::chrono::seconds(10));
    REQUIRE(record);
    CHECK(record->at("kind") == "jaeger-udp-binary");
    CHECK(record->at("batch") == tracewire_test::expected_jaeger_batch());
  }

  TEST_CASE("jaeger from the environment: ENDPOINT switches to the collector over HTTP, with USER/PASSWORD") {
    Receiver receiver;
    tracewire_test::SampleSpans sample;
    const std::string endpoint = "http://127.0.0.1:" + port_text(receiver.http_port()) + "/api/traces";
    const auto exporter =
        make_jaeger_exporter_from_environment(MapEnvironment{{"OTEL_EXPORTER_JAEGER_ENDPOINT", endpoint},
                                                             {"OTEL_EXPORTER_JAEGER_USER", "Aladdin"},
                                                             {"OTEL_EXPORTER_JAEGER_PASSWORD", "open sesame"},
                                                             {"OTEL_EXPORTER_JAEGER_AGENT_HOST", "ignored.example"}});
    const auto& http = as<JaegerHttpExporter>(exporter);
    CHECK(http.options().endpoint == endpoint);
    CHECK(http.options().timeout == std::chrono::milliseconds(10000));
    CHECK(http.options().user == "Aladdin");
    CHECK(http.options().password == "open sesame");
    CHECK(http.options().content_type == "application/vnd.apache.thrift.binary");
    REQUIRE(exporter->export_spans(sample.all()) == ExportResult::success);
    auto record = receiver.next(std::chrono::seconds(10));
    REQUIRE(record);
    REQUIRE_MESSAGE(record->at("kind") == "jaeger-http", record->dump());
    CHECK(record->at("headers").at("authorization") == "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
    CHECK(record->at("batch") == tracewire_test::expected_jaeger_batch());
  }

  TEST_CASE("jaeger from the environment: PROTOCOL=http/thrift.binary alone posts to the default collector URL") {
    const auto exporter =
        make_jaeger_exporter_from_environment(MapEnvironment{{"OTEL_EXPORTER_JAEGER_PROTOCOL", "http/thrift.binary"}});
    const auto& http = as<JaegerHttpExporter>(exporter);
    CHECK(http.options().endpoint == "http://localhost:14268/api/traces");
    CHECK(http.options().user.empty());
    CHECK(exporter->describe().find("auth=none") != std::string::npos);
  }

  TEST_CASE("jaeger and zipkin from the environment: TIMEOUT bounds an export to a receiver that does not answer") {
    Receiver::Options receiver_options;
    receiver_options.script = json::array({{{"delayMs", 4000}}, {{"delayMs", 4000}}});
    Receiver receiver(receiver_options);
    tracewire_test::SampleSpans sample;
    const std::string base = "http://127.0.0.1:" + port_text(receiver.http_port());
    const auto jaeger = make_jaeger_exporter_from_environment(MapEnvironment{
        {"OTEL_EXPORTER_JAEGER_ENDPOINT", base + "/api/traces"}, {"OTEL_EXPORTER_JAEGER_TIMEOUT", "300"}});
    const auto zipkin = make_zipkin_exporter_from_environment(MapEnvironment{
        {"OTEL_EXPORTER_ZIPKIN_ENDPOINT", base + "/api/v2/spans"}, {"OTEL_EXPORTER_ZIPKIN_TIMEOUT", "300"}});
    CHECK(as<JaegerHttpExporter>(jaeger).options().timeout == std::chrono::milliseconds(300));
    CHECK(as<ZipkinExporter>(zipkin).options().timeout == std::chrono::milliseconds(300));
    for (SpanExporter* exporter : {jaeger.get(), zipkin.get()}) {
      CAPTURE(exporter->describe());
      CapturedLog log;
      const auto started = std::chrono::steady_clock::now();
      CHECK(exporter->export_spans(sample.all()) == ExportResult::failure);
      CHECK(std::chrono::steady_clock::now() - started < std::chrono::milliseconds(3000));
      CHECK(log.contains("3 spans lost"));
    }
  }

  TEST_CASE("zipkin from the environment: defaults, and ZIPKIN_ENDPOINT directs the posts") {
    CapturedLog log;
    const auto defaults = make_zipkin_exporter_from_environment(MapEnvironment{});
    const auto& zipkin = as<ZipkinExporter>(defaults);
    CHECK(zipkin.options().endpoint == "http://localhost:9411/api/v2/spans");
    CHECK(zipkin.options().timeout == std::chrono::milliseconds(10000));
    CHECK(!zipkin.options().debug);
    CHECK(log.count() == 0);

    Receiver receiver;
    tracewire_test::SampleSpans sample;
    const auto pointed = make_zipkin_exporter_from_environment(MapEnvironment{
        {"OTEL_EXPORTER_ZIPKIN_ENDPOINT", "http://127.0.0.1:" + port_text(receiver.http_port()) + "/api/v2/spans"}});
    REQUIRE(pointed->export_spans(sample.all()) == ExportResult::success);
    auto record = receiver.next(std::chrono::seconds(10));
    REQUIRE(record);
    CHECK(record->at("kind") == "zipkin");
    CHECK(record->at("body") == tracewire_test::expected_zipkin_spans());
  }

  TEST_CASE("jaeger and zipkin from the environment: a bad value warns once, naming the variable, and falls back") {
    detail::ReportedValues::instance().clear();  // a value reported by an earlier test is not reported again
    struct Bad {
      const char* variable;
      const char* value;
    };
    for (const Bad& bad :
         {Bad{"OTEL_EXPORTER_JAEGER_AGENT_PORT", "70000"}, Bad{"OTEL_EXPORTER_JAEGER_AGENT_PORT", "68x"},
          Bad{"OTEL_EXPORTER_JAEGER_AGENT_PORT", "0"}, Bad{"OTEL_EXPORTER_JAEGER_PROTOCOL", "thrift"},
          Bad{"OTEL_EXPORTER_JAEGER_PROTOCOL", "grpc"}}) {
      CAPTURE(bad.variable);
      CAPTURE(bad.value);
      CapturedLog log;
      const auto exporter = make_jaeger_exporter_from_environment(MapEnvironment{{bad.variable, bad.value}});
      const auto& udp = as<JaegerUdpExporter>(exporter);
      CHECK(udp.options().port == 6831);
      CHECK(udp.options().protocol == ThriftProtocol::compact);
      CHECK(log.count() == 1);
      CHECK(lines_with(log, bad.variable) == 1);
      CHECK(log.contains("udp/thrift.compact") == (std::string(bad.variable) == "OTEL_EXPORTER_JAEGER_PROTOCOL"));
      if (std::string(bad.variable) == "OTEL_EXPORTER_JAEGER_AGENT_PORT") CHECK(log.contains("using 6831"));
    }
    {
      CapturedLog log;
      const auto exporter = make_jaeger_exporter_from_environment(
          MapEnvironment{{"OTEL_EXPORTER_JAEGER_ENDPOINT", "http://collector:14268/api/traces"},
                         {"OTEL_EXPORTER_JAEGER_TIMEOUT", "10s"}});
      CHECK(as<JaegerHttpExporter>(exporter).options().timeout == std::chrono::milliseconds(10000));
      CHECK(log.count() == 1);
      CHECK(log.contains("invalid OTEL_EXPORTER_JAEGER_TIMEOUT=\"10s\""));
      CHECK(log.contains("using 10000"));
    }
    for (const char* url : {"localhost:14268/api/traces", "ftp://collector/api/traces", "http://", "http:///api",
                            "http://collector:14268/api traces", "http://[::1", "http://[::1/api/traces",
                            "http://collector:0/api/traces", "http://collector:99999/api/traces"}) {
      CAPTURE(url);
      CapturedLog log;
      const auto jaeger = make_jaeger_exporter_from_environment(MapEnvironment{{"OTEL_EXPORTER_JAEGER_ENDPOINT", url}});
      CHECK(as<JaegerHttpExporter>(jaeger).options().endpoint == "http://localhost:14268/api/traces");
      const auto zipkin = make_zipkin_exporter_from_environment(MapEnvironment{{"OTEL_EXPORTER_ZIPKIN_ENDPOINT", url}});
      CHECK(as<ZipkinExporter>(zipkin).options().endpoint == "http://localhost:9411/api/v2/spans");
      CHECK(log.count() == 2);
      CHECK(lines_with(log, "invalid OTEL_EXPORTER_JAEGER_ENDPOINT=") == 1);
      CHECK(lines_with(log, "invalid OTEL_EXPORTER_ZIPKIN_ENDPOINT=") == 1);
      CHECK(log.contains("using http://localhost:14268/api/traces"));
    }
    {
      CapturedLog log;
      const auto exporter = make_zipkin_exporter_from_environment(
          MapEnvironment{{"OTEL_EXPORTER_ZIPKIN_ENDPOINT", " HTTPS://tempo.example:9411/api/v2/spans "}});
      CHECK(as<ZipkinExporter>(exporter).options().endpoint == "HTTPS://tempo.example:9411/api/v2/spans");
      CHECK(log.count() == 0);
    }
    {
      CapturedLog log;
      const auto exporter =
          make_zipkin_exporter_from_environment(MapEnvironment{{"OTEL_EXPORTER_ZIPKIN_TIMEOUT", "-1"}});
      CHECK(as<ZipkinExporter>(exporter).options().timeout == std::chrono::milliseconds(10000));
      CHECK(log.count() == 1);
      CHECK(log.contains("invalid OTEL_EXPORTER_ZIPKIN_TIMEOUT=\"-1\""));
    }
    {
      // a zero timeout would fail every export before it starts
      CapturedLog log;
      const auto zipkin = make_zipkin_exporter_from_environment(MapEnvironment{{"OTEL_EXPORTER_ZIPKIN_TIMEOUT", "0"}});
      CHECK(as<ZipkinExporter>(zipkin).options().timeout == std::chrono::milliseconds(10000));
      const auto jaeger = make_jaeger_exporter_from_environment(
          MapEnvironment{{"OTEL_EXPORTER_JAEGER_ENDPOINT", "http://collector:14268/api/traces"},
                         {"OTEL_EXPORTER_JAEGER_TIMEOUT", "0"}});
      CHECK(as<JaegerHttpExporter>(jaeger).options().timeout == std::chrono::milliseconds(10000));
      CHECK(log.count() == 2);
      CHECK(log.contains("invalid OTEL_EXPORTER_ZIPKIN_TIMEOUT=\"0\": expected an integer in [1, "));
      CHECK(log.contains("invalid OTEL_EXPORTER_JAEGER_TIMEOUT=\"0\": expected an integer in [1, "));
    }
  }
}
