// OtlpGrpcExporter against a gRPC C++ server on loopback. The server is gRPC's own generic
// service (it sees the method, the metadata and the message bytes exactly as a Collector
// would); the bytes are decoded by receiver.js (the OpenTelemetry-generated protobufjs
// code), whose response body the server returns, so partial successes are encoded by the
// reference code too. Nothing here decodes with tracewire's own code.
#include <doctest/doctest.h>

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <grpcpp/generic/async_generic_service.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server.h>
#include <grpcpp/server_builder.h>

#include "mocks/recording_logger.hpp"
#include "support/closed_port.hpp"
#include "support/otlp_checks.hpp"
#include "support/peer_process.hpp"
#include "support/test_certificates.hpp"
#include "tracewire/config/otlp_from_environment.hpp"
#include "tracewire/export/otlp/otlp_grpc_exporter.hpp"
#include "tracewire/transport/curl_http_client.hpp"

using namespace tracewire;
using tracewire_test::CapturedLog;
using tracewire_test::json;
using tracewire_test::OtlpSample;
using tracewire_test::Receiver;

namespace {

// A gRPC server answering each call as its script says (then OK), recording every call.
// An OK answer forwards the request bytes to receiver.js over HTTP and returns the body
// receiver.js answered with (an ExportTraceServiceResponse).
class GrpcTraceServer {
 public:
  struct Step {
    grpc::StatusCode code = grpc::StatusCode::OK;
    std::string message;
    std::string details;  // a serialized google.rpc.Status (grpc-status-details-bin)
  };
  struct Call {
    std::string method;
    std::multimap<std::string, std::string> metadata;
    std::size_t bytes = 0;
  };

  explicit GrpcTraceServer(Receiver& decoder, std::vector<Step> script = {},
                           std::shared_ptr<grpc::ServerCredentials> credentials = grpc::InsecureServerCredentials(),
                           bool accept_gzip = true)
      : decoder_(decoder), script_(std::move(script)) {
    grpc::ServerBuilder builder;
    // gRPC decompresses before the application sees a message; refusing gzip is how a
    // test tells that a request was compressed.
    builder.SetCompressionAlgorithmSupportStatus(GRPC_COMPRESS_GZIP, accept_gzip);
    builder.AddListeningPort("127.0.0.1:0", std::move(credentials), &port_);
    builder.RegisterAsyncGenericService(&service_);
    queue_ = builder.AddCompletionQueue();
    server_ = builder.BuildAndStart();
    REQUIRE(server_);
    REQUIRE(port_ > 0);
    thread_ = std::thread([this] { serve(); });
  }
  GrpcTraceServer(const GrpcTraceServer&) = delete;
  GrpcTraceServer& operator=(const GrpcTraceServer&) = delete;
  ~GrpcTraceServer() {
    {
      std::lock_guard<std::mutex> lock(lifecycle_mutex_);
      stopping_ = true;  // no operation may start after this (gRPC aborts on one)
    }
    server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(1));
    thread_.join();  // the shutdown completed every operation in flight
    queue_->Shutdown();
    void* tag = nullptr;
    bool ok = false;
    while (queue_->Next(&tag, &ok)) {}
  }

