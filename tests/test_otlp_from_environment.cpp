// OTEL_TRACES_EXPORTER=otlp: the provider built from the environment alone sends OTLP in the
// protocol OTEL_EXPORTER_OTLP_(TRACES_)PROTOCOL names; receiver.js decodes what arrives.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "mocks/recording_logger.hpp"
#include "support/peer_process.hpp"
#include "tracewire/config/provider_from_environment.hpp"
#include "tracewire/transport/curl_http_client.hpp"

using namespace tracewire;
using nlohmann::json;
using tracewire_test::CapturedLog;
using tracewire_test::Receiver;

namespace {

// Ends one span named `name` through a provider made from `environment` alone, flushes it
// and returns what the receiver decoded.
std::optional<json> export_one_span(Receiver& receiver, const MapEnvironment& environment, const char* name) {
  auto provider = make_provider_from_environment({}, environment);
  provider->tracer("env-test").start_span(name).end();
  CHECK(provider->force_flush(std::chrono::seconds(10)));
  return receiver.next();
}

std::string base_url(const Receiver& receiver) { return "http://127.0.0.1:" + std::to_string(receiver.http_port()); }

}  // namespace

TEST_SUITE("config") {
  TEST_CASE("OTEL_TRACES_EXPORTER=otlp sends http/protobuf by default to OTEL_EXPORTER_OTLP_ENDPOINT/v1/traces") {
    Receiver receiver;
    MapEnvironment environment{{"OTEL_TRACES_EXPORTER", "otlp"},
                               {"OTEL_SERVICE_NAME", "cart"},
                               {"OTEL_EXPORTER_OTLP_ENDPOINT", base_url(receiver)},
                               {"OTEL_EXPORTER_OTLP_HEADERS", "x-api-key=s%3Dcret"}};
    const auto record = export_one_span(receiver, environment, "checkout");
    REQUIRE(record);
    INFO(record->dump());
    CHECK((*record)["kind"] == "otlp-proto");
    CHECK((*record)["path"] == "/v1/traces");
    CHECK((*record)["headers"]["x-api-key"] == "s=cret");
    const json& resource_spans = (*record)["body"]["resourceSpans"][0];
    CHECK(resource_spans["scopeSpans"][0]["scope"]["name"] == "env-test");
    CHECK(resource_spans["scopeSpans"][0]["spans"][0]["name"] == "checkout");
    bool service_name_seen = false;
    for (const json& attribute : resource_spans["resource"]["attributes"]) {
      if (attribute["key"] == "service.name") service_name_seen = attribute["value"]["stringValue"] == "cart";
    }
    CHECK(service_name_seen);
  }

  TEST_CASE("OTLP is the exporter when OTEL_TRACES_EXPORTER is unset, as the specification says") {
    Receiver receiver;
    MapEnvironment environment{{"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", base_url(receiver) + "/v1/traces"}};
    const auto record = export_one_span(receiver, environment, "default");
    REQUIRE(record);
    CHECK((*record)["kind"] == "otlp-proto");
    CHECK((*record)["body"]["resourceSpans"][0]["scopeSpans"][0]["spans"][0]["name"] == "default");
  }

  TEST_CASE("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL=http/json wins over the generic protocol") {
    Receiver receiver;
    MapEnvironment environment{{"OTEL_TRACES_EXPORTER", "otlp"},
                               {"OTEL_EXPORTER_OTLP_ENDPOINT", base_url(receiver)},
                               {"OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf"},
                               {"OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "HTTP/JSON"}};
    const auto record = export_one_span(receiver, environment, "as json");
    REQUIRE(record);
    CHECK((*record)["kind"] == "otlp-json");
    CHECK((*record)["headers"]["content-type"] == "application/json");
    CHECK((*record)["body"]["resourceSpans"][0]["scopeSpans"][0]["spans"][0]["name"] == "as json");
  }

  TEST_CASE("a protocol that cannot be served warns once, saying why, and http/protobuf is sent instead") {
    struct Variant {
      const char* protocol;
      std::vector<std::string> said;  // what the warning must contain
    };
    std::vector<Variant> variants{{"thrift", {"OTEL_EXPORTER_OTLP_PROTOCOL", "thrift"}}};
    // No translation unit of this suite includes the gRPC exporter; the gRPC suite checks
    // the other branch.
    variants.push_back({"grpc", {"tracewire::otlp_grpc", "otlp_grpc_exporter.hpp", "/v1/traces"}});
    for (const Variant& variant : variants) {
      CAPTURE(variant.protocol);
      CapturedLog log;
      Receiver receiver;
      MapEnvironment environment{{"OTEL_EXPORTER_OTLP_ENDPOINT", base_url(receiver)},
                                 {"OTEL_EXPORTER_OTLP_PROTOCOL", variant.protocol}};
      const auto record = export_one_span(receiver, environment, "fallback");
      REQUIRE(record);
      CHECK((*record)["kind"] == "otlp-proto");
      CHECK((*record)["path"] == "/v1/traces");
      for (const std::string& fragment : variant.said) CHECK(log.contains(fragment));
    }
  }

  TEST_CASE("the http/protobuf stand-in for gRPC moves the gRPC default port 4317 to OTLP/HTTP's 4318") {
    auto fallback = [](std::initializer_list<std::pair<const std::string, std::string>> variables) {
      return detail::http_fallback_endpoint(make_otlp_exporter_config_from_environment(MapEnvironment(variables)));
    };
    CHECK(fallback({}) == "http://localhost:4318/v1/traces");
    CHECK(fallback({{"OTEL_EXPORTER_OTLP_ENDPOINT", "http://tempo:4317"}}) == "http://tempo:4318/v1/traces");
    CHECK(fallback({{"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "https://collector:4317/"}}) ==
          "https://collector:4318/v1/traces");
    CHECK(fallback({{"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "collector:4317"}}) == "https://collector:4318/v1/traces");
    CHECK(fallback({{"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "collector:4317"},
                    {"OTEL_EXPORTER_OTLP_INSECURE", "true"}}) == "http://collector:4318/v1/traces");
    // Another port is somebody's deliberate choice: kept.
    CHECK(fallback({{"OTEL_EXPORTER_OTLP_ENDPOINT", "http://proxy:14317"}}) == "http://proxy:14317/v1/traces");
    CHECK(fallback({{"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "https://api.example.com:443/otlp/v1/traces"}}) ==
          "https://api.example.com:443/otlp/v1/traces");
  }
}
