// TracerConfig: the provider's settings, from code and from OTEL_* variables.
#pragma once

#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "tracewire/config/environment.hpp"
#include "tracewire/core/detail/percent_encoding.hpp"
#include "tracewire/core/resource.hpp"
#include "tracewire/core/resource_detectors.hpp"
#include "tracewire/core/span_limits.hpp"
#include "tracewire/semconv.hpp"
#include "tracewire/trace/batch_span_processor.hpp"
#include "tracewire/trace/parent_based_sampler.hpp"
#include "tracewire/trace/probability_sampler.hpp"
#include "tracewire/trace/rate_limiting_sampler.hpp"
#include "tracewire/trace/sampler.hpp"
#include "tracewire/trace/span_processor.hpp"

namespace tracewire {
inline namespace v0 {

/// Where new trace ids come from: `random` (RandomIdGenerator), or `xray`
/// (XRayIdGenerator: the start time in the first 4 bytes, as AWS X-Ray requires).
enum class IdGeneratorKind { random, xray };

/// What the application sets in code. Every field is optional: a field set here wins, an
/// unset field is read from its environment variable, and failing that takes the
/// specification's default. `finalize_config` turns it into a FinalizedTracerConfig once.
struct TracerConfig {
  std::optional<bool> disabled;             ///< OTEL_SDK_DISABLED (default false)
  std::optional<std::string> service_name;  ///< OTEL_SERVICE_NAME (set here, it wins over the environment)
  /// The service name to use when neither `service_name`, `OTEL_SERVICE_NAME` nor
  /// `service.name` in `OTEL_RESOURCE_ATTRIBUTES` gives one (then the specification's
  /// `unknown_service:<executable>` is not used): what a program sets so that its
  /// deployment can still rename it.
  std::optional<std::string> default_service_name;
  AttributeSet resource_attributes;      ///< over OTEL_RESOURCE_ATTRIBUTES and the detected resource
  std::shared_ptr<Sampler> sampler;      ///< OTEL_TRACES_SAMPLER, OTEL_TRACES_SAMPLER_ARG
  std::optional<std::string> exporters;  ///< OTEL_TRACES_EXPORTER: comma-separated names (default otlp)
  /// Processors built in code (an exporter of your own behind a BatchSpanProcessor, a
  /// ConsoleExporter in tree mode, ...): always added, after the ones `exporters` names.
  std::vector<std::unique_ptr<SpanProcessor>> processors;
  /// Processors used instead of the default `otlp` exporter when neither `exporters` nor
  /// `OTEL_TRACES_EXPORTER` names any: what a program shows by default, which its
  /// deployment can still replace.
  std::vector<std::unique_ptr<SpanProcessor>> default_processors;
  std::optional<BatchSpanProcessorOptions> batch;  ///< OTEL_BSP_*
  std::optional<SpanLimits> limits;                ///< OTEL_SPAN_*_LIMIT, OTEL_ATTRIBUTE_*_LIMIT, ...
  /// The propagators to use when `OTEL_PROPAGATORS` is unset (default `tracecontext,baggage`).
  std::optional<std::string> default_propagators;
  /// OTEL_TRACES_ID_GENERATOR, tracewire's own variable (the specification has none):
  /// `random` or `xray`. Default `random`, or `xray` when the exporters include `xray`.
  std::optional<IdGeneratorKind> id_generator;
};

/// The validated, complete configuration a provider is built from.
struct FinalizedTracerConfig {
  bool disabled = false;
  Resource resource;
  std::shared_ptr<Sampler> sampler;
  std::vector<std::string> exporters;
  std::vector<std::unique_ptr<SpanProcessor>> processors;  ///< built in code, added after the named exporters
  BatchSpanProcessorOptions batch;
  SpanLimits limits;
  std::string default_propagators{tracewire::default_propagators};  ///< used when OTEL_PROPAGATORS is unset
  IdGeneratorKind id_generator = IdGeneratorKind::random;
};

namespace detail {

/// Parses `key1=value1,key2=value2` (OTEL_RESOURCE_ATTRIBUTES): keys and values are
/// trimmed and percent-decoded; entries without '=' or with an empty key are skipped; a
/// percent-decoding error discards the whole value (as the specification says). Either is
/// reported in one warning naming `variable`, once per value (a 100 kB value of bad entries
/// makes one line, not one per entry).
inline std::vector<std::pair<std::string, std::string>> parse_key_value_list(std::string_view variable,
                                                                             std::string_view text) {
  std::vector<std::pair<std::string, std::string>> entries;
  std::vector<std::string_view> malformed;
  bool bad_encoding = false;
  for_each_key_value(text, [&](const KeyValueItem& item) {
    switch (item.problem) {
      case KeyValueItem::Problem::none:
        entries.emplace_back(item.key, item.value);
        return true;
      case KeyValueItem::Problem::not_key_value:
        malformed.push_back(item.text);
        return true;
      case KeyValueItem::Problem::bad_encoding:
        warn_once(variable, text, "{}: invalid percent-encoding in {}; ignoring the whole variable", variable,
                  quote(item.text));
        bad_encoding = true;
        return false;
    }
    return true;
  });
  if (bad_encoding) return {};
  if (!malformed.empty()) {
    warn_once(variable, text, "{}: skipped {} malformed entr(ies) (expected key=value): {}", variable, malformed.size(),
              quote_list(malformed));
  }
  return entries;
}

inline std::shared_ptr<Sampler> sampler_from_environment(const Environment& environment) {
  const std::string name =
      env::get_choice(environment, "OTEL_TRACES_SAMPLER", "parentbased_always_on",
                      {"always_on", "always_off", "traceidratio", "parentbased_always_on", "parentbased_always_off",
                       "parentbased_traceidratio", "ratelimiting", "parentbased_ratelimiting"});
  const auto ratio = [&] { return env::get_double(environment, "OTEL_TRACES_SAMPLER_ARG", 1.0, 0.0, 1.0); };
  const auto rate = [&] { return env::get_double(environment, "OTEL_TRACES_SAMPLER_ARG", 100.0, 0.0, 1e9); };
  if (name == "always_on") return std::make_shared<AlwaysOnSampler>();
  if (name == "always_off") return std::make_shared<AlwaysOffSampler>();
  if (name == "traceidratio") return std::make_shared<ProbabilitySampler>(ratio());
  if (name == "ratelimiting") return std::make_shared<RateLimitingSampler>(rate());
  if (name == "parentbased_always_off")
    return std::make_shared<ParentBasedSampler>(std::make_shared<AlwaysOffSampler>());
  if (name == "parentbased_traceidratio") {
    return std::make_shared<ParentBasedSampler>(std::make_shared<ProbabilitySampler>(ratio()));
  }
  if (name == "parentbased_ratelimiting") {
    return std::make_shared<ParentBasedSampler>(std::make_shared<RateLimitingSampler>(rate()));
  }
  return std::make_shared<ParentBasedSampler>(std::make_shared<AlwaysOnSampler>());
}

inline BatchSpanProcessorOptions batch_options_from_environment(const Environment& environment) {
  BatchSpanProcessorOptions options;
  options.max_queue_size =
      env::get_unsigned(environment, "OTEL_BSP_MAX_QUEUE_SIZE", 2048, 1, BatchSpanProcessorOptions::max_queue_capacity);
  options.max_export_batch_size = env::get_unsigned(environment, "OTEL_BSP_MAX_EXPORT_BATCH_SIZE", 512, 1, 1u << 24);
  if (options.max_export_batch_size > options.max_queue_size) {
    log(LogLevel::warn, "OTEL_BSP_MAX_EXPORT_BATCH_SIZE={} exceeds OTEL_BSP_MAX_QUEUE_SIZE={}; using {}",
        options.max_export_batch_size, options.max_queue_size, options.max_queue_size);
    options.max_export_batch_size = options.max_queue_size;
  }
  options.schedule_delay = env::get_milliseconds(environment, "OTEL_BSP_SCHEDULE_DELAY", options.schedule_delay);
  options.export_timeout = env::get_timeout(environment, "OTEL_BSP_EXPORT_TIMEOUT", options.export_timeout);
  return options;
}

inline SpanLimits limits_from_environment(const Environment& environment) {
  const auto limit = [&](std::string_view specific, std::string_view general, std::size_t fallback) -> std::size_t {
    const std::uint64_t base = general.empty() ? fallback : env::get_unsigned(environment, general, fallback);
    return static_cast<std::size_t>(env::get_unsigned(environment, specific, base));
  };
  SpanLimits limits;
  limits.attribute_count = limit("OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT", "OTEL_ATTRIBUTE_COUNT_LIMIT", 128);
  limits.attribute_value_length =
      limit("OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT", "OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT", SpanLimits::unlimited);
  limits.event_count = limit("OTEL_SPAN_EVENT_COUNT_LIMIT", "", 128);
  limits.link_count = limit("OTEL_SPAN_LINK_COUNT_LIMIT", "", 128);
  limits.attributes_per_event = limit("OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT", "", 128);
  limits.attributes_per_link = limit("OTEL_LINK_ATTRIBUTE_COUNT_LIMIT", "", 128);
  return limits;
}

/// The detected resource, then OTEL_RESOURCE_ATTRIBUTES, then OTEL_SERVICE_NAME, then code;
/// the code's default service name only where none of them names the service.
inline Resource resource_from_environment(const Environment& environment, const TracerConfig& config) {
  AttributeSet attributes;
  if (auto text = environment.get("OTEL_RESOURCE_ATTRIBUTES")) {
    for (const auto& [key, value] : parse_key_value_list("OTEL_RESOURCE_ATTRIBUTES", *text)) attributes.set(key, value);
  }
  if (auto name = config.service_name ? config.service_name : environment.get("OTEL_SERVICE_NAME")) {
    attributes.set(semconv::service::name, *name);
  } else if (config.default_service_name && attributes.get(semconv::service::name) == nullptr &&
             config.resource_attributes.get(semconv::service::name) == nullptr) {
    attributes.set(semconv::service::name, *config.default_service_name);
  }
  attributes.merge(config.resource_attributes);
  return detected_resource().merged_with(Resource(std::move(attributes)));
}

}  // namespace detail

/// Completes `config` (taken over: it holds processors) from `environment` and the
/// specification's defaults. Invalid values
/// are reported once each (naming the variable and the value) and replaced by defaults;
/// this never throws.
///
/// **Example**: `auto config = finalize_config(TracerConfig{}, ProcessEnvironment());`
inline FinalizedTracerConfig finalize_config(TracerConfig config, const Environment& environment) {
  FinalizedTracerConfig result;
  result.disabled = config.disabled ? *config.disabled : env::get_bool(environment, "OTEL_SDK_DISABLED", false);
  result.resource = detail::resource_from_environment(environment, config);
  result.sampler = config.sampler ? config.sampler : detail::sampler_from_environment(environment);
  std::optional<std::string> named = config.exporters ? config.exporters : environment.get("OTEL_TRACES_EXPORTER");
  if (!named && !config.default_processors.empty()) {
    named = "none";  // the program's own default replaces otlp
    for (auto& processor : config.default_processors) config.processors.push_back(std::move(processor));
  }
  for (auto& processor : config.processors) {
    if (processor) result.processors.push_back(std::move(processor));
  }
  const std::string exporters = named.value_or("otlp");
  std::set<std::string> seen;  // a set: a hostile list of 50,000 names must not cost 50,000²
  for (std::string_view name : detail::split_list(exporters)) {
    std::string lower = detail::to_lower(name);
    if (seen.insert(lower).second) result.exporters.push_back(std::move(lower));
  }
  result.batch = config.batch ? *config.batch : detail::batch_options_from_environment(environment);
  result.limits = config.limits ? *config.limits : detail::limits_from_environment(environment);
  if (config.default_propagators) result.default_propagators = *config.default_propagators;
  if (config.id_generator) {
    result.id_generator = *config.id_generator;
  } else {
    // X-Ray rejects random trace ids, so exporting to it asks for its ids unless told otherwise.
    const bool xray = std::find(result.exporters.begin(), result.exporters.end(), "xray") != result.exporters.end();
    const std::string name =
        env::get_choice(environment, "OTEL_TRACES_ID_GENERATOR", xray ? "xray" : "random", {"random", "xray"});
    result.id_generator = name == "xray" ? IdGeneratorKind::xray : IdGeneratorKind::random;
  }
  return result;
}

}  // namespace v0
}  // namespace tracewire