  int port() const { return port_; }
  std::string endpoint() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::vector<Call> calls() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return calls_;
  }

 private:
  // Starts one operation unless the server is stopping, then waits for it; true if it
  // succeeded.
  template <class Operation>
  bool run(Operation operation) {
    {
      std::lock_guard<std::mutex> lock(lifecycle_mutex_);
      if (stopping_) return false;
      operation();
    }
    return next();
  }

  bool next() {
    void* tag = nullptr;
    bool ok = false;
    return queue_->Next(&tag, &ok) && ok;
  }

  void serve() {
    for (;;) {
      grpc::GenericServerContext context;
      grpc::GenericServerAsyncReaderWriter stream(&context);
      if (!run([&] { service_.RequestCall(&context, &stream, queue_.get(), queue_.get(), this); })) return;
      grpc::ByteBuffer request;
      const bool read = run([&] { stream.Read(&request, this); });
      std::string bytes;
      std::vector<grpc::Slice> slices;
      if (read && request.Dump(&slices).ok()) {
        for (const auto& slice : slices) bytes.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
      }
      Step step;
      {
        std::lock_guard<std::mutex> lock(mutex_);
        Call call{context.method(), {}, bytes.size()};
        for (const auto& [key, value] : context.client_metadata()) {
          call.metadata.emplace(std::string(key.data(), key.size()), std::string(value.data(), value.size()));
        }
        if (calls_.size() < script_.size()) step = script_[calls_.size()];
        calls_.push_back(std::move(call));
      }
      if (!read) step = {grpc::StatusCode::INTERNAL, "no request message", {}};
      if (step.code != grpc::StatusCode::OK) {
        run([&] { stream.Finish(grpc::Status(step.code, step.message, step.details), this); });
        continue;
      }
      HttpRequest forward;
      forward.url = "http://127.0.0.1:" + std::to_string(decoder_.http_port()) + "/v1/traces";
      forward.content_type = "application/x-protobuf";
      forward.body = bytes;
      auto response = http_.post(forward);
      const std::string answer = response && response->status == 200 ? response->body : std::string();
      if (!response || response->status != 200) {
        run([&] { stream.Finish(grpc::Status(grpc::StatusCode::INTERNAL, "the decoder refused the request"), this); });
      } else {
        grpc::Slice slice(answer.data(), answer.size());
        const grpc::ByteBuffer reply(&slice, 1);
        run([&] { stream.WriteAndFinish(reply, grpc::WriteOptions(), grpc::Status::OK, this); });
      }
    }
  }

  Receiver& decoder_;
  std::vector<Step> script_;
  CurlHttpClient http_;
  int port_ = 0;
  grpc::AsyncGenericService service_;
  std::unique_ptr<grpc::ServerCompletionQueue> queue_;
  std::unique_ptr<grpc::Server> server_;
  mutable std::mutex mutex_;
  std::vector<Call> calls_;
  std::mutex lifecycle_mutex_;
  bool stopping_ = false;
  std::thread thread_;
};

FinalizedOtlpExporterConfig grpc_config(const std::string& endpoint) {
  OtlpExporterConfig options;
  options.protocol = OtlpProtocol::grpc;
  options.endpoint = endpoint;
  options.timeout = std::chrono::seconds(5);
  options.retry =
      detail::RetryPolicy::Options{5, std::chrono::milliseconds(20), std::chrono::milliseconds(50), 1.5, 0.2};
  return finalize_config(options);
}

// A serialized google.rpc.Status carrying a RetryInfo, encoded by protoc from the
// googleapis definitions of the two messages (google/rpc/status.proto, error_details.proto).
std::string status_with_retry_info(const std::string& duration_text) {
  char directory_template[] = "/tmp/tracewire-rpc-XXXXXX";
  REQUIRE(::mkdtemp(directory_template) != nullptr);
  const std::string directory = directory_template;
  const std::string proto = R"(syntax = "proto3";
package google.rpc;
import "google/protobuf/any.proto";
import "google/protobuf/duration.proto";
message Status { int32 code = 1; string message = 2; repeated google.protobuf.Any details = 3; }
message RetryInfo { google.protobuf.Duration retry_delay = 1; }
)";
  tracewire_test::run_command({"/bin/sh", "-c", "cat > " + directory + "/status.proto"}, proto);
  const std::string bytes = tracewire_test::run_command(
      {"protoc", "--encode=google.rpc.Status", "-I" + directory, directory + "/status.proto"},
      "code: 8 message: \"slow down\" details { [type.googleapis.com/google.rpc.RetryInfo] { retry_delay { " +
          duration_text + " } } }");
  tracewire_test::run_command({"rm", "-rf", directory});
  return bytes;
}

}  // namespace

