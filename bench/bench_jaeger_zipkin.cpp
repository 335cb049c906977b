// Encoding cost of the Jaeger Thrift compact and Zipkin JSON exporters: a 512-span batch,
// each span with 3 attributes (string, int, double) and 1 event, as a BatchSpanProcessor
// hands it over. Items processed are spans.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <string>
#include <vector>

#include "tracewire/export/detail/zipkin_encoder.hpp"
#include "tracewire/export/jaeger/jaeger_encoder.hpp"

namespace {

struct Batch512 {
  tracewire::Resource resource{{{"service.name", "bench"}, {"host.name", "bench-host"}}};
  tracewire::InstrumentationScope scope{"bench-lib", "1.0.0", {}, {}};
  std::vector<tracewire::SpanData> records{512};
  std::vector<const tracewire::SpanData*> pointers;

  Batch512() {
    using namespace tracewire;
    std::uint64_t time = 1700000000000000000ULL;
    for (std::size_t i = 0; i < records.size(); ++i) {
      SpanData& span = records[i];
      span.set_origin(&resource, &scope, nullptr);
      span.set_name("GET /api/orders");
      span.set_kind(SpanKind::server);
      span.set_context(SpanContext{TraceId::from_halves(0x0af7651916cd43ddULL, 0x8448eb211c80319cULL + i),
                                   SpanId::from_u64(i + 1), TraceFlags(1), {}, false});
      span.set_parent(SpanId::from_u64(0xabcdefULL), true);
      span.set_start_time(time);
      span.set_end_time(time + 1234567);
      span.set_attribute("http.route", "/api/orders/{id}");
      span.set_attribute("http.response.status_code", 200);
      span.set_attribute("sample.ratio", 0.25);
      span.add_event("cache miss", time + 1000);
      pointers.push_back(&span);
      time += 10000;
    }
  }
};

void BM_JaegerCompactEncode512(benchmark::State& state) {
  Batch512 batch;
  tracewire::JaegerEncoder encoder(tracewire::ThriftProtocol::compact);
  std::size_t bytes = 0;
  for (auto _ : state) {
    encoder.encode_agent_packets(batch.pointers, 65000, [&](std::string_view packet, std::size_t) {
      bytes += packet.size();
      benchmark::DoNotOptimize(packet.data());
    });
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * batch.pointers.size()));
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
}
BENCHMARK(BM_JaegerCompactEncode512);

void BM_ZipkinJsonEncode512(benchmark::State& state) {
  Batch512 batch;
  tracewire::detail::ZipkinEncoder encoder;
  std::size_t bytes = 0;
  for (auto _ : state) {
    const std::string_view body = encoder.encode(batch.pointers);
    bytes += body.size();
    benchmark::DoNotOptimize(body.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * batch.pointers.size()));
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
}
BENCHMARK(BM_ZipkinJsonEncode512);

}  // namespace
