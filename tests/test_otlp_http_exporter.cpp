// OtlpHttpExporter against receiver.js: what arrives is decoded by the OpenTelemetry-generated
// protobufjs code (or checked OTLP/JSON), never by tracewire's own code.
#include <doctest/doctest.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <thread>

#include "mocks/recording_logger.hpp"
#include "support/closed_port.hpp"
#include "support/otlp_checks.hpp"
#include "support/peer_process.hpp"
#include "support/test_certificates.hpp"
#include "tracewire/config/otlp_from_environment.hpp"
#include "tracewire/export/otlp/otlp_http_exporter.hpp"
#include "tracewire/transport/curl_http_client.hpp"

using namespace tracewire;
using tracewire_test::CapturedLog;
using tracewire_test::closed_port;
using tracewire_test::json;
using tracewire_test::OtlpSample;
using tracewire_test::Receiver;

namespace {

FinalizedOtlpExporterConfig config_for(const Receiver& receiver, OtlpProtocol protocol = OtlpProtocol::http_protobuf) {
  OtlpExporterConfig options;
  options.endpoint = "http://127.0.0.1:" + std::to_string(receiver.http_port());
  options.protocol = protocol;
  // Backoff short enough for a test; the Retry-After test overrides it with the server's delay.
  options.retry = RetryOptions{5, std::chrono::milliseconds(20), std::chrono::milliseconds(50), 1.5, 0.2};
  return finalize_config(options);
}

Receiver::Options scripted(json script) {
  Receiver::Options options;
  options.script = std::move(script);
  return options;
}

// A receiver answering as `script` says, an exporter pointed at it, and `spans` plain spans.
struct ScriptedExport {
  template <class Adjust>
  ScriptedExport(json script, std::uint64_t spans, Adjust adjust)
      : receiver(scripted(std::move(script))), exporter(adjusted(receiver, adjust)) {
    sample.add_plain_spans(spans);
  }
  explicit ScriptedExport(json script, std::uint64_t spans = 1)
      : ScriptedExport(std::move(script), spans, [](FinalizedOtlpExporterConfig&) {}) {}

  ExportResult run() { return exporter.export_spans(sample.batch()); }

  template <class Adjust>
  static FinalizedOtlpExporterConfig adjusted(const Receiver& receiver, Adjust adjust) {
    FinalizedOtlpExporterConfig config = config_for(receiver);
    adjust(config);
    return config;
  }

  Receiver receiver;
  OtlpSample sample;
  OtlpHttpExporter exporter;
};

}  // namespace

