// TracerProvider: owns the tracing pipeline (resource, sampler, limits, processors).
#pragma once

#include <atomic>
#include <cstdlib>
#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tracewire/core/detail/global_slot.hpp"
#include "tracewire/core/resource.hpp"
#include "tracewire/core/resource_detectors.hpp"
#include "tracewire/core/span_limits.hpp"
#include "tracewire/trace/detail/provider_state.hpp"
#include "tracewire/trace/id_generator.hpp"
#include "tracewire/trace/multi_span_processor.hpp"
#include "tracewire/trace/parent_based_sampler.hpp"
#include "tracewire/trace/sampler.hpp"
#include "tracewire/trace/span_processor.hpp"
#include "tracewire/trace/tracer.hpp"

namespace tracewire {
inline namespace v0 {

/// Everything a TracerProvider is built from. Unset members get the specification's
/// defaults: the detected resource (`resource_detectors.hpp`) updated by `resource`,
/// `ParentBased{root=AlwaysOn}`, default limits, random ids, no processors.
struct TracerProviderOptions {
  Resource resource;
  std::shared_ptr<Sampler> sampler;
  SpanLimits limits;
  std::unique_ptr<IdGenerator> id_generator;
  std::vector<std::unique_ptr<SpanProcessor>> processors;
  /// Merge `resource` over the detected resource (true) or use it as is (false).
  bool detect_resource = true;
};

/// The entry point of the SDK: hands out Tracers and owns what their spans go through.
/// Its destructor shuts it down (exporting every span that ended before), so keep it alive
/// as long as spans are started — typically for the life of the process, via
/// `set_global_provider`. Thread-safe.
///
/// **Example**:
/// ```
/// tracewire::TracerProviderOptions options;
/// options.resource = tracewire::Resource({{"service.name", "checkout"}});
/// options.processors.push_back(std::make_unique<tracewire::BatchSpanProcessor>(
///     std::make_unique<tracewire::ConsoleExporter>()));
/// auto provider = std::make_shared<tracewire::TracerProvider>(std::move(options));
/// auto tracer = provider->tracer("checkout");
/// ```
class TracerProvider {
 public:
  explicit TracerProvider(TracerProviderOptions options)
      : state_(detail::make_provider_state(
            options.detect_resource ? detected_resource().merged_with(options.resource) : std::move(options.resource),
            options.limits,
            options.sampler ? std::move(options.sampler)
                            : std::make_shared<ParentBasedSampler>(std::make_shared<AlwaysOnSampler>()),
            options.id_generator ? std::move(options.id_generator) : std::make_unique<RandomIdGenerator>(),
            pipeline(std::move(options.processors)), /*noop=*/false)) {}

  /// A provider whose spans record nothing and keep their parent's context (what
  /// instrumented code gets before the application configures tracing).
  static std::shared_ptr<TracerProvider> noop() { return std::shared_ptr<TracerProvider>(new TracerProvider()); }

  /// How long the destructor, and the exit handler of the global provider, give the
  /// pipeline to export what ended: short, because a process on its way out (a container
  /// being stopped) must not wait on a collector that does not answer. Call `shutdown(t)`
  /// first for another deadline.
  static constexpr std::chrono::milliseconds exit_timeout{5000};

  ~TracerProvider() { shutdown(exit_timeout); }
  TracerProvider(const TracerProvider&) = delete;
  TracerProvider& operator=(const TracerProvider&) = delete;

  /// A tracer for an instrumentation scope (library name and version). Cheap; the same
  /// name and version share one scope.
  Tracer tracer(std::string_view name, std::string_view version = {}, std::string_view schema_url = {}) {
    return Tracer(state_, state_->scope(name, version, schema_url));
  }

  /// Exports everything ended so far; false if the deadline passed.
  bool force_flush(std::chrono::milliseconds timeout = default_flush_timeout) noexcept {
    return state_->processor() ? state_->processor()->force_flush(timeout) : true;
  }

  /// Exports everything ended so far and stops; spans started afterwards record nothing.
  /// Safe to call twice.
  bool shutdown(std::chrono::milliseconds timeout = default_flush_timeout) noexcept {
    if (!state_->begin_shutdown()) return true;
    return state_->processor() ? state_->processor()->shutdown(timeout) : true;
  }

  bool is_shut_down() const noexcept { return state_->shut_down(); }
  const Resource& resource() const noexcept { return state_->resource(); }
  const Sampler& sampler() const noexcept { return state_->sampler(); }
  const SpanLimits& limits() const noexcept { return state_->limits(); }
  /// The processor pipeline (a MultiSpanProcessor when there are several), or nullptr.
  SpanProcessor* processor() const noexcept { return state_->processor(); }

  /// What became of the sampled spans so far, summed over the processors: exported,
  /// rejected by the receiver, failed, dropped (queue full, after shutdown) and still queued.
  ProcessorStats stats() const noexcept {
    return state_->processor() ? state_->processor()->stats() : ProcessorStats{};
  }

  /// One line per component for the startup log.
  std::string describe() const {
    std::string text = "TracerProvider{sampler=" + state_->sampler().describe();
    if (state_->processor()) text += ", processor=" + state_->processor()->describe();
    return text + "}";
  }

 private:
  /// The no-op provider.
  TracerProvider()
      : state_(detail::make_provider_state(Resource(), SpanLimits(), std::make_shared<AlwaysOffSampler>(),
                                           std::make_unique<RandomIdGenerator>(), nullptr, /*noop=*/true)) {}

  /// One processor, or several behind a MultiSpanProcessor, or none.
  static std::unique_ptr<SpanProcessor> pipeline(std::vector<std::unique_ptr<SpanProcessor>> processors) {
    if (processors.empty()) return nullptr;
    if (processors.size() == 1) return std::move(processors.front());
    return std::make_unique<MultiSpanProcessor>(std::move(processors));
  }

  std::shared_ptr<detail::ProviderState> state_;
};

namespace detail {
/// Never destroyed, so that code running during static destruction can still use it; the
/// global provider is shut down at exit instead (exporting what ended, within its deadline),
/// by an exit handler registered when the slot is created.
inline GlobalSlot<TracerProvider>& global_provider_slot() {
  static auto* slot = [] {
    auto* created = new GlobalSlot<TracerProvider>(TracerProvider::noop(), ForkHooks::Order::global_slot);
    std::atexit([] { global_provider_slot().get()->shutdown(TracerProvider::exit_timeout); });
    return created;
  }();
  return *slot;
}
}  // namespace detail

/// Makes `provider` the process-wide default (nullptr restores the no-op provider). Spans
/// still open from the previous provider end safely (see Span).
inline void set_global_provider(std::shared_ptr<TracerProvider> provider) {
  // The previous provider may shut down in here, outside the slot's lock.
  detail::global_provider_slot().set(provider ? std::move(provider) : TracerProvider::noop());
}

/// The process-wide provider: the no-op provider until `set_global_provider` is called.
/// Tracers taken from the no-op provider stay no-ops: take tracers after configuring.
inline std::shared_ptr<TracerProvider> global_provider() { return detail::global_provider_slot().get(); }

}  // namespace v0
}  // namespace tracewire
