// OTLP export cost: protobuf and JSON encoding of the shared 512-span batch (3 attributes
// and 1 event each), and the whole path — a thread ending spans, the BatchSpanProcessor,
// OtlpHttpExporter, libcurl — into a minimal HTTP receiver on loopback in this process.
#include <benchmark/benchmark.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <thread>

#include "support/batch512.hpp"
#include "tracewire/export/otlp/detail/proto_reader.hpp"
#include "tracewire/export/otlp/otlp_encoder.hpp"

#if defined(TRACEWIRE_BENCH_WITH_CURL)
#include "tracewire/export/otlp/otlp_http_exporter.hpp"
#include "tracewire/transport/curl_http_client.hpp"
#include "tracewire/trace/batch_span_processor.hpp"
#include "tracewire/trace/tracer_provider.hpp"
#endif

namespace {

using tracewire_bench::Batch512;

void encode_512(benchmark::State& state, tracewire::OtlpEncoding encoding) {
  Batch512 batch;
  tracewire::OtlpEncoder encoder;
  std::size_t bytes = 0;
  for (auto _ : state) {
    const std::string_view body = encoder.encode(batch.pointers, encoding);
    bytes += body.size();
    benchmark::DoNotOptimize(body.data());
  }
  const auto spans = static_cast<double>(state.iterations() * batch.pointers.size());
  state.SetItemsProcessed(static_cast<std::int64_t>(spans));
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
  state.counters["bytes_per_span"] = static_cast<double>(bytes) / spans;
}

void BM_OtlpProtoEncode512(benchmark::State& state) { encode_512(state, tracewire::OtlpEncoding::protobuf); }
BENCHMARK(BM_OtlpProtoEncode512);

void BM_OtlpJsonEncode512(benchmark::State& state) { encode_512(state, tracewire::OtlpEncoding::json); }
BENCHMARK(BM_OtlpJsonEncode512);

#if defined(TRACEWIRE_BENCH_WITH_CURL)

// An OTLP/HTTP receiver that does no more than a receiver must: reads each request on a
// kept-alive connection, counts the spans in its ExportTraceServiceRequest (so the
// benchmark can check that every exported span arrived), and answers 200 with an empty
// response. One connection at a time, which is what one exporter opens.
class DiscardingReceiver {
 public:
  DiscardingReceiver() {
    listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address);
    ::listen(listener_, 4);
    socklen_t length = sizeof address;
    ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length);
    port_ = ntohs(address.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  DiscardingReceiver(const DiscardingReceiver&) = delete;
  DiscardingReceiver& operator=(const DiscardingReceiver&) = delete;
  ~DiscardingReceiver() {
    stop_ = true;
    thread_.join();
    ::close(listener_);
  }

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/v1/traces"; }
  std::uint64_t spans() const { return spans_.load(); }
  std::uint64_t requests() const { return requests_.load(); }

 private:
  // Waits until `fd` is readable or the receiver stops.
  bool readable(int fd) const {
    pollfd entry{fd, POLLIN, 0};
    while (!stop_) {
      if (::poll(&entry, 1, 50) > 0) return true;
    }
    return false;
  }

  void serve() {
    while (readable(listener_)) {
      const int connection = ::accept(listener_, nullptr, nullptr);
      if (connection < 0) continue;
      std::string buffer;
      while (handle_request(connection, buffer)) {
      }
      ::close(connection);
    }
  }

  // Reads one request (headers, then Content-Length bytes) and answers it; false when
  // the connection ends.
  bool handle_request(int connection, std::string& buffer) {
    std::size_t header_end;
    while ((header_end = buffer.find("\r\n\r\n")) == std::string::npos) {
      if (!receive(connection, buffer)) return false;
    }
    std::size_t length = 0;
    for (std::size_t at = 0; at < header_end;) {
      const std::size_t line_end = buffer.find("\r\n", at);
      std::string line = buffer.substr(at, line_end - at);
      for (char& c : line) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (line.compare(0, 15, "content-length:") == 0) length = std::stoul(line.substr(15));
      at = line_end + 2;
    }
    const std::size_t body_start = header_end + 4;
    while (buffer.size() < body_start + length) {
      if (!receive(connection, buffer)) return false;
    }
    spans_ += count_spans(std::string_view(buffer).substr(body_start, length));
    ++requests_;
    buffer.erase(0, body_start + length);
    static constexpr std::string_view reply =
        "HTTP/1.1 200 OK\r\nContent-Type: application/x-protobuf\r\nContent-Length: 0\r\n\r\n";
    return ::send(connection, reply.data(), reply.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(reply.size());
  }

  bool receive(int connection, std::string& buffer) {
    if (!readable(connection)) return false;
    char chunk[65536];
    const ssize_t got = ::recv(connection, chunk, sizeof chunk, 0);
    if (got <= 0) return false;
    buffer.append(chunk, static_cast<std::size_t>(got));
    return true;
  }

  // ExportTraceServiceRequest {1 resource_spans {2 scope_spans {2 spans}}}.
  static std::uint64_t count_spans(std::string_view request) {
    using tracewire::detail::ProtoReader;
    std::uint64_t spans = 0;
    for (ProtoReader resource_spans(request); resource_spans.next();) {
      if (resource_spans.field() != 1) continue;
      for (ProtoReader scope_spans(resource_spans.bytes()); scope_spans.next();) {
        if (scope_spans.field() != 2) continue;
        for (ProtoReader span(scope_spans.bytes()); span.next();) spans += span.field() == 2;
      }
    }
    return spans;
  }

  int listener_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<std::uint64_t> spans_{0};
  std::atomic<std::uint64_t> requests_{0};
  std::thread thread_;
};

// One application thread ends state.range(0) spans (3 attributes, 1 event each) per
// iteration, then flushes: the time covers ending, queueing, encoding, sending and the
// receiver's reply. A full queue drops spans (never blocks the thread): reported as
// `dropped`. `exported_per_second` is what reached the receiver.
void BM_ExportOtlpHttpLoopback(benchmark::State& state) {
  using namespace tracewire;
  DiscardingReceiver receiver;
  OtlpExporterOptions options;
  options.traces_endpoint = receiver.url();
  auto exporter = std::make_unique<OtlpHttpExporter>(options.finalize());
  OtlpHttpExporter* exporter_view = exporter.get();
  // The end-to-end measure: queue size 8192, so a burst of 8192 spans fits.
  BatchSpanProcessorOptions batch_options;
  batch_options.max_queue_size = 8192;
  auto processor = std::make_unique<BatchSpanProcessor>(std::move(exporter), batch_options);
  BatchSpanProcessor* processor_view = processor.get();
  TracerProviderOptions provider_options;
  provider_options.resource = Resource({{"service.name", "bench"}});
  provider_options.detect_resource = false;
  provider_options.processors.push_back(std::move(processor));
  TracerProvider provider(std::move(provider_options));
  Tracer tracer = provider.tracer("bench-lib", "1.0.0");
  const std::int64_t spans_per_iteration = state.range(0);
  for (auto _ : state) {
    for (std::int64_t i = 0; i < spans_per_iteration; ++i) {
      Span span = tracer.start_span("GET /api/orders", SpanKind::server);
      span.set_attribute("http.route", "/api/orders/{id}");
      span.set_attribute("http.response.status_code", 200);
      span.set_attribute("sample.ratio", 0.25);
      span.add_event("cache miss");
    }
    provider.force_flush(std::chrono::seconds(30));
  }
  const auto processed = processor_view->stats();
  const auto exported = exporter_view->stats();
  state.SetItemsProcessed(state.iterations() * spans_per_iteration);
  state.counters["exported_per_second"] =
      benchmark::Counter(static_cast<double>(exported.spans_exported), benchmark::Counter::kIsRate);
  state.counters["dropped"] = static_cast<double>(processed.dropped_queue_full);
  state.counters["requests"] = static_cast<double>(receiver.requests());
  if (receiver.spans() != exported.spans_exported || exported.spans_failed != 0) {
    state.SkipWithError("the receiver did not see every exported span");
  }
}
BENCHMARK(BM_ExportOtlpHttpLoopback)->Arg(512)->Arg(8192)->UseRealTime()->Unit(benchmark::kMillisecond);

#endif  // TRACEWIRE_BENCH_WITH_CURL

}  // namespace
