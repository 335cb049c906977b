#include <doctest/doctest.h>

#include <string>

#include "mocks/recording_logger.hpp"
#include "tracewire/config/otlp_from_environment.hpp"
#include "tracewire/export/otlp/otlp_exporter_config.hpp"

using namespace tracewire;
using tracewire_test::CapturedLog;

namespace {
FinalizedOtlpExporterConfig from(const MapEnvironment& environment) {
  return finalize_config(make_otlp_exporter_config_from_environment(environment));
}
}  // namespace

TEST_SUITE("export") {
  // Tests that expect a warning start from a clean slate of values already reported.
  struct FreshReports {
    FreshReports() { detail::ReportedValues::instance().clear(); }
  };

  TEST_CASE("OTLP defaults: http/protobuf to localhost:4318/v1/traces, 10 s, no compression") {
    const auto config = from(MapEnvironment{});
    CHECK(config.protocol == OtlpProtocol::http_protobuf);
    CHECK(config.endpoint == "http://localhost:4318/v1/traces");
    CHECK(config.timeout == std::chrono::milliseconds(10000));
    CHECK_FALSE(config.gzip);
    CHECK(config.headers.empty());
    CHECK_FALSE(config.uses_tls());
    const auto grpc = from(MapEnvironment{{"OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"}});
    CHECK(grpc.protocol == OtlpProtocol::grpc);
    CHECK(grpc.endpoint == "http://localhost:4317");
  }

  TEST_CASE("OTEL_EXPORTER_OTLP_ENDPOINT is a base that gets v1/traces; the traces endpoint is used as is") {
    CHECK(from({{"OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318"}}).endpoint ==
          "http://collector:4318/v1/traces");
    CHECK(from({{"OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318/"}}).endpoint ==
          "http://collector:4318/v1/traces");
    CHECK(from({{"OTEL_EXPORTER_OTLP_ENDPOINT", "https://api.honeycomb.io/otlp"}}).endpoint ==
          "https://api.honeycomb.io/otlp/v1/traces");
    CHECK(from({{"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://collector:4318"}}).endpoint == "http://collector:4318");
    CHECK(from({{"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://a:1/custom/path"},
                {"OTEL_EXPORTER_OTLP_ENDPOINT", "http://b:2"}})
              .endpoint == "http://a:1/custom/path");
    // gRPC ignores paths: the generic endpoint is used as is.
    CHECK(from({{"OTEL_EXPORTER_OTLP_ENDPOINT", "http://tempo:4317"}, {"OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"}})
              .endpoint == "http://tempo:4317");
    CHECK(from({{"OTEL_EXPORTER_OTLP_ENDPOINT", "https://tempo:4317"}}).uses_tls());
  }

  TEST_CASE("an endpoint that is not an http(s) URL is reported, naming the variable, and the default is used") {
    CapturedLog log;
    const auto config = from({{"OTEL_EXPORTER_OTLP_ENDPOINT", "ftp://collector:21"}});
    CHECK(config.endpoint == "http://localhost:4318/v1/traces");
    CHECK(log.text().find("OTEL_EXPORTER_OTLP_ENDPOINT") != std::string::npos);
  }

  TEST_CASE("the signal-specific variable wins for every setting") {
    const auto config = from({{"OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"},
                              {"OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "http/json"},
                              {"OTEL_EXPORTER_OTLP_TIMEOUT", "1000"},
                              {"OTEL_EXPORTER_OTLP_TRACES_TIMEOUT", "2500"},
                              {"OTEL_EXPORTER_OTLP_COMPRESSION", "none"},
                              {"OTEL_EXPORTER_OTLP_TRACES_COMPRESSION", "GZIP"},
                              {"OTEL_EXPORTER_OTLP_HEADERS", "a=1"},
                              {"OTEL_EXPORTER_OTLP_TRACES_HEADERS", "b=2"},
                              {"OTEL_EXPORTER_OTLP_CERTIFICATE", "/generic.pem"},
                              {"OTEL_EXPORTER_OTLP_TRACES_CERTIFICATE", "/traces.pem"},
                              {"OTEL_EXPORTER_OTLP_CLIENT_KEY", "/key.pem"},
                              {"OTEL_EXPORTER_OTLP_TRACES_CLIENT_CERTIFICATE", "/client.pem"},
                              {"OTEL_EXPORTER_OTLP_INSECURE", "true"}});
    CHECK(config.protocol == OtlpProtocol::http_json);
    CHECK(config.timeout == std::chrono::milliseconds(2500));
    CHECK(config.gzip);
    REQUIRE(config.headers.size() == 1);
    CHECK(config.headers[0] == std::pair<std::string, std::string>("b", "2"));
    CHECK(config.certificate_file == "/traces.pem");
    CHECK(config.client_key_file == "/key.pem");
    CHECK(config.client_certificate_file == "/client.pem");
    CHECK(config.insecure);
  }

  TEST_CASE("OTEL_EXPORTER_OTLP_HEADERS are percent-decoded; bad items are skipped without showing values") {
    CapturedLog log;
    const auto config = from({{"OTEL_EXPORTER_OTLP_HEADERS",
                               " x-honeycomb-team = my%20secret%3Dkey "
                               ",api-key=abc%2C123,broken-secret,bad=%zzsecret2,Authorization=Basic%20dXNlcg=="}});
    REQUIRE(config.headers.size() == 3);
    CHECK(config.headers[0] == std::pair<std::string, std::string>("x-honeycomb-team", "my secret=key"));
    CHECK(config.headers[1] == std::pair<std::string, std::string>("api-key", "abc,123"));
    CHECK(config.headers[2] == std::pair<std::string, std::string>("Authorization", "Basic dXNlcg=="));
    const std::string text = log.text();
    CHECK(log.count() == 1);  // one warning for the variable, not one per bad item
    CHECK(text.find("invalid OTEL_EXPORTER_OTLP_HEADERS: 2 item(s) (number 3, 4) are not percent-encoded key=value "
                    "headers; ignoring them") != std::string::npos);
    CHECK(text.find("secret") == std::string::npos);
    CHECK(text.find("dXNlcg") == std::string::npos);
  }

  TEST_CASE("a header that would split the request (CR/LF) is refused") {
    CapturedLog log;
    const auto config = from({{"OTEL_EXPORTER_OTLP_HEADERS", "a=1%0d%0aX-Injected: yes,b=2"}});
    REQUIRE(config.headers.size() == 1);
    CHECK(config.headers[0].first == "b");
  }

  TEST_CASE("invalid protocol, timeout and compression values warn once each and fall back to defaults") {
    CapturedLog log;
    const auto config = from({{"OTEL_EXPORTER_OTLP_PROTOCOL", "http/thrift"},
                              {"OTEL_EXPORTER_OTLP_TIMEOUT", "ten seconds"},
                              {"OTEL_EXPORTER_OTLP_COMPRESSION", "brotli"}});
    CHECK(config.protocol == OtlpProtocol::http_protobuf);
    CHECK(config.timeout == std::chrono::milliseconds(10000));
    CHECK_FALSE(config.gzip);
    CHECK(log.count() == 3);
    CHECK(log.text().find("OTEL_EXPORTER_OTLP_PROTOCOL") != std::string::npos);
    CHECK(log.text().find("http/thrift") != std::string::npos);
  }

  TEST_CASE("options set in code win over the environment when assigned after reading it") {
    auto options = make_otlp_exporter_config_from_environment(MapEnvironment{{"OTEL_EXPORTER_OTLP_TIMEOUT", "1000"}});
    options.timeout = std::chrono::milliseconds(42);
    CHECK(finalize_config(options).timeout == std::chrono::milliseconds(42));
  }

  TEST_CASE("endpoints that cannot work are rejected at configuration time, naming the variable") {
    FreshReports fresh;
    struct Bad {
      const char* url;
      const char* why;
    };
    for (const Bad& bad : {Bad{"http://", "no host"}, Bad{"https://", "no host"}, Bad{"http:///v1/traces", "no host"},
                           Bad{"http://:4318", "no host"}, Bad{"http://[::1", "an unclosed '[' in the host"},
                           Bad{"http://[::1]x", "text after the host's ']'"}, Bad{"http://::1:4318", "[brackets]"},
                           Bad{"http://collector:0", "port \"0\" is not in 1-65535"},
                           Bad{"http://collector:99999", "port \"99999\" is not in 1-65535"},
                           Bad{"http://collector:65536/v1", "port \"65536\" is not in 1-65535"},
                           Bad{"http://collector:43x8", "port \"43x8\" is not in 1-65535"},
                           Bad{"http://coll ector:4318", "whitespace"}, Bad{"ftp://collector:21", "no http://"}}) {
      CAPTURE(bad.url);
      CapturedLog log;
      // the generic endpoint: `http://` would otherwise become `http://v1/traces`
      CHECK(from({{"OTEL_EXPORTER_OTLP_ENDPOINT", bad.url}}).endpoint == "http://localhost:4318/v1/traces");
      // the traces endpoint falls back to the generic one
      CHECK(from({{"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", bad.url}, {"OTEL_EXPORTER_OTLP_ENDPOINT", "http://b:2"}})
                .endpoint == "http://b:2/v1/traces");
      CHECK(log.count() == 2);
      CHECK(log.contains(std::string("invalid OTEL_EXPORTER_OTLP_ENDPOINT=") + detail::quote(bad.url)));
      CHECK(log.contains(std::string("invalid OTEL_EXPORTER_OTLP_TRACES_ENDPOINT=") + detail::quote(bad.url)));
      CHECK(log.contains(bad.why));
    }
    // what works: IPv6 literals, user info, ports 1 and 65535, an empty port (the default)
    CapturedLog log;
    for (const char* good : {"http://[::1]:4318", "https://user:pw@collector", "http://collector:1",
                             "HTTP://collector:65535", "http://collector:/otlp", "http://10.0.0.1:4318/custom?x=1"}) {
      CAPTURE(good);
      CHECK(from({{"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", good}}).endpoint == good);
    }
    // gRPC also takes host:port
    CHECK(from({{"OTEL_EXPORTER_OTLP_ENDPOINT", "tempo:4317"}, {"OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"}}).endpoint ==
          "tempo:4317");
    CHECK(log.count() == 0);
    CHECK(from({{"OTEL_EXPORTER_OTLP_ENDPOINT", "tempo:0"}, {"OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"}}).endpoint ==
          "http://localhost:4317");
    CHECK(log.count() == 1);
  }

  TEST_CASE("a non-positive timeout is rejected with a warning and the default used") {
    FreshReports fresh;
    CapturedLog log;
    for (const char* variable : {"OTEL_EXPORTER_OTLP_TIMEOUT", "OTEL_EXPORTER_OTLP_TRACES_TIMEOUT"}) {
      CAPTURE(variable);
      CHECK(from({{variable, "0"}}).timeout == std::chrono::milliseconds(10000));
      CHECK(from({{variable, "-1"}}).timeout == std::chrono::milliseconds(10000));
      CHECK(log.contains(std::string("invalid ") + variable + "=\"0\": expected an integer in [1, "));
      CHECK(log.contains(std::string("invalid ") + variable + "=\"-1\""));
    }
    CHECK(from({{"OTEL_EXPORTER_OTLP_TIMEOUT", "1"}}).timeout == std::chrono::milliseconds(1));
  }

  TEST_CASE("OTEL_EXPORTER_OTLP_HEADERS with 50,000 bad items makes one short warning") {
    FreshReports fresh;
    CapturedLog log;
    std::string value;
    for (int i = 0; i < 50000; ++i) value += "secret,";
    CHECK(from({{"OTEL_EXPORTER_OTLP_HEADERS", value}}).headers.empty());
    CHECK(from({{"OTEL_EXPORTER_OTLP_HEADERS", value}}).headers.empty());  // read again: not reported again
    REQUIRE(log.count() == 1);
    CHECK(log.contains("invalid OTEL_EXPORTER_OTLP_HEADERS: 50000 item(s) (number 1, 2, 3, 4, 5 and 49995 more)"));
    CHECK(log.text().find("secret") == std::string::npos);
  }
}
