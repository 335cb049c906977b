#include <doctest/doctest.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include <unistd.h>

#include "support/otlp_checks.hpp"
#include "support/peer_process.hpp"
#include "tracewire/export/otlp/otlp_file_exporter.hpp"
#include "tracewire/transport/curl_http_client.hpp"

using namespace tracewire;
using tracewire_test::OtlpSample;

TEST_SUITE("export") {
  TEST_CASE("OtlpFileExporter writes one OTLP/JSON request per line that the reference decoder accepts") {
    char path[] = "/tmp/tracewire-otlp-file-XXXXXX";
    const int fd = ::mkstemp(path);
    REQUIRE(fd >= 0);
    ::close(fd);
    OtlpSample sample;
    sample.add_rich_span(1);
    sample.add_plain_span(&sample.resource_b, &sample.scope_b, 2);
    const auto batch = sample.batch();
    {
      OtlpFileExporter exporter(path);
      CHECK(exporter.describe() == std::string("OtlpFileExporter{path=") + path + "}");
      CHECK(exporter.export_spans(batch) == ExportResult::success);
      CHECK(exporter.export_spans(ArrayView<const SpanData*>(batch.data(), 1)) == ExportResult::success);
      CHECK(exporter.stats().spans_exported == 3);
      CHECK(exporter.shutdown(std::chrono::milliseconds(100)));
    }
    std::ifstream file(path);
    std::vector<std::string> lines;
    for (std::string line; std::getline(file, line);) lines.push_back(line);
    std::remove(path);
    REQUIRE(lines.size() == 2);

    // Each line, posted as is to receiver.js, goes through the generated OTLP/JSON reader.
    tracewire_test::Receiver receiver;
    CurlHttpClient client;
    const std::string url = "http://127.0.0.1:" + std::to_string(receiver.http_port()) + "/v1/traces";
    for (std::size_t i = 0; i < lines.size(); ++i) {
      HttpRequest request;
      request.url = url;
      request.content_type = "application/json";
      request.body = lines[i];
      auto response = client.post(request);
      REQUIRE(response);
      CHECK(response->status == 200);
      const auto decoded = receiver.next();
      REQUIRE(decoded);
      INFO(decoded->dump());
      REQUIRE((*decoded)["kind"] == "otlp-json");
      tracewire_test::check_request((*decoded)["body"], i == 0 ? batch : std::vector<const SpanData*>{batch[0]});
    }
  }

  TEST_CASE("OtlpFileExporter with an unwritable path reports it and counts every lost span") {
    OtlpSample sample;
    sample.add_plain_spans(1);
    OtlpFileExporter exporter("/nonexistent-directory/traces.jsonl");
    CHECK(exporter.export_spans(sample.batch()) == ExportResult::failure);
    CHECK(exporter.export_spans(sample.batch()) == ExportResult::failure);
    CHECK(exporter.stats().spans_failed == 2);
  }
}
