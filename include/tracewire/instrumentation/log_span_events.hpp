// LogSpanEvents: log lines recorded as events of the span that was current when they were logged.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "tracewire/core/clock.hpp"
#include "tracewire/core/span_data.hpp"
#include "tracewire/trace/context.hpp"
#include "tracewire/trace/span_processor.hpp"

namespace tracewire {
inline namespace v0 {

/// Severity of a log line, as the OpenTelemetry log data model numbers it (`SeverityNumber`:
/// TRACE 1, DEBUG 5, INFO 9, WARN 13, ERROR 17, FATAL 21) with its `SeverityText`.
struct LogSeverity {
  int number = 13;
  std::string_view text = "WARN";
};

/// Turns log lines into span events: `record()` keeps a line under the span that is current
/// on the calling thread, and the processor from `wrap(next)` adds the lines to that span's
/// record when the span ends, before `next` (the exporting processor) sees it. An event is
/// named `log` and carries `log.severity_text`, `log.severity_number`, `log.body` and, when
/// known, `log.logger` (tracewire's names: the semantic conventions define none for a log
/// line inside a span); its time is when the line was logged.
///
/// Why at the end and not at once: a span is not thread-safe and the thread that logs is
/// rarely the one that owns the span (a `Scope` or `bind_context` made it current there).
/// The span's owner alone writes its record until it ends; the processor holds the record
/// exclusively after that, so the two never race. Spans that end in a provider without
/// this processor never collect their lines; they stay here until newer lines push them out.
///
/// Bounded: at most `capacity` lines wait (the oldest is dropped and counted beyond that);
/// only lines logged under a sampled span are kept. A span that ends with nothing waiting
/// costs one atomic load and a bit test; `record()` takes a mutex (log lines at the
/// recorded levels are rare). Thread-safe.
///
/// **Example** (with spdlog: see `SpdlogSpanEventSink` in tracewire/instrumentation/spdlog.hpp):
/// ```
/// auto log_events = std::make_shared<tracewire::LogSpanEvents>();
/// tracewire::TracerProviderOptions options;
/// options.processors.push_back(log_events->wrap(std::make_unique<tracewire::BatchSpanProcessor>(std::move(exporter))));
/// ...
/// log_events->record({17, "ERROR"}, "payment declined");   // an event of the current span
/// ```
class LogSpanEvents : public std::enable_shared_from_this<LogSpanEvents> {
 public:
  explicit LogSpanEvents(std::size_t capacity = 1024) : capacity_(capacity == 0 ? 1 : capacity) {}

  /// Keeps a log line for the span current on this thread (nothing if no sampled span is).
  /// `time` defaults to now. Never throws: a line that cannot be stored is counted as dropped.
  void record(LogSeverity severity, std::string_view body, std::string_view logger = {},
              std::optional<std::chrono::system_clock::time_point> time = std::nullopt) noexcept {
    const SpanContext& span = Context::current().span_context();
    if (!span.is_valid() || !span.sampled()) return;
    const std::uint64_t span_id = span.span_id.to_u64();
    try {
      Line line{span_id,           time ? to_unix_nano(*time) : now_unix_nano(),
                severity.number,   std::string(severity.text),
                std::string(body), std::string(logger)};
      std::lock_guard<std::mutex> lock(mutex_);
      if (lines_.size() >= capacity_) {
        lines_.erase(lines_.begin());
        dropped_.fetch_add(1, std::memory_order_relaxed);
      }
      lines_.push_back(std::move(line));
      publish_filter();
    } catch (...) {
      dropped_.fetch_add(1, std::memory_order_relaxed);
    }
  }

  /// A processor that adds the waiting lines to each span as it ends, then passes the span
  /// to `next`. Put it where `next` would have gone (first, if there are several). The
  /// LogSpanEvents must be owned by a `std::shared_ptr` (`std::make_shared`): the processor
  /// keeps it alive.
  std::unique_ptr<SpanProcessor> wrap(std::unique_ptr<SpanProcessor> next);

  /// Lines waiting for their span to end.
  std::size_t waiting() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return lines_.size();
  }
  /// Lines dropped: the buffer was full, or memory ran out.
  std::uint64_t dropped() const noexcept { return dropped_.load(std::memory_order_relaxed); }

  /// Adds the lines waiting for `span` to it as events (its event limit applies).
  void move_into(SpanData& span) noexcept {
    const std::uint64_t span_id = span.context().span_id.to_u64();
    if ((filter_.load(std::memory_order_acquire) & bit(span_id)) == 0) return;
    std::lock_guard<std::mutex> lock(mutex_);
    std::size_t kept = 0;
    for (std::size_t i = 0; i < lines_.size(); ++i) {
      Line& line = lines_[i];
      if (line.span_id == span_id) {
        add_event(span, line);
      } else {
        if (kept != i) lines_[kept] = std::move(line);
        ++kept;
      }
    }
    lines_.resize(kept);
    publish_filter();
  }

 private:
  struct Line {
    std::uint64_t span_id;
    std::uint64_t time_unix_nano;
    int severity_number;
    std::string severity_text;
    std::string body;
    std::string logger;
  };

  /// One bit per span id residue: a span whose bit is clear has nothing waiting, known
  /// without the mutex. Stale lines (a span that ended elsewhere) cost only the spans that
  /// share their bit a look under the mutex.
  static std::uint64_t bit(std::uint64_t span_id) noexcept { return std::uint64_t{1} << (span_id % 64); }
  void publish_filter() noexcept {  // with mutex_ held
    std::uint64_t filter = 0;
    for (const Line& line : lines_) filter |= bit(line.span_id);
    filter_.store(filter, std::memory_order_release);
  }

  static void add_event(SpanData& span, const Line& line) noexcept {
    try {
      KeyValue attributes[] = {{"log.severity_text", std::string_view(line.severity_text)},
                               {"log.severity_number", static_cast<std::int64_t>(line.severity_number)},
                               {"log.body", std::string_view(line.body)},
                               {"log.logger", std::string_view(line.logger)}};
      span.add_event("log", line.time_unix_nano, ArrayView<KeyValue>(attributes, line.logger.empty() ? 3 : 4));
    } catch (...) {
      span.add_dropped_attributes(1);
    }
  }

  class Processor;

  std::size_t capacity_;
  mutable std::mutex mutex_;
  std::deque<Line> lines_;  // oldest first
  std::atomic<std::uint64_t> filter_{0};
  std::atomic<std::uint64_t> dropped_{0};
};

/// What `LogSpanEvents::wrap` returns: forwards everything to the wrapped processor.
class LogSpanEvents::Processor final : public SpanProcessor {
 public:
  Processor(std::shared_ptr<LogSpanEvents> events, std::unique_ptr<SpanProcessor> next)
      : events_(std::move(events)), next_(std::move(next)) {}

  void on_start(SpanData& span, const Context& parent) noexcept override { next_->on_start(span, parent); }
  bool wants_on_start() const noexcept override { return next_->wants_on_start(); }
  void on_end(SpanDataPtr span) noexcept override {
    if (span) events_->move_into(*span);
    next_->on_end(std::move(span));
  }
  bool force_flush(std::chrono::milliseconds timeout = default_flush_timeout) noexcept override {
    return next_->force_flush(timeout);
  }
  bool shutdown(std::chrono::milliseconds timeout = default_flush_timeout) noexcept override {
    return next_->shutdown(timeout);
  }
  std::string describe() const override {
    return "LogSpanEvents{capacity=" + std::to_string(events_->capacity_) + ", " + next_->describe() + "}";
  }
  ProcessorStats stats() const noexcept override { return next_->stats(); }

 private:
  std::shared_ptr<LogSpanEvents> events_;
  std::unique_ptr<SpanProcessor> next_;
};

inline std::unique_ptr<SpanProcessor> LogSpanEvents::wrap(std::unique_ptr<SpanProcessor> next) {
  return std::make_unique<Processor>(shared_from_this(), std::move(next));
}

}  // namespace v0
}  // namespace tracewire
