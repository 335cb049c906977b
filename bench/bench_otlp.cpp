// OTLP export cost: protobuf and JSON encoding of the shared 512-span batch (3 attributes
// and 1 event each), and the whole path — a thread ending spans, the BatchSpanProcessor,
// OtlpHttpExporter, libcurl — into a minimal HTTP receiver on loopback in this process.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <memory>
#include <string_view>

#include "support/batch512.hpp"
#include "tracewire/export/otlp/otlp_encoder.hpp"

#if defined(TRACEWIRE_BENCH_WITH_CURL)
#include "support/discarding_receiver.hpp"
#include "tracewire/export/otlp/otlp_http_exporter.hpp"
#include "tracewire/transport/curl_http_client.hpp"
#include "tracewire/trace/batch_span_processor.hpp"
#include "tracewire/trace/tracer_provider.hpp"
#endif

namespace {

using tracewire_bench::Batch512;
#if defined(TRACEWIRE_BENCH_WITH_CURL)
using tracewire_bench::DiscardingReceiver;
#endif

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

// One application thread ends state.range(0) spans (3 attributes, 1 event each) per
// iteration, then flushes: the time covers ending, queueing, encoding, sending and the
// receiver's reply. A full queue drops spans (never blocks the thread): reported as
// `dropped`. `exported_per_second` is what reached the receiver.
void BM_ExportOtlpHttpLoopback(benchmark::State& state) {
  using namespace tracewire;
  DiscardingReceiver receiver;
  OtlpExporterConfig options;
  options.traces_endpoint = receiver.url();
  auto exporter = std::make_unique<OtlpHttpExporter>(finalize_config(options));
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
