// JaegerHttpExporter against receiver.js: a real loopback HTTP listener takes the collector's
// POST /api/traces and Apache Thrift's Node library decodes the body on the official Jaeger IDL.
#include <doctest/doctest.h>

#include <chrono>
#include <string>
#include <vector>

#include "mocks/recording_logger.hpp"
#include "support/peer_process.hpp"
#include "support/sample_spans.hpp"
#include "tracewire/export/jaeger/jaeger_http_exporter.hpp"
#include "tracewire/transport/curl_http_client.hpp"

using namespace tracewire;
using nlohmann::json;
using tracewire_test::CapturedLog;
using tracewire_test::Receiver;

namespace {

std::string collector_url(const Receiver& receiver) {
  return "http://127.0.0.1:" + std::to_string(receiver.http_port()) + "/api/traces";
}

JaegerHttpExporterOptions options_for(const Receiver& receiver) {
  JaegerHttpExporterOptions options;
  options.endpoint = collector_url(receiver);
  options.timeout = std::chrono::milliseconds(5000);
  return options;
}

json next_request(Receiver& receiver) {
  auto request = receiver.next(std::chrono::seconds(10));
  REQUIRE(request);
  REQUIRE_MESSAGE(request->at("kind") == "jaeger-http", request->dump());
  return *request;
}

}  // namespace

