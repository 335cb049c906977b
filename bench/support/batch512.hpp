// Batch512: the span batch every encoding benchmark measures, so their figures compare.
#pragma once

#include <cstdint>
#include <vector>

#include "tracewire/core/instrumentation_scope.hpp"
#include "tracewire/core/resource.hpp"
#include "tracewire/core/span_data.hpp"

namespace tracewire_bench {

/// 512 finished server spans, each with 3 attributes (string, int, double) and 1 event, of
/// one resource and scope: a full batch as a BatchSpanProcessor hands it to an exporter.
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
                                   SpanId::from_u64(i + 1),
                                   TraceFlags(1),
                                   {},
                                   false});
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

}  // namespace tracewire_bench