TEST_SUITE("export") {
  TEST_CASE("OtlpGrpcExporter sends every field to TraceService/Export with headers as metadata, gzip-compressed") {
    Receiver decoder;
    GrpcTraceServer server(decoder);
    OtlpSample sample;
    sample.add_rich_span(1);
    sample.add_plain_span(&sample.resource_b, &sample.scope_a, 2);
    sample.add_plain_span(&sample.resource_a, &sample.scope_b, 3);
    auto config = grpc_config(server.endpoint());
    config.headers = {{"X-Honeycomb-Team", "secret-key-123"}, {"x-other", "v"}};
    config.gzip = true;
    CapturedLog log;
    OtlpGrpcExporter exporter(config);
    const auto batch = sample.batch();
    REQUIRE(exporter.export_spans(batch) == ExportResult::success);

    const auto record = decoder.next();
    REQUIRE(record);
    INFO(record->dump());
    CHECK((*record)["kind"] == "otlp-proto");
    tracewire_test::check_request((*record)["body"], batch);
    const auto calls = server.calls();
    REQUIRE(calls.size() == 1);
    CHECK(calls[0].method == "/opentelemetry.proto.collector.trace.v1.TraceService/Export");
    CHECK(calls[0].metadata.find("x-honeycomb-team")->second == "secret-key-123");
    CHECK(calls[0].metadata.find("x-other")->second == "v");
    CHECK(exporter.stats().spans_exported == 3);
    CHECK(exporter.describe().find("x-honeycomb-team") != std::string::npos);
    CHECK(exporter.describe().find("secret-key-123") == std::string::npos);
    CHECK(log.text().find("secret-key-123") == std::string::npos);
  }

  TEST_CASE("OtlpGrpcExporter compresses with gzip only when asked") {
    Receiver decoder;
    GrpcTraceServer server(decoder, {}, grpc::InsecureServerCredentials(), false);
    OtlpSample sample;
    sample.add_plain_spans(2);
    auto config = grpc_config(server.endpoint());
    CHECK(OtlpGrpcExporter(config).export_spans(sample.batch()) == ExportResult::success);
    REQUIRE(decoder.next());
    config.gzip = true;
    CapturedLog log;
    OtlpGrpcExporter compressing(config);
    CHECK(compressing.export_spans(sample.batch()) == ExportResult::failure);
    CHECK(log.contains("UNIMPLEMENTED"));
    CHECK(log.contains("gzip"));
  }

  TEST_CASE("OtlpGrpcExporter retries UNAVAILABLE, then succeeds") {
    Receiver decoder;
    GrpcTraceServer server(decoder, {{grpc::StatusCode::UNAVAILABLE, "restarting", {}},
                                     {grpc::StatusCode::DEADLINE_EXCEEDED, "busy", {}}});
    OtlpSample sample;
    sample.add_plain_spans(4);
    OtlpGrpcExporter exporter(grpc_config(server.endpoint()));
    CHECK(exporter.export_spans(sample.batch()) == ExportResult::success);
    const auto record = decoder.next();
    REQUIRE(record);
    CHECK((*record)["body"]["resourceSpans"][0]["scopeSpans"][0]["spans"].size() == 4);
    CHECK(server.calls().size() == 3);
    const auto stats = exporter.stats();
    CHECK(stats.requests_sent == 3);
    CHECK(stats.requests_retried == 2);
    CHECK(stats.spans_exported == 4);
    CHECK(stats.spans_failed == 0);
  }

  TEST_CASE("OtlpGrpcExporter reports a non-retryable status once with its name and message, and counts the spans") {
    Receiver decoder;
    GrpcTraceServer server(decoder, {{grpc::StatusCode::INVALID_ARGUMENT, "bad span \x01 data", {}},
                                     {grpc::StatusCode::INVALID_ARGUMENT, "bad span again", {}}});
    OtlpSample sample;
    sample.add_plain_spans(2);
    CapturedLog log;
    auto config = grpc_config(server.endpoint());
    // A key gRPC reserves and a value it cannot carry are skipped; a secret is never logged.
    config.headers = {{"authorization", "Bearer top-secret"},
                      {"grpc-timeout", "hidden-1"},
                      {"x-bad-value", std::string("hidden\x7f"
                                                  "2")}};
    OtlpGrpcExporter exporter(config);
    CHECK(exporter.export_spans(sample.batch()) == ExportResult::failure);
    CHECK(exporter.export_spans(sample.batch()) == ExportResult::failure);
    const auto calls = server.calls();
    REQUIRE(calls.size() == 2);
    CHECK(calls[0].metadata.find("authorization")->second == "Bearer top-secret");
    CHECK(calls[0].metadata.count("x-bad-value") == 0);
    CHECK(log.contains("\"grpc-timeout\" is not valid gRPC metadata"));
    CHECK(log.contains("\"x-bad-value\" is not valid gRPC metadata"));
    CHECK_FALSE(log.contains("top-secret"));
    CHECK_FALSE(log.contains("hidden"));
    CHECK(exporter.stats().spans_failed == 4);  // one call per export above: no retry
    CHECK(exporter.stats().requests_failed == 2);
    CHECK(log.count() == 3);  // two header warnings at construction, then the failure once
    CHECK(log.contains("INVALID_ARGUMENT"));
    CHECK(log.contains("bad span . data"));
    CHECK(log.contains("2 spans lost"));
  }

  TEST_CASE("OtlpGrpcExporter retries RESOURCE_EXHAUSTED only when the server sent a RetryInfo, after its delay") {
    Receiver decoder;
    OtlpSample sample;
    sample.add_plain_spans(1);
    {
      GrpcTraceServer server(decoder, {{grpc::StatusCode::RESOURCE_EXHAUSTED, "quota", {}}});
      OtlpGrpcExporter exporter(grpc_config(server.endpoint()));
      CHECK(exporter.export_spans(sample.batch()) == ExportResult::failure);
      CHECK(server.calls().size() == 1);
    }
    {
      const std::string details = status_with_retry_info("seconds: 0 nanos: 700000000");
      GrpcTraceServer server(decoder, {{grpc::StatusCode::RESOURCE_EXHAUSTED, "slow down", details}});
      OtlpGrpcExporter exporter(grpc_config(server.endpoint()));
      const auto started = std::chrono::steady_clock::now();
      CHECK(exporter.export_spans(sample.batch()) == ExportResult::success);
      CHECK(std::chrono::steady_clock::now() - started >= std::chrono::milliseconds(650));  // waited as told
      CHECK(server.calls().size() == 2);
      CHECK(decoder.next());
    }
  }

  TEST_CASE("OtlpGrpcExporter counts a partial success as rejected spans and does not retry") {
    Receiver::Options options;
    options.script = json::parse(R"([{"partialSuccess":{"rejectedSpans":"2","errorMessage":"too old"}}])");
    Receiver decoder(options);
    GrpcTraceServer server(decoder);
    OtlpSample sample;
    sample.add_plain_spans(5);
    CapturedLog log;
    OtlpGrpcExporter exporter(grpc_config(server.endpoint()));
    CHECK(exporter.export_spans(sample.batch()) == ExportResult::success);
    CHECK(server.calls().size() == 1);
    const auto stats = exporter.stats();
    CHECK(stats.spans_rejected == 2);
    CHECK(stats.spans_exported == 3);
    CHECK(log.contains("rejected 2 of 5 spans: too old"));
  }

  TEST_CASE("OtlpGrpcExporter with no collector running fails within its timeout and counts the spans") {
    CapturedLog log;
    auto config = grpc_config("http://127.0.0.1:" + std::to_string(tracewire_test::closed_port()));
    config.timeout = std::chrono::milliseconds(1500);
    OtlpGrpcExporter exporter(config);
    OtlpSample sample;
    sample.add_plain_spans(3);
    const auto started = std::chrono::steady_clock::now();
    CHECK(exporter.export_spans(sample.batch()) == ExportResult::failure);
    CHECK(std::chrono::steady_clock::now() - started < std::chrono::milliseconds(3000));
    CHECK(exporter.stats().spans_failed == 3);
    CHECK(exporter.stats().requests_sent >= 2);  // UNAVAILABLE is retried until the timeout
    CHECK(log.contains("UNAVAILABLE"));
  }

  TEST_CASE(
      "OtlpGrpcExporter over TLS: fails without the CA and says why, succeeds with OTEL_EXPORTER_OTLP_CERTIFICATE") {
    const tracewire_test::TestCertificates certificates;
    const std::string key = tracewire_test::run_command({"cat", certificates.server_key()});
    const std::string chain = tracewire_test::run_command({"cat", certificates.server_certificate()});
    grpc::SslServerCredentialsOptions tls;
    tls.pem_key_cert_pairs.push_back({key, chain});
    Receiver decoder;
    GrpcTraceServer server(decoder, {}, grpc::SslServerCredentials(tls));
    const std::string endpoint = "https://127.0.0.1:" + std::to_string(server.port());
    OtlpSample sample;
    sample.add_rich_span(1);
    {
      CapturedLog log;
      MapEnvironment environment{{"OTEL_EXPORTER_OTLP_ENDPOINT", endpoint},
                                 {"OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"},
                                 {"OTEL_EXPORTER_OTLP_TIMEOUT", "1000"}};
      OtlpGrpcExporter exporter(finalize_config(make_otlp_exporter_config_from_environment(environment)));
      CHECK(exporter.export_spans(sample.batch()) == ExportResult::failure);
      CHECK(exporter.stats().spans_failed == 1);
      INFO(log.text());
      CHECK((log.contains("CERTIFICATE_VERIFY_FAILED") || log.contains("certificate")));
    }
    {
      MapEnvironment environment{{"OTEL_EXPORTER_OTLP_ENDPOINT", endpoint},
                                 {"OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"},
                                 {"OTEL_EXPORTER_OTLP_CERTIFICATE", certificates.ca()}};
      OtlpGrpcExporter exporter(finalize_config(make_otlp_exporter_config_from_environment(environment)));
      CHECK(exporter.describe().find("tls=on") != std::string::npos);
      REQUIRE(exporter.export_spans(sample.batch()) == ExportResult::success);
      const auto record = decoder.next();
      REQUIRE(record);
      tracewire_test::check_request((*record)["body"], sample.batch());
    }
    {
      CapturedLog log;
      MapEnvironment environment{{"OTEL_EXPORTER_OTLP_ENDPOINT", endpoint},
                                 {"OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"},
                                 {"OTEL_EXPORTER_OTLP_CERTIFICATE", certificates.directory + "/missing.pem"}};
      OtlpGrpcExporter exporter(finalize_config(make_otlp_exporter_config_from_environment(environment)));
      CHECK(exporter.export_spans(sample.batch()) == ExportResult::failure);
      CHECK(log.contains("missing.pem"));
      CHECK(server.calls().size() == 1);  // nothing was sent trusting other roots
    }
  }

  TEST_CASE("OtlpGrpcExporter shutdown cancels a retry wait and refuses later exports") {
    Receiver decoder;
    const std::string details = status_with_retry_info("seconds: 5");
    GrpcTraceServer server(decoder, {{grpc::StatusCode::UNAVAILABLE, "wait", details}});
    auto config = grpc_config(server.endpoint());
    config.timeout = std::chrono::seconds(10);
    OtlpGrpcExporter exporter(config);
    OtlpSample sample;
    sample.add_plain_spans(1);
    const auto started = std::chrono::steady_clock::now();
    std::thread exporting([&] { CHECK(exporter.export_spans(sample.batch()) == ExportResult::failure); });
    while (server.calls().empty() && std::chrono::steady_clock::now() - started < std::chrono::seconds(5)) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    CHECK(exporter.shutdown(std::chrono::milliseconds(3000)));
    exporting.join();
    CHECK(std::chrono::steady_clock::now() - started < std::chrono::milliseconds(4000));
    CHECK(exporter.export_spans(sample.batch()) == ExportResult::failure);
    CHECK(exporter.stats().spans_failed == 2);
  }

  TEST_CASE("OTEL_EXPORTER_OTLP_PROTOCOL=grpc builds the gRPC exporter when tracewire::otlp_grpc is linked") {
    Receiver decoder;
    GrpcTraceServer server(decoder);
    MapEnvironment environment{{"OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "grpc"},
                               {"OTEL_EXPORTER_OTLP_ENDPOINT", server.endpoint()},
                               {"OTEL_EXPORTER_OTLP_HEADERS", "api-key=k%2C1"}};
    auto exporter = make_otlp_exporter_from_environment(environment);
    CHECK(exporter->describe().rfind("OtlpGrpcExporter{", 0) == 0);
    OtlpSample sample;
    sample.add_plain_spans(1);
    CHECK(exporter->export_spans(sample.batch()) == ExportResult::success);
    REQUIRE(decoder.next());
    REQUIRE(server.calls().size() == 1);
    CHECK(server.calls()[0].metadata.find("api-key")->second == "k,1");
  }

  TEST_CASE("a gRPC endpoint without a scheme uses TLS unless OTEL_EXPORTER_OTLP_INSECURE=true") {
    Receiver decoder;
    GrpcTraceServer server(decoder);  // plaintext
    OtlpSample sample;
    sample.add_plain_spans(1);
    const std::string bare = "127.0.0.1:" + std::to_string(server.port());
    {
      MapEnvironment environment{{"OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"},
                                 {"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", bare},
                                 {"OTEL_EXPORTER_OTLP_TIMEOUT", "800"}};
      OtlpGrpcExporter exporter(finalize_config(make_otlp_exporter_config_from_environment(environment)));
      CHECK(exporter.describe().find("tls=on") != std::string::npos);
      CHECK(exporter.export_spans(sample.batch()) == ExportResult::failure);  // a TLS hello to a plaintext server
      CHECK(server.calls().empty());
    }
    {
      MapEnvironment environment{{"OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"},
                                 {"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", bare},
                                 {"OTEL_EXPORTER_OTLP_TRACES_INSECURE", "TRUE"}};
      OtlpGrpcExporter exporter(finalize_config(make_otlp_exporter_config_from_environment(environment)));
      CHECK(exporter.export_spans(sample.batch()) == ExportResult::success);
      CHECK(server.calls().size() == 1);
      CHECK(decoder.next());
    }
  }

  TEST_CASE("gRPC endpoints: scheme decides TLS, a missing port is the scheme's, a path is ignored") {
    CHECK(detail::grpc_target("http://collector:4317") == "collector:4317");
    CHECK(detail::grpc_target("https://api.honeycomb.io") == "api.honeycomb.io:443");
    CHECK(detail::grpc_target("http://tempo") == "tempo:80");
    CHECK(detail::grpc_target("collector:4317") == "collector:4317");
    CHECK(detail::grpc_target("http://[::1]:4317/ignored") == "[::1]:4317");
    CHECK(detail::grpc_target("https://[::1]") == "[::1]:443");
    OtlpExporterConfig options;
    options.protocol = OtlpProtocol::grpc;
    options.endpoint = "collector:4317";
    CHECK(finalize_config(options).uses_tls());
    options.insecure = true;
    CHECK_FALSE(finalize_config(options).uses_tls());
    options.endpoint = "https://collector:4317";
    CHECK(finalize_config(options).uses_tls());  // the scheme wins over INSECURE
  }
}
