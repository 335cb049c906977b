// The default HTTP client and the gRPC exporter reach every translation unit of a program
// (issue 12: no configuration macro in an inline function). This file is compiled against
// tracewire::tracewire alone and never includes libcurl's client or the gRPC exporter; the
// program also holds odr/curl_unit.cpp and odr/grpc_unit.cpp, compiled against
// tracewire::otlp_http and tracewire::otlp_grpc. Both sides build the same inline
// functions (OtlpHttpExporter's constructor, HttpExportChannel's, make_otlp_exporter_from_
// environment), and both must get the working behaviour.
#include <doctest/doctest.h>

#include <chrono>
#include <memory>
#include <string>

#include "mocks/recording_http_client.hpp"
#include "mocks/recording_logger.hpp"
#include "odr/translation_units.hpp"
#include "support/closed_port.hpp"
#include "tracewire/config/otlp_from_environment.hpp"
#include "tracewire/export/otlp/detail/grpc_exporter_factory.hpp"
#include "tracewire/export/otlp/otlp_http_exporter.hpp"
#include "tracewire/export/zipkin_exporter.hpp"
#include "tracewire/transport/default_http_client.hpp"

using namespace tracewire;
using tracewire_test::CapturedLog;
using tracewire_test::closed_port;

namespace {

/// One finished span to export.
struct OneSpan {
  Resource resource{{{"service.name", "odr"}}};
  InstrumentationScope scope{"odr-test", "1.0", {}, {}};
  SpanLimits limits;
  SpanData span;
  const SpanData* spans[1] = {&span};

  OneSpan() {
    span.set_origin(&resource, &scope, &limits);
    span.set_name("two link sets");
    span.set_context(SpanContext{*TraceId::from_hex("0af7651916cd43dd8448eb211c80319c"),
                                 *SpanId::from_hex("b7ad6b7169203331"), TraceFlags(0x01), TraceState(), false});
    span.set_start_time(1700000000000000000ULL);
    span.set_end_time(1700000000000001000ULL);
  }
  ArrayView<const SpanData*> batch() const { return {spans, 1}; }
};

/// An OTLP/HTTP configuration for a collector that is not running: three quick attempts.
FinalizedOtlpExporterConfig unreachable_collector() {
  OtlpExporterConfig options;
  options.traces_endpoint = "http://127.0.0.1:" + std::to_string(closed_port()) + "/v1/traces";
  options.retry = detail::RetryPolicy::Options{3, std::chrono::milliseconds(5), std::chrono::milliseconds(5), 1, 0};
  return finalize_config(options);
}

/// A Zipkin configuration for a receiver that is not running, given up on quickly.
ZipkinExporterOptions unreachable_zipkin() {
  ZipkinExporterOptions options;
  options.endpoint = "http://127.0.0.1:" + std::to_string(closed_port()) + "/api/v2/spans";
  options.timeout = std::chrono::milliseconds(300);
  return options;
}

/// True when `exporter` really tried the network through libcurl: the refused connection
/// was sent (and retried) and reported with libcurl's message.
template <class Exporter>
bool posted_through_libcurl(Exporter& exporter, const OneSpan& span, const CapturedLog& log) {
  const bool failed = exporter.export_spans(span.batch()) == ExportResult::failure;
  const ExportStats stats = exporter.stats();
  CAPTURE(log.text());
  return failed && stats.requests_sent >= 1 && stats.spans_failed == 1 &&
         log.text().find("onnect") != std::string::npos &&  // "Couldn't connect" / "Connection refused"
         log.text().find("no HTTP client") == std::string::npos;
}

/// Restores the registered default client when a test replaced it.
class SavedDefaultClient {
 public:
  ~SavedDefaultClient() { set_default_http_client_factory(saved_); }

 private:
  HttpClientFactory* saved_ = detail::DefaultHttpClient::get();
};

}  // namespace

