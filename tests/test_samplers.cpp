#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "tracewire/trace/id_generator.hpp"
#include "tracewire/trace/parent_based_sampler.hpp"
#include "tracewire/trace/probability_sampler.hpp"
#include "tracewire/trace/rate_limiting_sampler.hpp"

using namespace tracewire;

namespace {
SamplingResult decide(Sampler& sampler, const TraceId& trace_id, const SpanContext& parent = {}) {
  return sampler.should_sample(SamplingParameters{parent, trace_id, "span", SpanKind::internal, {}});
}
// A trace id whose rightmost 56 bits are `randomness` (the high byte of `low` is ignored by the rule).
TraceId with_randomness(std::uint64_t randomness) { return TraceId::from_halves(0x1234, (0xffULL << 56) | randomness); }
}  // namespace

TEST_SUITE("trace") {
  TEST_CASE("ProbabilitySampler threshold and its th encoding follow the specification") {
    CHECK(ProbabilitySampler(0.25).threshold() == 0xc0000000000000ULL);
    CHECK(ProbabilitySampler(0.5).threshold() == 0x80000000000000ULL);
    CHECK(ProbabilitySampler(1.0).threshold() == 0);
    CHECK(ProbabilitySampler::encode_threshold(0xc0000000000000ULL) == "c");
    CHECK(ProbabilitySampler::encode_threshold(0) == "0");
    CHECK(ProbabilitySampler::encode_threshold(0x00000000000001ULL) == "00000000000001");
    CHECK(ProbabilitySampler::encode_threshold(0xfd70a3d70a3d71ULL) == "fd70a3d70a3d71");  // p = 0.01
    CHECK(ProbabilitySampler(0.01).threshold() == 0xfd70a3d70a3d71ULL);
  }

  TEST_CASE("ProbabilitySampler decides by the rightmost 56 bits: sampled iff R >= T") {
    ProbabilitySampler quarter(0.25);
    auto at_threshold = decide(quarter, with_randomness(0xc0000000000000ULL));
    CHECK(at_threshold.sampled());
    REQUIRE(at_threshold.trace_state);
    CHECK(at_threshold.trace_state->get("ot") == std::string_view("th:c"));
    CHECK_FALSE(decide(quarter, with_randomness(0xbfffffffffffffULL)).sampled());
    CHECK(decide(quarter, with_randomness(0xffffffffffffffULL)).sampled());
    CHECK_FALSE(decide(quarter, TraceId::from_halves(0xffffffffffffffffULL, 0)).sampled());  // only low 56 bits count

    ProbabilitySampler never(0.0);
    CHECK_FALSE(decide(never, with_randomness(0xffffffffffffffULL)).sampled());
    ProbabilitySampler always(1.0);
    auto sampled = decide(always, with_randomness(0));
    CHECK(sampled.sampled());
    CHECK(sampled.trace_state->get("ot") == std::string_view("th:0"));
  }

  TEST_CASE("ProbabilitySampler honours rv, keeps other ot sub-keys, and removes th when dropping") {
    ProbabilitySampler half(0.5);
    SpanContext parent{with_randomness(0), SpanId::from_u64(1), TraceFlags(1),
                       TraceState::parse("ot=th:0;rv:c0000000000000,other=1"), true};
    auto result = decide(half, parent.trace_id, parent);
    CHECK(result.sampled());  // rv = 0xc0… ≥ 0x80…, although the trace id's bits are 0
    CHECK(result.trace_state->get("ot") == std::string_view("th:8;rv:c0000000000000"));
    CHECK(result.trace_state->get("other") == std::string_view("1"));

    SpanContext low{with_randomness(0), SpanId::from_u64(1), TraceFlags(1),
                    TraceState::parse("ot=th:0;rv:10000000000000"), true};
    auto dropped = decide(half, low.trace_id, low);
    CHECK_FALSE(dropped.sampled());
    CHECK(dropped.trace_state->get("ot") == std::string_view("rv:10000000000000"));
  }

  TEST_CASE("ProbabilitySampler samples about p of random trace ids, and every service agrees") {
    ProbabilitySampler a(0.1), b(0.1);
    RandomIdGenerator ids;
    int sampled = 0;
    for (int i = 0; i < 20000; ++i) {
      TraceId id = ids.new_trace_id();
      bool first = decide(a, id).sampled();
      CHECK(first == decide(b, id).sampled());
      sampled += first;
    }
    CHECK(sampled > 1600);
    CHECK(sampled < 2400);
    CHECK(a.describe() == "ProbabilitySampler{0.1}");
  }

  TEST_CASE("ParentBasedSampler picks the delegate by parent locality and sampled flag") {
    ParentBasedSampler::Delegates delegates;
    delegates.remote_parent_not_sampled = std::make_shared<AlwaysOnSampler>();
    ParentBasedSampler sampler(std::make_shared<AlwaysOffSampler>(), delegates);
    const TraceId id = TraceId::from_halves(1, 1);
    SpanContext remote_sampled{id, SpanId::from_u64(1), TraceFlags(1), {}, true};
    SpanContext remote_unsampled{id, SpanId::from_u64(1), TraceFlags(0), {}, true};
    SpanContext local_sampled{id, SpanId::from_u64(1), TraceFlags(1), {}, false};
    SpanContext local_unsampled{id, SpanId::from_u64(1), TraceFlags(0), {}, false};
    CHECK_FALSE(decide(sampler, id).sampled());  // root → AlwaysOff
    CHECK(decide(sampler, id, remote_sampled).sampled());
    CHECK(decide(sampler, id, remote_unsampled).sampled());  // overridden delegate
    CHECK(decide(sampler, id, local_sampled).sampled());
    CHECK_FALSE(decide(sampler, id, local_unsampled).sampled());
    CHECK(sampler.describe() == "ParentBased{root=AlwaysOffSampler}");
  }

  TEST_CASE("RateLimitingSampler allows one second's burst, then the rate; thread-safe") {
    auto now = std::chrono::steady_clock::time_point(std::chrono::hours(1));
    RateLimitingSampler sampler(10, [&] { return now; });
    int allowed = 0;
    for (int i = 0; i < 100; ++i) allowed += decide(sampler, TraceId::from_halves(1, 1)).sampled();
    CHECK(allowed == 10);
    now += std::chrono::milliseconds(100);
    CHECK(decide(sampler, TraceId::from_halves(1, 1)).sampled());
    CHECK_FALSE(decide(sampler, TraceId::from_halves(1, 1)).sampled());
    now += std::chrono::seconds(10);
    allowed = 0;
    std::atomic<int> concurrent{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([&] {
        for (int i = 0; i < 100; ++i) concurrent += decide(sampler, TraceId::from_halves(1, 1)).sampled();
      });
    }
    for (auto& thread : threads) thread.join();
    CHECK(concurrent == 10);
    CHECK(sampler.describe() == "RateLimitingSampler{10/s}");
  }
}
