// Encoding cost of the Jaeger Thrift compact and Zipkin JSON exporters: a 512-span batch,
// each span with 3 attributes (string, int, double) and 1 event, as a BatchSpanProcessor
// hands it over. Items processed are spans.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <string>

#include "support/batch512.hpp"
#include "tracewire/export/detail/zipkin_encoder.hpp"
#include "tracewire/export/jaeger/jaeger_encoder.hpp"

namespace {

using tracewire_bench::Batch512;

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