TEST_SUITE("default HTTP client") {
  TEST_CASE("an OtlpHttpExporter made where libcurl's client is never included still posts through it") {
    OneSpan span;
    {
      CapturedLog log;
      OtlpHttpExporter here(unreachable_collector());
      CHECK(posted_through_libcurl(here, span, log));
      CHECK(here.stats().requests_sent == 3);  // a refused connection is retried
    }
    {
      CapturedLog log;
      auto there = tracewire_test::otlp_http_exporter_in_curl_unit(unreachable_collector());
      CHECK(posted_through_libcurl(*there, span, log));
    }
  }

  TEST_CASE("Jaeger's and Zipkin's HTTP channel gets libcurl's client in both translation units") {
    OneSpan span;
    {
      CapturedLog log;
      ZipkinExporter here(unreachable_zipkin());
      CHECK(posted_through_libcurl(here, span, log));
    }
    {
      CapturedLog log;
      auto there = tracewire_test::zipkin_exporter_in_curl_unit(unreachable_zipkin());
      CHECK(posted_through_libcurl(*there, span, log));
    }
  }

  TEST_CASE("OTEL_EXPORTER_OTLP_PROTOCOL=grpc builds the gRPC exporter in both translation units") {
    MapEnvironment environment{{"OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"},
                               {"OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4317"}};
    CapturedLog log;
    CHECK(make_otlp_exporter_from_environment(environment)->describe().rfind("OtlpGrpcExporter{", 0) == 0);
    CHECK(tracewire_test::otlp_exporter_from_environment_in_grpc_unit(environment)
              ->describe()
              .rfind("OtlpGrpcExporter{", 0) == 0);
    CHECK(log.text().find("without gRPC support") == std::string::npos);
  }

  TEST_CASE("a program with no registered client fails every export, naming the header to include") {
    SavedDefaultClient restore;
    set_default_http_client_factory(nullptr);
    CHECK(make_default_http_client() == nullptr);
    OneSpan span;
    CapturedLog log;
    OtlpHttpExporter exporter(unreachable_collector());
    CHECK(exporter.export_spans(span.batch()) == ExportResult::failure);
    CHECK(exporter.stats().requests_sent == 0);
    CHECK(exporter.stats().spans_failed == 1);
    CHECK(log.text().find("tracewire/transport/curl_http_client.hpp") != std::string::npos);
    CHECK(log.text().find("tracewire::otlp_http") != std::string::npos);
  }

  TEST_CASE("set_default_http_client_factory replaces the client of every exporter made without one") {
    SavedDefaultClient restore;
    static std::shared_ptr<tracewire_test::RecordingHttpClient::State> state;
    state = std::make_shared<tracewire_test::RecordingHttpClient::State>();
    state->fallback = HttpResponse{200, {}, {}};
    set_default_http_client_factory([](const HttpTlsOptions& tls) -> std::unique_ptr<HttpClient> {
      CHECK(tls.certificate_file == "/etc/ca.pem");  // the exporter's TLS files reach the factory
      return std::make_unique<tracewire_test::RecordingHttpClient>(state);
    });
    OtlpExporterConfig options;
    options.traces_endpoint = "http://collector.example:4318/v1/traces";
    options.certificate_file = "/etc/ca.pem";
    OneSpan span;
    auto exporter = tracewire_test::otlp_http_exporter_in_curl_unit(finalize_config(options));
    CHECK(exporter->export_spans(span.batch()) == ExportResult::success);
    REQUIRE(state->recorded().size() == 1);
    CHECK(state->recorded()[0].url == "http://collector.example:4318/v1/traces");
  }

  TEST_CASE("without the gRPC exporter in the program, grpc falls back to http/protobuf and says why") {
    const auto saved = detail::GrpcExporterFactory::get();
    detail::GrpcExporterFactory::set(nullptr);
    CapturedLog log;
    MapEnvironment environment{{"OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"}};
    const std::string description = make_otlp_exporter_from_environment(environment)->describe();
    detail::GrpcExporterFactory::set(saved);
    CHECK(description.rfind("OtlpHttpExporter{endpoint=http://localhost:4318/v1/traces", 0) == 0);
    CHECK(log.text().find("tracewire/export/otlp/otlp_grpc_exporter.hpp") != std::string::npos);
  }
}