TEST_SUITE("export") {
  TEST_CASE("JaegerHttpExporter: a Thrift binary Batch every field of which Apache Thrift decodes") {
    Receiver receiver;
    tracewire_test::SampleSpans sample;
    JaegerHttpExporter exporter(options_for(receiver));
    REQUIRE(exporter.export_spans(sample.all()) == ExportResult::success);

    const json request = next_request(receiver);
    CHECK(request.at("path") == "/api/traces");
    CHECK(request.at("headers").at("content-type") == "application/vnd.apache.thrift.binary");
    CHECK(!request.at("headers").contains("authorization"));
    const json expected = tracewire_test::expected_jaeger_batch();
    const json& batch = request.at("batch");
    CHECK(batch.at("process") == expected.at("process"));
    REQUIRE(batch.at("spans").size() == 3);
    for (std::size_t i = 0; i < 3; ++i) {
      CAPTURE(i);
      CHECK(batch.at("spans")[i] == expected.at("spans")[i]);
    }
    CHECK(batch == expected);  // no stray optional fields (seqNo, stats)

    const ExportStats stats = exporter.stats();
    CHECK(stats.spans_exported == 3);  // the receiver answered 202 Accepted, as a collector does
    CHECK(stats.spans_failed == 0);
    CHECK(stats.requests_sent == 1);
  }

  TEST_CASE("JaegerHttpExporter: the older application/x-thrift content type is selectable") {
    Receiver receiver;
    tracewire_test::SampleSpans sample;
    JaegerHttpExporterOptions options = options_for(receiver);
    options.content_type = "application/x-thrift";
    JaegerHttpExporter exporter(options);
    REQUIRE(exporter.export_spans(sample.all()) == ExportResult::success);
    const json request = next_request(receiver);
    CHECK(request.at("headers").at("content-type") == "application/x-thrift");
    CHECK(request.at("batch") == tracewire_test::expected_jaeger_batch());
    CHECK(exporter.describe().find("content_type=application/x-thrift") != std::string::npos);
  }

  TEST_CASE("JaegerHttpExporter: basic auth, bearer token and extra headers; credentials never shown") {
    Receiver receiver;
    tracewire_test::SampleSpans sample;
    const std::vector<const SpanData*> batch{&sample.internal};

    SUBCASE("basic") {
      JaegerHttpExporterOptions options = options_for(receiver);
      options.user = "Aladdin";  // RFC 7617's example and its published encoding
      options.password = "open sesame";
      options.bearer_token = "ignored-when-a-user-is-set";
      options.headers = {{"x-scope-orgid", "tenant-1"}};
      JaegerHttpExporter exporter(options);
      REQUIRE(exporter.export_spans(batch) == ExportResult::success);
      const json request = next_request(receiver);
      CHECK(request.at("headers").at("authorization") == "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
      CHECK(request.at("headers").at("x-scope-orgid") == "tenant-1");
      CHECK(request.at("batch").at("spans").size() == 1);
      const std::string described = exporter.describe();
      CHECK(described.find("auth=basic") != std::string::npos);
      CHECK(described.find("open sesame") == std::string::npos);
    }
    SUBCASE("bearer") {
      JaegerHttpExporterOptions options = options_for(receiver);
      options.bearer_token = "abc.def.ghi";
      JaegerHttpExporter exporter(options);
      REQUIRE(exporter.export_spans(batch) == ExportResult::success);
      const json request = next_request(receiver);
      CHECK(request.at("headers").at("authorization") == "Bearer abc.def.ghi");
      CHECK(exporter.describe().find("auth=bearer") != std::string::npos);
      CHECK(exporter.describe().find("abc.def.ghi") == std::string::npos);
    }
  }

  TEST_CASE("JaegerHttpExporter: spans from two resources are posted as two Batches") {
    Receiver receiver;
    tracewire_test::SampleSpans sample;
    Resource other({{"service.name", "billing"}, {"tier", "2"}});
    SpanData billing = sample.internal;
    billing.set_origin(&other, nullptr, nullptr);
    JaegerHttpExporter exporter(options_for(receiver));
    const std::vector<const SpanData*> batch{&sample.client, &billing, &sample.internal};
    REQUIRE(exporter.export_spans(batch) == ExportResult::success);
    const json first = next_request(receiver);
    const json second = next_request(receiver);
    CHECK(first.at("batch").at("process") == tracewire_test::expected_jaeger_batch().at("process"));
    CHECK(first.at("batch").at("spans").size() == 2);
    CHECK(second.at("batch").at("process") ==
          json{{"serviceName", "billing"}, {"tags", json::array({tracewire_test::jaeger_string_tag("tier", "2")})}});
    REQUIRE(second.at("batch").at("spans").size() == 1);
    CHECK(second.at("batch").at("spans")[0].at("spanIdHex") == "0000000000000004");
    CHECK(exporter.stats().spans_exported == 3);
    CHECK(exporter.stats().requests_sent == 2);
  }

  TEST_CASE("JaegerHttpExporter: a refused post counts its spans as failed and reports it without credentials") {
    CapturedLog log;
    Receiver::Options receiver_options;
    receiver_options.script = json::array({{{"status", 400}, {"body", "malformed batch"}}});
    Receiver receiver(receiver_options);
    tracewire_test::SampleSpans sample;
    JaegerHttpExporterOptions options = options_for(receiver);
    options.user = "jaeger";
    options.password = "p4ssw0rd";
    JaegerHttpExporter exporter(options);
    CHECK(exporter.export_spans(sample.all()) == ExportResult::failure);
    next_request(receiver);
    const ExportStats stats = exporter.stats();
    CHECK(stats.spans_failed == 3);
    CHECK(stats.spans_exported == 0);
    CHECK(stats.requests_failed == 1);
    CHECK(log.contains("JaegerHttpExporter: export to " + collector_url(receiver) +
                       " failed, 3 spans lost: HTTP 400: malformed batch"));
    CHECK(!log.contains("p4ssw0rd"));
  }

  TEST_CASE("JaegerHttpExporter: after shutdown exports fail, are counted, and send nothing") {
    Receiver receiver;
    tracewire_test::SampleSpans sample;
    JaegerHttpExporter exporter(options_for(receiver));
    CHECK(exporter.shutdown(std::chrono::milliseconds(1000)));
    CHECK(exporter.shutdown(std::chrono::milliseconds(1000)));  // twice is fine
    CHECK(exporter.export_spans(sample.all()) == ExportResult::failure);
    CHECK(exporter.stats().spans_failed == 3);
    CHECK(!receiver.next(std::chrono::milliseconds(200)));
  }
}
