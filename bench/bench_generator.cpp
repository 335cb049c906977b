// tracewire-gen's rate (tools/tracewire_gen): shop traces built through the public API with
// explicit times and parents, one provider per service, into the shared batch processor —
// with a discarding exporter (generation alone) and with OTLP/HTTP to a receiver on loopback
// (end to end). The generator waits while the batch queue is half full, as the tool does,
// so no span is dropped and the loopback rate is the exporter's pace.
#include <benchmark/benchmark.h>

#if defined(TRACEWIRE_BENCH_GENERATOR)

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "tracewire/config/environment.hpp"
#include "tracewire_gen/generator.hpp"
#include "tracewire_gen/pipeline.hpp"
#include "tracewire_gen/shipped_topologies.hpp"
#include "tracewire_gen/topology.hpp"

#if defined(TRACEWIRE_BENCH_WITH_CURL)
#include "support/discarding_receiver.hpp"
#endif

namespace {

const tracewire_gen::Topology& shop() {
  static const tracewire_gen::Topology topology =
      tracewire_gen::parse_topology_text(tracewire_gen::shipped_topology("shop"));
  return topology;
}

// Each benchmark thread builds its own traces (trace i of thread t: i * threads + t) into
// the pipeline every thread shares; `spans` per second is the rate.
void generate(benchmark::State& state, tracewire_gen::Pipeline& pipeline) {
  tracewire_gen::TraceBuilder builder(shop(), pipeline.tracers(), false);
  const auto threads = static_cast<std::uint64_t>(state.threads());
  std::uint64_t index = static_cast<std::uint64_t>(state.thread_index());
  std::uint64_t spans = 0;
  const tracewire_gen::Totals before = pipeline.totals();
  std::uint64_t start = 1790000000ULL * 1000000000ULL;
  for (auto _ : state) {
    while (pipeline.congested()) std::this_thread::yield();
    spans += builder.build(1, index, start);
    index += threads;
    start += 1000000;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(spans));
  if (state.thread_index() == 0) {
    const tracewire_gen::Totals after = pipeline.totals();
    state.counters["dropped"] = static_cast<double>(after.dropped - before.dropped);
    state.counters["failed"] = static_cast<double>(after.failed - before.failed);
    if (after.dropped != before.dropped || after.failed != before.failed) state.SkipWithError("spans were lost");
  }
}

// Generation alone: OTEL_TRACES_EXPORTER=discard behind the batch processor (queue 8192).
void BM_GeneratorDiscard(benchmark::State& state) {
  static tracewire_gen::Pipeline pipeline(
      shop(), tracewire::MapEnvironment{{"OTEL_TRACES_EXPORTER", "discard"}, {"OTEL_BSP_MAX_QUEUE_SIZE", "8192"}});
  generate(state, pipeline);
}
BENCHMARK(BM_GeneratorDiscard)->Threads(1)->Threads(2)->UseRealTime()->MinTime(1.0);

#if defined(TRACEWIRE_BENCH_WITH_CURL)
// End to end: OTLP/HTTP protobuf to a receiver on loopback that counts what arrives.
void BM_GeneratorOtlpHttpLoopback(benchmark::State& state) {
  static tracewire_bench::DiscardingReceiver receiver;
  static tracewire_gen::Pipeline pipeline(
      shop(), tracewire::MapEnvironment{{"OTEL_TRACES_EXPORTER", "otlp"},
                                        {"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", receiver.url()},
                                        {"OTEL_BSP_MAX_QUEUE_SIZE", "8192"}});
  generate(state, pipeline);
  if (state.thread_index() == 0) state.counters["received_spans"] = static_cast<double>(receiver.spans());
}
BENCHMARK(BM_GeneratorOtlpHttpLoopback)->Threads(1)->Threads(2)->UseRealTime()->MinTime(2.0);
#endif

}  // namespace

#endif  // TRACEWIRE_BENCH_GENERATOR
