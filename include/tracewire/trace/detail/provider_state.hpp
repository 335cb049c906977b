// ProviderState: what a TracerProvider shares with its Tracers and Spans.
#pragma once

#include <atomic>
#include <deque>
#include <memory>
#include <mutex>
#include <string_view>

#include "tracewire/core/instrumentation_scope.hpp"
#include "tracewire/core/resource.hpp"
#include "tracewire/core/span_limits.hpp"
#include "tracewire/trace/detail/span_record_pool.hpp"
#include "tracewire/trace/id_generator.hpp"
#include "tracewire/trace/sampler.hpp"
#include "tracewire/trace/span_processor.hpp"

namespace tracewire {
inline namespace v0 {
namespace detail {

/// The provider's configuration and pipeline. Tracers keep it alive through a shared_ptr;
/// spans refer to it by raw pointer (no reference-count traffic per span), so a span must
/// end before the last Tracer and the TracerProvider it came from are destroyed.
struct ProviderState {
  Resource resource;
  SpanLimits limits;
  std::shared_ptr<Sampler> sampler;
  std::unique_ptr<IdGenerator> id_generator;
  std::unique_ptr<SpanProcessor> processor;  // null: spans are sampled but go nowhere
  bool processor_wants_on_start = false;
  bool random_trace_ids = false;
  /// A no-op provider starts non-recording spans that carry their parent's context.
  bool noop = false;
  std::atomic<bool> shut_down{false};
  SpanRecordPool* pool = nullptr;

  std::mutex scopes_mutex;
  std::deque<InstrumentationScope> scopes;  // deque: addresses stay valid as it grows

  ProviderState() = default;
  ProviderState(const ProviderState&) = delete;
  ProviderState& operator=(const ProviderState&) = delete;
  ~ProviderState() {
    processor.reset();  // drains and joins workers first; they release records to the pool
    if (pool) pool->close();
  }

  const InstrumentationScope* scope(std::string_view name, std::string_view version, std::string_view schema_url) {
    std::lock_guard<std::mutex> lock(scopes_mutex);
    for (const InstrumentationScope& scope : scopes) {
      if (scope.name == name && scope.version == version && scope.schema_url == schema_url) return &scope;
    }
    scopes.push_back(InstrumentationScope{std::string(name), std::string(version), std::string(schema_url), {}});
    return &scopes.back();
  }

  /// Hands a finished record to the processors (or back to the pool if there are none).
  void end_span(SpanData* record) noexcept {
    SpanDataPtr owner(record);
    if (processor) processor->on_end(std::move(owner));
  }
};

}  // namespace detail
}  // namespace v0
}  // namespace tracewire
