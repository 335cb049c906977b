// make_propagator: builds the propagator an OTEL_PROPAGATORS-style list names, or OTEL_PROPAGATORS itself.
#pragma once

#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "tracewire/config/environment.hpp"
#include "tracewire/core/detail/ascii.hpp"
#include "tracewire/core/detail/quote.hpp"
#include "tracewire/core/logger.hpp"
#include "tracewire/propagation/b3_propagator.hpp"
#include "tracewire/propagation/baggage_propagator.hpp"
#include "tracewire/propagation/composite_propagator.hpp"
#include "tracewire/propagation/jaeger_propagator.hpp"
#include "tracewire/propagation/trace_context_propagator.hpp"
#include "tracewire/propagation/xray_propagator.hpp"

namespace tracewire {
inline namespace v0 {

/// The propagator for one name of the OpenTelemetry specification (`tracecontext`,
/// `baggage`, `b3` = single header, `b3multi`, `jaeger`, `xray`), case-insensitive;
/// nullptr for any other name.
inline std::unique_ptr<TextMapPropagator> make_named_propagator(std::string_view name) {
  const std::string lower = detail::to_lower(detail::trim_spaces(name));
  if (lower == "tracecontext") return std::make_unique<TraceContextPropagator>();
  if (lower == "baggage") return std::make_unique<BaggagePropagator>();
  if (lower == "b3") return std::make_unique<B3Propagator>(B3Encoding::single_header);
  if (lower == "b3multi") return std::make_unique<B3Propagator>(B3Encoding::multi_header);
  if (lower == "jaeger") return std::make_unique<JaegerPropagator>();
  if (lower == "xray") return std::make_unique<XRayPropagator>();
  return nullptr;
}

namespace detail {

/// What a list of propagator names builds: the propagators, and the names that are not one.
struct PropagatorList {
  std::vector<std::unique_ptr<TextMapPropagator>> propagators;
  std::vector<std::string_view> unknown;  ///< views into the list, each once
};

/// Reads the names of `list` as `OTEL_PROPAGATORS` specifies them: duplicates are ignored,
/// `none` adds nothing, unknown names are returned for the caller to report.
inline PropagatorList parse_propagator_list(std::string_view list) {
  PropagatorList result;
  std::set<std::string> seen;  // a set: a hostile list of 50,000 names must not cost 50,000²
  for (std::string_view item : split_list(list)) {
    std::string name = to_lower(item);
    if (name == "none" || !seen.insert(name).second) continue;
    if (auto propagator = make_named_propagator(name)) {
      result.propagators.push_back(std::move(propagator));
    } else {
      result.unknown.push_back(item);
    }
  }
  return result;
}

/// The one warning for the unknown names of a list read from `source` (a variable name, or
/// `make_propagator`): each name quoted and cut, and at most a few of them, so a hostile
/// 100 kB value still makes one short line.
inline void warn_unknown_propagators(std::string_view source, const std::vector<std::string_view>& unknown) {
  log(LogLevel::warn,
      "{}: skipped {} unknown propagator name(s): {}; known: tracecontext, baggage, b3, b3multi, "
      "jaeger, xray, none",
      source, unknown.size(), quote_list(unknown));
}

}  // namespace detail

/// A CompositePropagator of the comma-separated names in `list`, in order, as the value of
/// `OTEL_PROPAGATORS` specifies: duplicates are ignored, `none` adds nothing, and unknown
/// names are skipped and reported in one warning. An empty list gives a propagator that
/// does nothing; the environment's default (`tracecontext,baggage`) is applied by
/// `make_propagator_from_environment`, not here.
///
/// **Example**: `auto propagator = tracewire::make_propagator("tracecontext,baggage,b3multi");`
inline std::unique_ptr<TextMapPropagator> make_propagator(std::string_view list) {
  detail::PropagatorList parsed = detail::parse_propagator_list(list);
  if (!parsed.unknown.empty()) detail::warn_unknown_propagators("make_propagator", parsed.unknown);
  return std::make_unique<CompositePropagator>(std::move(parsed.propagators));
}

/// Builds the propagator named by `OTEL_PROPAGATORS` (or `fallback` when it is unset; an
/// empty value counts as unset) — see `make_propagator` for the list rules. Unknown names
/// are reported in one warning naming the variable, once per value however often it is read.
///
/// **Example**: `auto propagator = tracewire::make_propagator_from_environment(tracewire::ProcessEnvironment());`
inline std::unique_ptr<TextMapPropagator> make_propagator_from_environment(
    const Environment& environment, std::string_view fallback = default_propagators) {
  constexpr std::string_view variable = "OTEL_PROPAGATORS";
  const std::optional<std::string> value = environment.get(variable);
  const std::string_view list = value ? std::string_view(*value) : fallback;
  detail::PropagatorList parsed = detail::parse_propagator_list(list);
  if (!parsed.unknown.empty() && detail::ReportedValues::instance().first(variable, list)) {
    detail::warn_unknown_propagators(value ? variable : "default propagators", parsed.unknown);
  }
  return std::make_unique<CompositePropagator>(std::move(parsed.propagators));
}

}  // namespace v0
}  // namespace tracewire
