// BatchSpanProcessor: queues ended spans and exports them in batches on its own thread.
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "tracewire/core/logger.hpp"
#include "tracewire/export/span_exporter.hpp"
#include "tracewire/trace/detail/bounded_queue.hpp"
#include "tracewire/trace/detail/span_record_pool.hpp"
#include "tracewire/trace/span_processor.hpp"

namespace tracewire {
inline namespace v0 {

/// Settings of the batch processor; defaults are the specification's (OTEL_BSP_*).
struct BatchSpanProcessorOptions {
  std::size_t max_queue_size = 2048;                        ///< OTEL_BSP_MAX_QUEUE_SIZE (rounded up to a power of two)
  std::size_t max_export_batch_size = 512;                  ///< OTEL_BSP_MAX_EXPORT_BATCH_SIZE (≤ queue size)
  std::chrono::milliseconds schedule_delay{5000};           ///< OTEL_BSP_SCHEDULE_DELAY
  std::chrono::milliseconds export_timeout{30000};          ///< OTEL_BSP_EXPORT_TIMEOUT
};

/// What happened to the spans this processor received. At any quiet moment (after
/// force_flush) `received == exported + failed + dropped_queue_full + dropped_after_shutdown`.
struct BatchSpanProcessorStats {
  std::uint64_t received = 0;
  std::uint64_t exported = 0;
  std::uint64_t failed = 0;              ///< in batches the exporter reported lost
  std::uint64_t dropped_queue_full = 0;  ///< the queue was full: dropped, never waited for
  std::uint64_t dropped_after_shutdown = 0;
};

/// The production processor. `on_end` pushes the record into a bounded lock-free queue and
/// returns: the application thread never waits for the exporter, and when the queue is full
/// the span is dropped and counted (a warning is logged at most once a minute). A worker
/// thread wakes when a batch's worth of spans is queued, when the schedule delay passes, or
/// on force_flush, and exports batches of at most `max_export_batch_size` (one export at a
/// time). `shutdown` exports everything that ended before it, then stops the worker.
///
/// **Example**: `std::make_unique<BatchSpanProcessor>(std::make_unique<ConsoleExporter>())`
class BatchSpanProcessor final : public SpanProcessor {
 public:
  explicit BatchSpanProcessor(std::unique_ptr<SpanExporter> exporter, BatchSpanProcessorOptions options = {})
      : options_(sanitize(options)),
        exporter_(std::move(exporter)),
        queue_(options_.max_queue_size),
        worker_([this] { run(); }) {}

  ~BatchSpanProcessor() override {
    shutdown();
    drop_leftovers();
  }
  BatchSpanProcessor(const BatchSpanProcessor&) = delete;
  BatchSpanProcessor& operator=(const BatchSpanProcessor&) = delete;

  void on_end(SpanDataPtr span) noexcept override {
    if (!span->context().sampled()) return;
    if (stopping_.load(std::memory_order_relaxed)) {
      dropped_after_shutdown_.fetch_add(1, std::memory_order_relaxed);
      return;
    }
    std::size_t position = 0;
    if (!queue_.try_push(span.get(), position)) {
      dropped_queue_full_.fetch_add(1, std::memory_order_relaxed);
      static detail::RateLimitedLog full_queue_log;
      full_queue_log(LogLevel::warn, "BatchSpanProcessor queue full ({} spans): dropping spans; raise "
                     "OTEL_BSP_MAX_QUEUE_SIZE or check the exporter", queue_.capacity());
      return;
    }
    (void)span.release();  // the queue holds the reference now
    // Every full batch wakes a sleeping worker; the check is a read of a rarely written flag.
    if ((position + 1) % options_.max_export_batch_size == 0 && worker_waiting_.load(std::memory_order_relaxed)) {
      wake_.notify_one();
    }
  }

  bool force_flush(std::chrono::milliseconds timeout = std::chrono::milliseconds(30000)) noexcept override {
    std::unique_lock<std::mutex> lock(mutex_);
    if (worker_exited_) return true;
    const std::uint64_t ticket = ++flush_requested_;
    wake_.notify_one();
    const bool flushed = flushed_.wait_for(lock, timeout, [&] { return flush_completed_ >= ticket || worker_exited_; });
    lock.unlock();
    return flushed && exporter_->force_flush(timeout);
  }

  bool shutdown(std::chrono::milliseconds timeout = std::chrono::milliseconds(30000)) noexcept override {
    std::unique_lock<std::mutex> lock(mutex_);
    if (shutdown_called_) return true;
    shutdown_called_ = true;
    stopping_.store(true);
    wake_.notify_one();
    const bool drained = flushed_.wait_for(lock, timeout, [&] { return worker_exited_; });
    lock.unlock();
    // The exporter bounds each export by its own timeout, so the worker does finish; joining
    // here keeps the thread from outliving the processor.
    if (worker_.joinable()) worker_.join();
    drop_leftovers();
    return exporter_->shutdown(timeout) && drained;
  }

  std::string describe() const override {
    return fmt::format("BatchSpanProcessor{{max_queue={}, batch={}, delay={}ms, timeout={}ms, exporter={}}}",
                       queue_.capacity(), options_.max_export_batch_size, options_.schedule_delay.count(),
                       options_.export_timeout.count(), exporter_->describe());
  }

  BatchSpanProcessorStats stats() const noexcept {
    BatchSpanProcessorStats stats;
    stats.exported = exported_.load();
    stats.failed = failed_.load();
    stats.dropped_queue_full = dropped_queue_full_.load();
    stats.dropped_after_shutdown = dropped_after_shutdown_.load();
    stats.received = stats.exported + stats.failed + stats.dropped_queue_full + stats.dropped_after_shutdown +
                     queue_.size_estimate() + in_export_.load();
    return stats;
  }

  const BatchSpanProcessorOptions& options() const noexcept { return options_; }

 private:
  static BatchSpanProcessorOptions sanitize(BatchSpanProcessorOptions options) {
    options.max_queue_size = std::max<std::size_t>(options.max_queue_size, 1);
    options.max_export_batch_size = std::clamp<std::size_t>(options.max_export_batch_size, 1, options.max_queue_size);
    if (options.schedule_delay.count() <= 0) options.schedule_delay = std::chrono::milliseconds(1);
    return options;
  }

  void run() {
    std::vector<SpanDataPtr> batch;
    std::vector<const SpanData*> views;
    batch.reserve(options_.max_export_batch_size);
    views.reserve(options_.max_export_batch_size);
    std::unique_lock<std::mutex> lock(mutex_);
    for (;;) {
      worker_waiting_.store(true, std::memory_order_relaxed);
      wake_.wait_for(lock, options_.schedule_delay, [&] {
        return stopping_.load() || flush_requested_ > flush_completed_ ||
               queue_.size_estimate() >= options_.max_export_batch_size;
      });
      worker_waiting_.store(false, std::memory_order_relaxed);
      const bool stop = stopping_.load();
      const std::uint64_t flush_ticket = flush_requested_;
      lock.unlock();
      export_queued(batch, views);
      lock.lock();
      flush_completed_ = flush_ticket;
      if (stop) break;
      flushed_.notify_all();
    }
    worker_exited_ = true;
    flushed_.notify_all();
  }

  /// Exports everything queued now, in batches.
  void export_queued(std::vector<SpanDataPtr>& batch, std::vector<const SpanData*>& views) {
    for (;;) {
      // This worker is the queue's only consumer while it runs, so it claims records in
      // runs without a compare-and-swap per record.
      while (batch.size() < options_.max_export_batch_size) {
        SpanData* records[64];
        const std::size_t wanted = std::min<std::size_t>(64, options_.max_export_batch_size - batch.size());
        const std::size_t count = queue_.try_pop_many_single_consumer(records, wanted);
        for (std::size_t i = 0; i < count; ++i) {
          batch.push_back(SpanDataPtr::adopt(records[i]));
          views.push_back(records[i]);
        }
        if (count < wanted) break;
      }
      if (batch.empty()) return;
      in_export_.store(batch.size());
      const ExportResult result = exporter_->export_spans(ArrayView<const SpanData*>(views.data(), views.size()));
      (result == ExportResult::success ? exported_ : failed_).fetch_add(batch.size());
      in_export_.store(0);
      views.clear();
      batch.clear();  // records go back to their pool here, on the worker thread
      detail::SpanRecordPool::flush_returns();
    }
  }

  /// Releases records a producer queued after the worker's last drain (it read
  /// `stopping_` just before shutdown began); they are counted as dropped after shutdown.
  void drop_leftovers() noexcept {
    while (SpanData* record = queue_.try_pop()) {
      SpanDataPtr::adopt(record);
      dropped_after_shutdown_.fetch_add(1, std::memory_order_relaxed);
    }
  }

  BatchSpanProcessorOptions options_;
  std::unique_ptr<SpanExporter> exporter_;
  detail::BoundedQueue<SpanData> queue_;

  std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable flushed_;
  std::uint64_t flush_requested_ = 0;
  std::uint64_t flush_completed_ = 0;
  bool shutdown_called_ = false;
  bool worker_exited_ = false;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> worker_waiting_{false};

  std::atomic<std::uint64_t> exported_{0};
  std::atomic<std::uint64_t> failed_{0};
  std::atomic<std::uint64_t> dropped_queue_full_{0};
  std::atomic<std::uint64_t> dropped_after_shutdown_{0};
  std::atomic<std::size_t> in_export_{0};

  std::thread worker_;  // last: starts after everything it uses is constructed
};

}  // namespace v0
}  // namespace tracewire
