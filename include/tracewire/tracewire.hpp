// tracewire: one include for the API, the SDK, configuration and the built-in exporters.
#pragma once

#include "tracewire/version.hpp"

#include "tracewire/core/resource_detectors.hpp"
#include "tracewire/core/span_data.hpp"
#include "tracewire/trace/batch_span_processor.hpp"
#include "tracewire/trace/context.hpp"
#include "tracewire/trace/multi_span_processor.hpp"
#include "tracewire/trace/parent_based_sampler.hpp"
#include "tracewire/trace/probability_sampler.hpp"
#include "tracewire/trace/rate_limiting_sampler.hpp"
#include "tracewire/trace/simple_span_processor.hpp"
#include "tracewire/trace/tracer_provider.hpp"
#include "tracewire/trace/xray_id_generator.hpp"

#include "tracewire/export/console_exporter.hpp"
#include "tracewire/export/discarding_exporter.hpp"
#include "tracewire/export/html_exporter.hpp"
#include "tracewire/export/in_memory_exporter.hpp"
#include "tracewire/export/otlp/otlp_file_exporter.hpp"
#include "tracewire/export/xray/xray_udp_exporter.hpp"

#include "tracewire/config/provider_from_environment.hpp"

/// Starts a span named after the enclosing function, current until the end of the scope.
#define TRACEWIRE_FUNCTION_SPAN(tracer) \
  auto TRACEWIRE_CONCAT_(tracewire_function_span_, __LINE__) = (tracer).start_span(__func__)
#define TRACEWIRE_CONCAT_(a, b) TRACEWIRE_CONCAT_INNER_(a, b)
#define TRACEWIRE_CONCAT_INNER_(a, b) a##b
