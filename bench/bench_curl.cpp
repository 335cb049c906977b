// libcurl instrumentation cost: a GET to a loopback HTTP server with curl_easy_perform, bare
// and in tracewire::perform's client span (span, URL redaction, traceparent in a copy of the
// header list); and the client span alone, without a transfer.
#include <benchmark/benchmark.h>

#if defined(TRACEWIRE_BENCH_WITH_CURL_INSTRUMENTATION)

#include <cstddef>

#include <curl/curl.h>

#include "support/discarding_receiver.hpp"
#include "support/pipeline.hpp"
#include "tracewire/instrumentation/curl.hpp"

namespace {

std::size_t discard_body(char*, std::size_t size, std::size_t count, void*) { return size * count; }

// A kept-alive easy handle set up for GET requests to a loopback receiver (it answers 200),
// with a header list of the caller's.
struct LoopbackRequest {
  tracewire_bench::DiscardingReceiver receiver;
  CURL* handle = curl_easy_init();
  curl_slist* headers = curl_slist_append(nullptr, "Accept: application/json");

  LoopbackRequest() {
    curl_easy_setopt(handle, CURLOPT_URL, receiver.url().c_str());
    curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, discard_body);
    curl_easy_setopt(handle, CURLOPT_HTTPHEADER, headers);
  }
  LoopbackRequest(const LoopbackRequest&) = delete;
  LoopbackRequest& operator=(const LoopbackRequest&) = delete;
  ~LoopbackRequest() {
    curl_easy_cleanup(handle);
    curl_slist_free_all(headers);
  }

  // Fails the benchmark unless every request reached the receiver.
  void check(benchmark::State& state) const {
    if (receiver.requests() < static_cast<std::uint64_t>(state.iterations()))
      state.SkipWithError("a request did not reach the receiver");
  }
};

// Times `perform(request)` (a CURLcode), then checks that every request arrived.
template <class Perform>
void requests(benchmark::State& state, Perform perform) {
  LoopbackRequest request;
  for (auto _ : state) {
    if (perform(request) != CURLE_OK) return state.SkipWithError("a request failed");
  }
  request.check(state);
}

void BM_CurlLoopbackBare(benchmark::State& state) {
  requests(state, [](LoopbackRequest& request) { return curl_easy_perform(request.handle); });
}
BENCHMARK(BM_CurlLoopbackBare);

void BM_CurlLoopbackTraced(benchmark::State& state) {
  tracewire::Tracer& tracer = tracewire_bench::sampled_pipeline().tracer;
  requests(state, [&tracer](LoopbackRequest& request) {
    return tracewire::perform(tracer, request.handle, request.headers, {"GET"});
  });
}
BENCHMARK(BM_CurlLoopbackTraced);

// What tracewire adds to a request, without the request: the span's start (URL parsed and
// redacted, server.address/port), the header list with traceparent, and its finish (the
// transfer's information read back, the caller's list restored, the span ended).
void BM_CurlClientSpan(benchmark::State& state) {
  LoopbackRequest request;
  tracewire_bench::Pipeline& pipeline = tracewire_bench::sampled_pipeline();
  for (auto _ : state) {
    tracewire::CurlClientSpan span(pipeline.tracer, request.handle, request.headers, {"GET"});
    span.finish(CURLE_OK);
  }
}
BENCHMARK(BM_CurlClientSpan);

}  // namespace

#endif
