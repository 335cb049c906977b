// spdlog integration: the current trace and span ids in each log line, and log lines as span events.
#pragma once

#if !__has_include(<spdlog/spdlog.h>)
#error "tracewire/instrumentation/spdlog.hpp needs spdlog 1.10+ (Debian: libspdlog-dev; CMake: link tracewire::spdlog)"
#endif

#include <chrono>
#include <ctime>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>

#include <spdlog/details/log_msg.h>
#include <spdlog/details/null_mutex.h>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/base_sink.h>

#include "tracewire/core/span_context.hpp"
#include "tracewire/instrumentation/fmt.hpp"
#include "tracewire/instrumentation/log_span_events.hpp"
#include "tracewire/trace/context.hpp"

namespace tracewire {
inline namespace v0 {

/// A spdlog pattern flag that writes the trace context current on the logging thread:
/// the trace id (32 hex digits), the span id (16), or both as `trace_id=<hex> span_id=<hex> `
/// (with a trailing space, so that `%&%v` reads well with or without a span). Nothing is
/// written when no span is current. Register it with `pattern_formatter::add_flag`, or use
/// `make_spdlog_trace_formatter`.
///
/// The flag reads the context when the line is formatted, which for spdlog's synchronous
/// loggers (the default) is in the call that logs. An asynchronous logger formats on its
/// worker thread, where nothing is current: put the ids into the message there
/// (`spdlog::info("{} done", span.context())`, with the formatters of
/// tracewire/instrumentation/fmt.hpp).
///
/// **Example**:
/// ```
/// auto formatter = std::make_unique<spdlog::pattern_formatter>();
/// formatter->add_flag<tracewire::SpdlogTraceFlag>('&', tracewire::SpdlogTraceFlag::Field::trace_id)
///     .set_pattern("[%l] trace=%& %v");
/// logger->set_formatter(std::move(formatter));
/// ```
class SpdlogTraceFlag final : public spdlog::custom_flag_formatter {
 public:
  enum class Field { trace_id, span_id, trace_context };

  explicit SpdlogTraceFlag(Field field = Field::trace_context) noexcept : field_(field) {}

  void format(const spdlog::details::log_msg&, const std::tm&, spdlog::memory_buf_t& dest) override {
    const SpanContext& span = Context::current().span_context();
    if (!span.is_valid()) return;
    auto out = std::back_inserter(dest);
    switch (field_) {
      case Field::trace_id:
        fmt::format_to(out, "{}", span.trace_id);
        break;
      case Field::span_id:
        fmt::format_to(out, "{}", span.span_id);
        break;
      case Field::trace_context:
        fmt::format_to(out, "trace_id={} span_id={} ", span.trace_id, span.span_id);
        break;
    }
  }

  std::unique_ptr<spdlog::custom_flag_formatter> clone() const override {
    return std::make_unique<SpdlogTraceFlag>(field_);
  }

 private:
  Field field_;
};

/// The flag `make_spdlog_trace_formatter` gives the trace context: `%&`.
inline constexpr char spdlog_trace_flag = '&';
/// spdlog's default pattern with the trace context before the message.
inline constexpr const char* spdlog_trace_pattern = "[%Y-%m-%d %H:%M:%S.%e] [%n] [%l] %&%v";

/// A spdlog formatter for `pattern` in which `%&` writes `trace_id=<hex> span_id=<hex> ` of
/// the span current where the line is logged (nothing when none is).
///
/// **Example**:
/// ```
/// spdlog::set_formatter(tracewire::make_spdlog_trace_formatter());
/// spdlog::warn("cache miss");  // [2026-12-09 10:00:00.000] [] [warning] trace_id=4bf9… span_id=00f0… cache miss
/// ```
inline std::unique_ptr<spdlog::pattern_formatter> make_spdlog_trace_formatter(
    std::string pattern = spdlog_trace_pattern) {
  auto formatter = std::make_unique<spdlog::pattern_formatter>();
  formatter->add_flag<SpdlogTraceFlag>(spdlog_trace_flag, SpdlogTraceFlag::Field::trace_context);
  formatter->set_pattern(std::move(pattern));
  return formatter;
}

namespace detail {

/// spdlog's levels as OpenTelemetry log severities.
inline LogSeverity log_severity(spdlog::level::level_enum level) noexcept {
  switch (level) {
    case spdlog::level::trace:
      return {1, "TRACE"};
    case spdlog::level::debug:
      return {5, "DEBUG"};
    case spdlog::level::info:
      return {9, "INFO"};
    case spdlog::level::warn:
      return {13, "WARN"};
    case spdlog::level::err:
      return {17, "ERROR"};
    default:
      return {21, "FATAL"};
  }
}

}  // namespace detail

/// A spdlog sink that records each line at `level` and above (warning by default) as an
/// event of the span current where it is logged, through `LogSpanEvents` (whose processor
/// adds the events when the span ends: see there). The event's body is the message
/// without the pattern's decorations. Like `SpdlogTraceFlag`, it sees the logging thread's
/// context only with a synchronous logger.
///
/// **Example**:
/// ```
/// auto log_events = std::make_shared<tracewire::LogSpanEvents>();
/// options.processors.push_back(log_events->wrap(std::move(batch_processor)));   // TracerProviderOptions
/// logger->sinks().push_back(std::make_shared<tracewire::SpdlogSpanEventSink_mt>(log_events));
/// ```
template <class Mutex>
class SpdlogSpanEventSink final : public spdlog::sinks::base_sink<Mutex> {
 public:
  explicit SpdlogSpanEventSink(std::shared_ptr<LogSpanEvents> events,
                               spdlog::level::level_enum level = spdlog::level::warn)
      : events_(std::move(events)) {
    this->set_level(level);
  }

 protected:
  void sink_it_(const spdlog::details::log_msg& message) override {
    events_->record(detail::log_severity(message.level),
                    std::string_view(message.payload.data(), message.payload.size()),
                    std::string_view(message.logger_name.data(), message.logger_name.size()), message.time);
  }
  void flush_() override {}

 private:
  std::shared_ptr<LogSpanEvents> events_;
};

using SpdlogSpanEventSink_mt = SpdlogSpanEventSink<std::mutex>;
using SpdlogSpanEventSink_st = SpdlogSpanEventSink<spdlog::details::null_mutex>;

}  // namespace v0
}  // namespace tracewire
