// spdlog integration cost: one info line formatted by a sink (spdlog's default pattern), with
// and without the trace context flag (%&: trace_id=… span_id=… of the current span), a
// sampled span being current in both.
#include <benchmark/benchmark.h>

#if defined(TRACEWIRE_BENCH_WITH_SPDLOG)

#include <cstddef>
#include <memory>
#include <string>

#include <spdlog/details/null_mutex.h>
#include <spdlog/logger.h>
#include <spdlog/sinks/base_sink.h>

#include "support/pipeline.hpp"
#include "tracewire/instrumentation/spdlog.hpp"

namespace {

// Formats each line as a file sink would, then discards it: the benchmark measures the
// formatting, not I/O.
class FormattingSink final : public spdlog::sinks::base_sink<spdlog::details::null_mutex> {
 public:
  std::size_t bytes = 0;

 protected:
  void sink_it_(const spdlog::details::log_msg& message) override {
    spdlog::memory_buf_t line;
    formatter_->format(message, line);
    bytes += line.size();
  }
  void flush_() override {}
};

void log_lines(benchmark::State& state, std::unique_ptr<spdlog::formatter> formatter) {
  auto sink = std::make_shared<FormattingSink>();
  spdlog::logger logger("bench", sink);
  logger.set_formatter(std::move(formatter));
  auto span = tracewire_bench::sampled_pipeline().tracer.start_span("request");
  for (auto _ : state) logger.info("cart {} loaded with {} items", 4217, 3);
  state.counters["bytes_per_line"] = static_cast<double>(sink->bytes) / static_cast<double>(state.iterations());
}

void BM_SpdlogLine(benchmark::State& state) {
  log_lines(state, std::make_unique<spdlog::pattern_formatter>("[%Y-%m-%d %H:%M:%S.%e] [%n] [%l] %v"));
}
BENCHMARK(BM_SpdlogLine);

void BM_SpdlogLineTraceFlag(benchmark::State& state) {
  log_lines(state, tracewire::make_spdlog_trace_formatter());  // the same pattern with %& before %v
}
BENCHMARK(BM_SpdlogLineTraceFlag);

}  // namespace

#endif
