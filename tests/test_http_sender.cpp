// The retry rules of every HTTP exporter (detail::HttpSender) end to end: OtlpHttpExporter,
// JaegerHttpExporter and ZipkinExporter, each with its default retry policy and libcurl,
// against receiver.js answering 429 and 504 with Retry-After in seconds and as an HTTP date,
// and a Retry-After beyond the export's deadline.
#include <doctest/doctest.h>

#include <time.h>

#include <chrono>
#include <functional>
#include <future>
#include <memory>
#include <string>
#include <vector>

#include "mocks/recording_logger.hpp"
#include "support/peer_process.hpp"
#include "support/sample_spans.hpp"
#include "tracewire/export/jaeger/jaeger_http_exporter.hpp"
#include "tracewire/export/otlp/otlp_http_exporter.hpp"
#include "tracewire/export/zipkin_exporter.hpp"
#include "tracewire/transport/curl_http_client.hpp"

using namespace tracewire;
using nlohmann::json;
using tracewire_test::Receiver;
using Seconds = std::chrono::duration<double>;

namespace {

// An IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`) `seconds` whole seconds after the
// current second.
std::string http_date_in(int seconds) {
  const std::time_t when = std::time(nullptr) + seconds;
  std::tm parts{};
  ::gmtime_r(&when, &parts);
  char text[64];
  std::strftime(text, sizeof text, "%a, %d %b %Y %H:%M:%S GMT", &parts);
  return text;
}

// What one exporter did with three exports of the three sample spans.
struct Run {
  std::vector<ExportResult> results;
  std::vector<Seconds> took;
  ExportStats stats;
  std::vector<json> requests;  // what the receiver decoded, in order
};

using ExporterFactory = std::function<std::unique_ptr<SpanExporter>(const std::string& base_url)>;

// The receiver's replies, one per request in order: export 1 gets 429 "Retry-After: 2" then
// is accepted; export 2 gets 504 with a Retry-After date about five seconds after the
// script is written (three or more seconds after export 2 begins) then is accepted; export
// 3 gets 503 "Retry-After: 60", past its 10-second timeout.
Run run(const ExporterFactory& make) {
  Receiver::Options options;
  options.script = json::array({{{"status", 429}, {"headers", {{"retry-after", "2"}}}},
                                json::object(),
                                {{"status", 504}, {"headers", {{"retry-after", http_date_in(6)}}}},
                                json::object(),
                                {{"status", 503}, {"headers", {{"retry-after", "60"}}}}});
  Receiver receiver(options);
  auto exporter = make("http://127.0.0.1:" + std::to_string(receiver.http_port()));
  tracewire_test::SampleSpans sample;
  Run run;
  for (int i = 0; i < 3; ++i) {
    const auto started = std::chrono::steady_clock::now();
    run.results.push_back(exporter->export_spans(sample.all()));
    run.took.push_back(std::chrono::steady_clock::now() - started);
  }
  run.stats = exporter->stats();
  for (int i = 0; i < 5; ++i) {
    auto record = receiver.next(std::chrono::seconds(10));
    if (!record) break;
    run.requests.push_back(*record);
  }
  return run;
}

}  // namespace

TEST_SUITE("export") {
  TEST_CASE(
      "HTTP exporters retry 429 and 504 after the Retry-After they are given, and give up on one past the deadline") {
    tracewire_test::CapturedLog log;
    const std::vector<std::pair<std::string, ExporterFactory>> exporters{
        {"otlp-proto",
         [](const std::string& url) {
           OtlpExporterConfig options;
           options.endpoint = url;
           return std::make_unique<OtlpHttpExporter>(finalize_config(options));
         }},
        {"jaeger-http",
         [](const std::string& url) {
           JaegerHttpExporterOptions options;
           options.endpoint = url + "/api/traces";
           return std::make_unique<JaegerHttpExporter>(options);
         }},
        {"zipkin",
         [](const std::string& url) {
           ZipkinExporterOptions options;
           options.endpoint = url + "/api/v2/spans";
           return std::make_unique<ZipkinExporter>(options);
         }},
    };
    // The three exporters at once: each run waits about five seconds.
    std::vector<std::future<Run>> runs;
    for (const auto& exporter : exporters) runs.push_back(std::async(std::launch::async, run, exporter.second));
    for (std::size_t i = 0; i < exporters.size(); ++i) {
      const std::string& kind = exporters[i].first;
      CAPTURE(kind);
      const Run result = runs[i].get();
      REQUIRE(result.results.size() == 3);
      // Without a Retry-After the first retry would come after the default backoff of
      // 0.8–1.2 s: these waits are the server's.
      CHECK(result.results[0] == ExportResult::success);
      CHECK(result.took[0] >= Seconds(1.9));
      CHECK(result.results[1] == ExportResult::success);
      CHECK(result.took[1] >= Seconds(1.5));
      // Retry-After: 60 does not fit in the 10 s timeout: no retry, the spans counted as failed.
      CHECK(result.results[2] == ExportResult::failure);
      CHECK(result.took[2] < Seconds(10));
      CHECK(result.stats.requests_sent == 5);
      CHECK(result.stats.requests_retried == 2);
      CHECK(result.stats.spans_exported == 6);
      CHECK(result.stats.spans_failed == 3);
      CHECK(result.stats.requests_failed == 1);
      // Every attempt reached the receiver, and decoded.
      REQUIRE(result.requests.size() == 5);
      for (const json& request : result.requests) CHECK(request.at("kind") == kind);
    }
    CHECK(log.contains("HTTP 503"));
  }
}
