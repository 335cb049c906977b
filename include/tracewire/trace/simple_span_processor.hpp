// SimpleSpanProcessor: exports each sampled span as it ends.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <utility>

#include "tracewire/core/logger.hpp"
#include "tracewire/core/detail/fork_hooks.hpp"
#include "tracewire/trace/span_exporter.hpp"
#include "tracewire/trace/span_processor.hpp"

namespace tracewire {
inline namespace v0 {

/// Exports every sampled span synchronously on the thread that ends it, one export at a
/// time. For tests, debugging and the console exporter — not for production, where the
/// application thread must not wait on I/O (use BatchSpanProcessor).
class SimpleSpanProcessor final : public SpanProcessor {
 public:
  explicit SimpleSpanProcessor(std::unique_ptr<SpanExporter> exporter) : exporter_(std::move(exporter)) {}
  ~SimpleSpanProcessor() override { shutdown(); }

  void on_end(SpanDataPtr span) noexcept override {
    if (!span->context().sampled()) return;
    std::lock_guard<std::mutex> lock(mutex_);
    if (shut_down_ || !exporter_) {
      dropped_.fetch_add(1, std::memory_order_relaxed);
      return;
    }
    const SpanData* record = span.get();
    const ExportResult result = exporter_->export_spans(ArrayView<const SpanData*>(&record, 1));
    if (result == ExportResult::success) {
      (result.rejected() > 0 ? rejected_ : exported_).fetch_add(1, std::memory_order_relaxed);
    } else {
      failed_.fetch_add(1, std::memory_order_relaxed);
    }
  }

  bool force_flush(std::chrono::milliseconds timeout = default_flush_timeout) noexcept override {
    std::lock_guard<std::mutex> lock(mutex_);
    return exporter_ && !shut_down_ ? exporter_->force_flush(timeout) : true;
  }

  bool shutdown(std::chrono::milliseconds timeout = default_flush_timeout) noexcept override {
    std::lock_guard<std::mutex> lock(mutex_);
    if (shut_down_ || !exporter_) return true;
    shut_down_ = true;
    return exporter_->shutdown(timeout);
  }

  std::string describe() const override {
    return "SimpleSpanProcessor{" + (exporter_ ? exporter_->describe() : std::string("no exporter")) + "}";
  }

  ProcessorStats stats() const noexcept override {
    ProcessorStats stats;
    stats.exported = exported_.load();
    stats.rejected = rejected_.load();
    stats.failed = failed_.load();
    stats.dropped_after_shutdown = dropped_.load();
    stats.received = stats.exported + stats.rejected + stats.failed + stats.dropped_after_shutdown;
    return stats;
  }

  /// Spans handed to the exporter successfully / lost to a failed export / ended after shutdown.
  std::uint64_t exported() const noexcept { return exported_.load(); }
  std::uint64_t failed() const noexcept { return failed_.load(); }
  std::uint64_t dropped() const noexcept { return dropped_.load(); }

 private:
  std::mutex mutex_;
  std::unique_ptr<SpanExporter> exporter_;
  bool shut_down_ = false;
  std::atomic<std::uint64_t> exported_{0};
  std::atomic<std::uint64_t> rejected_{0};
  std::atomic<std::uint64_t> failed_{0};
  std::atomic<std::uint64_t> dropped_{0};
  // A child forked while a parent thread exports must not inherit the mutex held.
  detail::ForkHooks fork_hooks_ = detail::mutex_fork_hooks(detail::ForkHooks::Order::processor, mutex_);
};

}  // namespace v0
}  // namespace tracewire