TEST_SUITE("export") {
  TEST_CASE("OtlpHttpExporter sends every field as protobuf and as gzipped JSON, grouped by resource and scope") {
    struct Variant {
      OtlpProtocol protocol;
      bool gzip;
      const char* kind;
      const char* content_type;
    };
    for (const Variant& variant : {Variant{OtlpProtocol::http_protobuf, false, "otlp-proto", "application/x-protobuf"},
                                   Variant{OtlpProtocol::http_json, true, "otlp-json", "application/json"}}) {
      CAPTURE(variant.kind);
      Receiver receiver;
      OtlpSample sample;
      sample.add_rich_span(1);
      sample.add_plain_span(&sample.resource_b, &sample.scope_a, 2);
      sample.add_plain_span(&sample.resource_a, &sample.scope_b, 3);
      sample.add_rich_span(4);
      auto config = config_for(receiver, variant.protocol);
      config.gzip = variant.gzip;
      config.headers = {{"x-honeycomb-team", "secret-key-123"}, {"x-other", "v"}};
      OtlpHttpExporter exporter(config);
      const auto batch = sample.batch();
      REQUIRE(exporter.export_spans(batch) == ExportResult::success);

      const auto request = receiver.next();
      REQUIRE(request);
      INFO(request->dump());
      CHECK((*request)["kind"] == variant.kind);
      CHECK((*request)["path"] == "/v1/traces");
      CHECK((*request)["headers"]["content-type"] == variant.content_type);
      CHECK((*request)["headers"].value("content-encoding", "identity") == (variant.gzip ? "gzip" : "identity"));
      CHECK((*request)["headers"]["x-honeycomb-team"] == "secret-key-123");
      const json& body = (*request)["body"];
      tracewire_test::check_request(body, batch);
      // Invalid UTF-8 in an attribute arrives with U+FFFD in place of each bad sequence.
      std::string repaired;
      for (const json& attribute : body["resourceSpans"][0]["scopeSpans"][0]["spans"][0]["attributes"]) {
        if (attribute["key"] == "bad.utf8") repaired = attribute["value"]["stringValue"];
      }
      CHECK(repaired == "ok\xef\xbf\xbd(\xef\xbf\xbd end");
      // Two resources, and within the first one two scopes: each group appears once.
      REQUIRE(body["resourceSpans"].size() == 2);
      CHECK(body["resourceSpans"][0]["scopeSpans"].size() + body["resourceSpans"][1]["scopeSpans"].size() == 3);
      const auto stats = exporter.stats();
      CHECK(stats.spans_exported == 4);
      CHECK(stats.spans_failed == 0);
      CHECK(stats.requests_sent == 1);
      // The encoded body, before any compression: what the receiver got when not gzipped.
      const auto content_length = std::stoull((*request)["headers"]["content-length"].get<std::string>());
      if (variant.gzip) {
        CHECK(stats.bytes_sent > content_length);  // spans this repetitive compress well
      } else {
        CHECK(stats.bytes_sent == content_length);
      }
      CHECK(exporter.describe().find("x-honeycomb-team") != std::string::npos);
      CHECK(exporter.describe().find("secret-key-123") == std::string::npos);
    }
  }

  TEST_CASE("OtlpHttpExporter retries a 503 after its Retry-After, then succeeds") {
    ScriptedExport test(json::array({{{"status", 503}, {"headers", {{"retry-after", "1"}}}}}));
    const auto started = std::chrono::steady_clock::now();
    CHECK(test.run() == ExportResult::success);
    CHECK(std::chrono::steady_clock::now() - started >= std::chrono::milliseconds(900));  // waited as told
    REQUIRE(test.receiver.next());
    REQUIRE(test.receiver.next());
    const auto stats = test.exporter.stats();
    CHECK(stats.requests_sent == 2);
    CHECK(stats.requests_retried == 1);
    CHECK(stats.spans_exported == 1);
    CHECK(stats.spans_failed == 0);
  }

  TEST_CASE("OtlpHttpExporter retries a connection closed without a response") {
    ScriptedExport test(json::array({{{"close", true}}, {{"status", 502}}}));
    CHECK(test.run() == ExportResult::success);
    const auto stats = test.exporter.stats();
    CHECK(stats.requests_sent == 3);
    CHECK(stats.requests_retried == 2);
    CHECK(stats.spans_exported == 1);
  }

  TEST_CASE("OtlpHttpExporter reports a 400 once with the body, counts the spans, and does not retry") {
    CapturedLog log;
    ScriptedExport test(
        json::array({{{"status", 400}, {"body", "garbage \x01 from a proxy"}}, {{"status", 400}, {"body", "garbage"}}}),
        2, [](FinalizedOtlpExporterConfig& config) {
          config.headers = {{"authorization", "Bearer top-secret"}};
        });
    CHECK(test.run() == ExportResult::failure);
    CHECK(test.run() == ExportResult::failure);
    const auto stats = test.exporter.stats();
    CHECK(stats.requests_sent == 2);  // one per export: no retry
    CHECK(stats.requests_retried == 0);
    CHECK(stats.spans_failed == 4);
    CHECK(stats.requests_failed == 2);
    CHECK(log.count() == 1);  // reported once, not per batch
    CHECK(log.text().find("HTTP 400: garbage . from a proxy") != std::string::npos);
    CHECK(log.text().find("2 spans lost") != std::string::npos);
    CHECK(log.text().find("top-secret") == std::string::npos);
  }

  TEST_CASE("OtlpHttpExporter survives responses far larger than any OTLP answer") {
    CapturedLog log;
    const std::string huge(4 * 1024 * 1024, 'x');
    ScriptedExport test(json::array({{{"status", 200}, {"body", huge}}, {{"status", 400}, {"body", huge}}}), 2);
    CHECK(test.run() == ExportResult::success);  // a garbage 200 is still accepted
    CHECK(test.run() == ExportResult::failure);
    const auto stats = test.exporter.stats();
    CHECK(stats.spans_exported == 2);
    CHECK(stats.spans_failed == 2);
    CHECK(log.count() == 1);
    CHECK(log.contains("HTTP 400: xxxx"));
    CHECK(log.text().size() < 1024);  // only the start of the body is reported
  }

  TEST_CASE("OtlpHttpExporter counts a partial success as rejected spans and does not retry") {
    CapturedLog log;
    ScriptedExport test(json::array({{{"partialSuccess", {{"rejectedSpans", "2"}, {"errorMessage", "too old"}}}}}), 3);
    CHECK(test.run() == ExportResult::success);
    const auto stats = test.exporter.stats();
    CHECK(stats.spans_rejected == 2);
    CHECK(stats.spans_exported == 1);
    CHECK(stats.requests_sent == 1);
    CHECK(log.text().find("rejected 2 of 3 spans: too old") != std::string::npos);
  }

  TEST_CASE("OtlpHttpExporter reads a JSON partial success") {
    ScriptedExport test(json::array({{{"partialSuccess", {{"rejectedSpans", "1"}, {"errorMessage", "bad"}}}}}), 1,
                        [](FinalizedOtlpExporterConfig& config) { config.protocol = OtlpProtocol::http_json; });
    CHECK(test.run() == ExportResult::success);
    CHECK(test.exporter.stats().spans_rejected == 1);
    CHECK(test.exporter.stats().spans_exported == 0);
  }

  TEST_CASE("OtlpHttpExporter with no collector running fails, says why, and counts the spans") {
    OtlpSample sample;
    sample.add_plain_spans(1);
    OtlpExporterConfig options;
    options.traces_endpoint = "http://127.0.0.1:" + std::to_string(closed_port()) + "/v1/traces";
    options.retry = RetryOptions{3, std::chrono::milliseconds(10), std::chrono::milliseconds(10), 1, 0};
    CapturedLog log;
    OtlpHttpExporter exporter(finalize_config(options));
    CHECK(exporter.export_spans(sample.batch()) == ExportResult::failure);
    const auto stats = exporter.stats();
    CHECK(stats.requests_sent == 3);  // a refused connection is retried
    CHECK(stats.spans_failed == 1);
    CHECK(log.text().find("1 spans lost") != std::string::npos);
    CHECK(log.text().find("onnect") != std::string::npos);  // "Couldn't connect" / "Connection refused"
  }

  TEST_CASE("OtlpHttpExporter with an unresolvable host fails within its timeout") {
    OtlpSample sample;
    sample.add_plain_spans(1);
    OtlpExporterConfig options;
    options.endpoint = "http://collector.invalid:4318";
    options.timeout = std::chrono::milliseconds(2000);
    options.retry = RetryOptions{2, std::chrono::milliseconds(10), std::chrono::milliseconds(10), 1, 0};
    CapturedLog log;
    OtlpHttpExporter exporter(finalize_config(options));
    const auto started = std::chrono::steady_clock::now();
    CHECK(exporter.export_spans(sample.batch()) == ExportResult::failure);
    CHECK(std::chrono::steady_clock::now() - started < std::chrono::milliseconds(4000));
    CHECK(exporter.stats().spans_failed == 1);
    CHECK(log.text().find("collector.invalid") != std::string::npos);
  }

  TEST_CASE("OtlpHttpExporter gives up on a slow receiver at its timeout") {
    ScriptedExport test(json::array({{{"delayMs", 3000}}}), 1,
                        [](FinalizedOtlpExporterConfig& config) { config.timeout = std::chrono::milliseconds(300); });
    const auto started = std::chrono::steady_clock::now();
    CHECK(test.run() == ExportResult::failure);
    CHECK(std::chrono::steady_clock::now() - started < std::chrono::milliseconds(1500));
    CHECK(test.exporter.stats().spans_failed == 1);
  }

  TEST_CASE("OtlpHttpExporter shutdown cuts a retry wait short and refuses later exports") {
    ScriptedExport test(json::array({{{"status", 503}, {"headers", {{"retry-after", "5"}}}}}));
    const auto started = std::chrono::steady_clock::now();
    std::thread exporting([&] { CHECK(test.run() == ExportResult::failure); });
    REQUIRE(test.receiver.next());  // the first attempt arrived; the exporter now waits 5 s
    CHECK(test.exporter.shutdown(std::chrono::milliseconds(3000)));
    exporting.join();
    CHECK(std::chrono::steady_clock::now() - started < std::chrono::milliseconds(4000));
    CHECK(test.run() == ExportResult::failure);
    CHECK(test.exporter.stats().spans_failed == 2);
  }

  TEST_CASE(
      "OtlpHttpExporter over TLS: fails without the CA and says why, succeeds with OTEL_EXPORTER_OTLP_CERTIFICATE") {
    const tracewire_test::TestCertificates certificates;
    Receiver::Options receiver_options;
    receiver_options.tls_cert = certificates.server_certificate();
    receiver_options.tls_key = certificates.server_key();
    Receiver receiver(receiver_options);
    OtlpSample sample;
    sample.add_rich_span(1);
    const std::string endpoint = "https://127.0.0.1:" + std::to_string(receiver.http_port());

    {
      MapEnvironment environment{{"OTEL_EXPORTER_OTLP_ENDPOINT", endpoint}};
      CapturedLog log;
      OtlpHttpExporter exporter(finalize_config(make_otlp_exporter_config_from_environment(environment)));
      CHECK(exporter.export_spans(sample.batch()) == ExportResult::failure);
      CHECK(exporter.stats().spans_failed == 1);
      CHECK(exporter.stats().requests_sent == 1);  // a certificate problem is not retried
      CHECK(log.text().find("certificate") != std::string::npos);
    }
    {
      MapEnvironment environment{{"OTEL_EXPORTER_OTLP_ENDPOINT", endpoint},
                                 {"OTEL_EXPORTER_OTLP_CERTIFICATE", certificates.ca()}};
      OtlpHttpExporter exporter(finalize_config(make_otlp_exporter_config_from_environment(environment)));
      CHECK(exporter.export_spans(sample.batch()) == ExportResult::success);
      // Skip any line the receiver printed about the failed handshake.
      auto request = receiver.next();
      while (request && (*request)["kind"] != "otlp-proto") request = receiver.next();
      REQUIRE(request);
      tracewire_test::check_request((*request)["body"], sample.batch());
    }
  }

  TEST_CASE("OtlpHttpExporter over mutual TLS: OTEL_EXPORTER_OTLP_(TRACES_)CLIENT_KEY and _CLIENT_CERTIFICATE") {
    const tracewire_test::TestCertificates certificates;
    Receiver::Options receiver_options;
    receiver_options.tls_cert = certificates.server_certificate();
    receiver_options.tls_key = certificates.server_key();
    receiver_options.tls_client_ca = certificates.ca();  // a client certificate signed by it is required
    Receiver receiver(receiver_options);
    OtlpSample sample;
    sample.add_plain_spans(2);
    const std::string endpoint = "https://127.0.0.1:" + std::to_string(receiver.http_port());
    // Exports once with `variables` (besides the endpoint and the CA) and returns the exporter's stats.
    const auto export_with = [&](std::initializer_list<std::pair<const std::string, std::string>> variables,
                                 ExportResult expected) {
      MapEnvironment environment(variables);
      environment.set("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint);
      environment.set("OTEL_EXPORTER_OTLP_CERTIFICATE", certificates.ca());
      OtlpExporterConfig options = make_otlp_exporter_config_from_environment(environment);
      options.retry = RetryOptions{2, std::chrono::milliseconds(10), std::chrono::milliseconds(10), 1, 0};
      OtlpHttpExporter exporter(finalize_config(options));
      CHECK(exporter.export_spans(sample.batch()) == expected);
      return exporter.stats();
    };
    // The next request the receiver decoded: it only sees requests whose handshake succeeded.
    const auto next_request = [&] {
      auto request = receiver.next();
      while (request && (*request)["kind"] != "otlp-proto") request = receiver.next();
      REQUIRE(request);
      return *request;
    };

    SUBCASE("the generic variables") {
      const ExportStats stats =
          export_with({{"OTEL_EXPORTER_OTLP_CLIENT_KEY", certificates.client_key()},
                       {"OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE", certificates.client_certificate()}},
                      ExportResult::success);
      CHECK(stats.spans_exported == 2);
      const json request = next_request();
      CHECK(request["tlsClient"] == "tracewire-test-client");
      tracewire_test::check_request(request["body"], sample.batch());
    }
    SUBCASE("the _TRACES_ forms win over the generic ones") {
      const ExportStats stats =
          export_with({{"OTEL_EXPORTER_OTLP_CLIENT_KEY", certificates.stranger_key()},
                       {"OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE", certificates.stranger_certificate()},
                       {"OTEL_EXPORTER_OTLP_TRACES_CLIENT_KEY", certificates.client_key()},
                       {"OTEL_EXPORTER_OTLP_TRACES_CLIENT_CERTIFICATE", certificates.client_certificate()}},
                      ExportResult::success);
      CHECK(stats.spans_exported == 2);
      CHECK(next_request()["tlsClient"] == "tracewire-test-client");
    }
    SUBCASE(
        "without a client certificate, or with one no CA the receiver trusts signed, the export fails and is counted") {
      CapturedLog log;
      ExportStats stats = export_with({}, ExportResult::failure);
      CHECK(stats.spans_failed == 2);
      CHECK(stats.spans_exported == 0);
      stats = export_with({{"OTEL_EXPORTER_OTLP_TRACES_CLIENT_KEY", certificates.stranger_key()},
                           {"OTEL_EXPORTER_OTLP_TRACES_CLIENT_CERTIFICATE", certificates.stranger_certificate()}},
                          ExportResult::failure);
      CHECK(stats.spans_failed == 2);
      CHECK(stats.spans_exported == 0);
      CHECK(log.contains("2 spans lost"));
    }
  }

  TEST_CASE("OtlpHttpExporter: a partial success longer than the 64 KiB read is counted as its beginning says") {
    // protobufjs (the OpenTelemetry-generated code in receiver.js) writes rejected_spans
    // before error_message, so the count is in the part that is read
    CapturedLog log;
    const std::string long_message(100 * 1024, 'm');
    ScriptedExport test(json::array({{{"partialSuccess", {{"rejectedSpans", "2"}, {"errorMessage", long_message}}}}}),
                        3);
    CHECK(test.run() == ExportResult::success);
    const auto stats = test.exporter.stats();
    CHECK(stats.spans_rejected == 2);
    CHECK(stats.spans_exported == 1);
    CHECK(stats.spans_failed == 0);
    CHECK(log.contains("rejected 2 of 3 spans: mmmm"));
    CHECK(log.contains("(response cut)"));
    CHECK(log.text().size() < 1024);
  }

  TEST_CASE(
      "OtlpHttpExporter: a partial success whose count lies beyond the 64 KiB read counts the batch as failed, "
      "reported once") {
    CapturedLog log;
    // Valid OTLP/JSON with the message first: the count is past what the client keeps.
    const std::string body =
        R"({"partialSuccess":{"errorMessage":")" + std::string(100 * 1024, 'm') + R"(","rejectedSpans":"1"}})";
    ScriptedExport test(
        json::array({{{"status", 200}, {"headers", {{"content-type", "application/json"}}}, {"body", body}},
                     {{"status", 200}, {"headers", {{"content-type", "application/json"}}}, {"body", body}}}),
        3, [](FinalizedOtlpExporterConfig& config) { config.protocol = OtlpProtocol::http_json; });
    CHECK(test.run() == ExportResult::failure);
    CHECK(test.run() == ExportResult::failure);
    const auto stats = test.exporter.stats();
    CHECK(stats.spans_exported == 0);  // never counted as exported on an answer that could not be read
    CHECK(stats.spans_rejected == 0);
    CHECK(stats.spans_failed == 6);
    CHECK(stats.requests_sent == 2);  // an accepted request is not retried
    CHECK(log.count() == 1);          // reported once, not per batch
    CHECK(log.contains("its count of rejected spans could not be read; 3 spans counted as failed"));
    CHECK(log.text().size() < 1024);
  }

  TEST_CASE("OtlpHttpExporter: https:// to a plaintext port fails at once, says why, reports once and counts") {
    Receiver receiver;  // plain HTTP
    OtlpSample sample;
    sample.add_plain_spans(2);
    OtlpExporterConfig options;
    options.traces_endpoint = "https://127.0.0.1:" + std::to_string(receiver.http_port()) + "/v1/traces";
    options.retry = RetryOptions{5, std::chrono::milliseconds(10), std::chrono::milliseconds(10), 1, 0};
    CapturedLog log;
    OtlpHttpExporter exporter(finalize_config(options));
    CHECK(exporter.export_spans(sample.batch()) == ExportResult::failure);
    CHECK(exporter.export_spans(sample.batch()) == ExportResult::failure);
    const auto stats = exporter.stats();
    CHECK(stats.spans_failed == 4);
    CHECK(stats.requests_failed == 2);
    CHECK(stats.requests_sent == 2);  // a TLS handshake that cannot succeed is not retried
    CHECK(log.count() == 1);
    INFO(log.text());
    CHECK(log.contains("2 spans lost"));
    CHECK(log.contains("TLS"));
    CHECK(log.contains("plain HTTP"));
  }
}
