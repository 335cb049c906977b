// BatchSpanProcessor: queues ended spans and exports them in batches on its own thread.
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <new>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "tracewire/core/detail/fork_hooks.hpp"
#include "tracewire/core/logger.hpp"
#include "tracewire/trace/span_exporter.hpp"
#include "tracewire/trace/detail/bounded_queue.hpp"
#include "tracewire/trace/detail/span_record_pool.hpp"
#include "tracewire/trace/detail/wake_signal.hpp"
#include "tracewire/trace/span_processor.hpp"

namespace tracewire {
inline namespace v0 {

/// Settings of the batch processor; defaults are the specification's (OTEL_BSP_*).
struct BatchSpanProcessorOptions {
  /// The largest queue: 16 bytes per slot are committed up front.
  static constexpr std::size_t max_queue_capacity = std::size_t{1} << 18;

  std::size_t max_queue_size =
      2048;  ///< OTEL_BSP_MAX_QUEUE_SIZE (rounded up to a power of two, at most max_queue_capacity)
  std::size_t max_export_batch_size = 512;          ///< OTEL_BSP_MAX_EXPORT_BATCH_SIZE (≤ queue size)
  std::chrono::milliseconds schedule_delay{5000};   ///< OTEL_BSP_SCHEDULE_DELAY
  std::chrono::milliseconds export_timeout{30000};  ///< OTEL_BSP_EXPORT_TIMEOUT: bounds each export
};

/// The batch processor's counters (see ProcessorStats).
using BatchSpanProcessorStats = ProcessorStats;

namespace detail {

/// What a BatchSpanProcessor shares with its worker thread. The worker holds it too, so
/// that a worker still inside an exporter that ignores every deadline can be left behind
/// by `shutdown` (which must return in time) and finish later without touching a destroyed
/// processor.
struct BatchPipeline {
  BatchPipeline(std::unique_ptr<SpanExporter> exporter_, BatchSpanProcessorOptions options_)
      : options(options_),
        exporter(std::move(exporter_)),
        queue(options.max_queue_size),
        next_wake_position(options.max_export_batch_size - 1) {}

  ~BatchPipeline() {
    // Records a producer queued after the worker's last drain (it read `stopping` just before
    // shutdown began) go back to their pools.
    while (SpanData* record = queue.try_pop()) SpanDataPtr::adopt(record);
  }

  const BatchSpanProcessorOptions options;
  const std::unique_ptr<SpanExporter> exporter;
  BoundedQueue<SpanData> queue;
  WakeSignal wake;
  /// A producer whose push reaches this position wakes the worker: a batch is ready. Set by
  /// the worker before it sleeps, from what it has taken so far.
  std::atomic<std::size_t> next_wake_position;

  std::atomic<bool> stopping{false};
  std::atomic<std::uint64_t> exported{0};
  std::atomic<std::uint64_t> rejected{0};
  std::atomic<std::uint64_t> failed{0};
  std::atomic<std::uint64_t> dropped_queue_full{0};
  std::atomic<std::uint64_t> dropped_after_shutdown{0};
  std::atomic<std::uint64_t> in_export{0};

  // Flush and shutdown hand-shakes with the worker (never on the span path).
  std::mutex mutex;
  std::condition_variable progress;
  std::uint64_t flush_requested = 0;
  std::uint64_t flush_completed = 0;
  /// Shutdown's deadline, set before `stopping` (read by the worker before each batch).
  std::atomic<std::chrono::steady_clock::time_point> stop_deadline{std::chrono::steady_clock::time_point::max()};
  std::uint64_t late_drops = 0;  // spans still queued when the shutdown deadline passed
  bool worker_running = false;
  std::uint32_t worker_generation = fork_generation();  // the process the worker runs in
  std::thread worker;
};

}  // namespace detail

/// The production processor. `on_end` pushes the record into a bounded lock-free queue and
/// returns: the application thread never waits for the exporter and never takes a lock. A
/// full queue drops the span and counts it (an atomic increment); the worker reports drops
/// (at most once a minute). The worker wakes when a batch's worth of spans is queued (a
/// wake-up that is never lost), when the schedule delay passes, or on force_flush, and
/// exports batches of at most `max_export_batch_size`, one export at a time.
///
/// Deadlines hold whatever the exporter does: each export is bounded by `export_timeout`
/// (and by the deadline of the force_flush or shutdown it serves), passed to the exporter
/// as `export_spans_until`'s deadline; `force_flush(t)` and `shutdown(t)` return within `t`
/// plus 250 ms at most. Spans that could not be exported by the shutdown deadline are
/// counted as dropped after shutdown and reported once. An exporter that ignores its
/// deadline is left to finish on its own thread.
///
/// After `fork()`, the child gets a working pipeline of its own: an empty queue (the
/// parent's queued spans stay the parent's to export), fresh counters, no inherited locks,
/// and a worker started with the child's first span.
///
/// **Example**: `std::make_unique<BatchSpanProcessor>(std::make_unique<ConsoleExporter>())`
class BatchSpanProcessor final : public SpanProcessor {
 public:
  explicit BatchSpanProcessor(std::unique_ptr<SpanExporter> exporter, BatchSpanProcessorOptions options = {})
      : pipeline_(std::make_shared<detail::BatchPipeline>(std::move(exporter), sanitize(options))),
        fork_hooks_(
            detail::ForkHooks::Order::processor, [this] { pipeline_->mutex.lock(); },
            [this] { pipeline_->mutex.unlock(); }, [this] { reset_in_child(); }) {
    std::lock_guard<std::mutex> lock(pipeline_->mutex);
    start_worker();
  }

  ~BatchSpanProcessor() override { shutdown(); }
  BatchSpanProcessor(const BatchSpanProcessor&) = delete;
  BatchSpanProcessor& operator=(const BatchSpanProcessor&) = delete;

  void on_end(SpanDataPtr span) noexcept override {
    if (!span->context().sampled()) return;
    detail::BatchPipeline& pipeline = *pipeline_;
    if (pipeline.stopping.load(std::memory_order_relaxed)) {
      pipeline.dropped_after_shutdown.fetch_add(1, std::memory_order_relaxed);
      return;
    }
    if (pipeline.worker_generation != detail::fork_generation()) start_worker_in_child();
    std::size_t position = 0;
    if (!pipeline.queue.try_push(span.get(), &position)) {
      pipeline.dropped_queue_full.fetch_add(1, std::memory_order_relaxed);  // reported by the worker
      return;
    }
    (void)span.release();  // the queue holds the reference now
    // The worker sleeps until a batch is queued: the push that completes one wakes it. The
    // seq_cst load pairs with the worker's seq_cst store of the mark and its look at the
    // queue (see run): either this push sees the new mark, or the worker sees this push.
    if (position >= pipeline.next_wake_position.load(std::memory_order_seq_cst)) {
      pipeline.next_wake_position.store(position + pipeline.options.max_export_batch_size, std::memory_order_relaxed);
      pipeline.wake.notify();
    }
  }

  bool force_flush(std::chrono::milliseconds timeout = default_flush_timeout) noexcept override {
    const auto deadline = deadline_after(timeout);
    detail::BatchPipeline& pipeline = *pipeline_;
    std::unique_lock<std::mutex> lock(pipeline.mutex);
    if (!pipeline.worker_running) return true;
    const std::uint64_t ticket = ++pipeline.flush_requested;
    pipeline.wake.notify();
    const bool flushed = pipeline.progress.wait_until(
        lock, deadline, [&] { return pipeline.flush_completed >= ticket || !pipeline.worker_running; });
    lock.unlock();
    return flushed && pipeline.exporter->force_flush(remaining(deadline));
  }

  bool shutdown(std::chrono::milliseconds timeout = default_flush_timeout) noexcept override {
    const auto deadline = deadline_after(timeout);
    detail::BatchPipeline& pipeline = *pipeline_;
    std::unique_lock<std::mutex> lock(pipeline.mutex);
    if (shutdown_called_) return true;
    shutdown_called_ = true;
    pipeline.stop_deadline.store(deadline);
    pipeline.stopping.store(true);
    pipeline.wake.notify();
    bool exited = pipeline.progress.wait_until(lock, deadline, [&] { return !pipeline.worker_running; });
    if (!exited) {
      // The exporter is past the deadline: ask it to give up (the built-in ones interrupt
      // their transfer), and wait a moment for it.
      lock.unlock();
      pipeline.exporter->shutdown(std::chrono::milliseconds(0));
      lock.lock();
      exited = pipeline.progress.wait_until(lock, std::chrono::steady_clock::now() + abandon_grace,
                                            [&] { return !pipeline.worker_running; });
    }
    const std::uint64_t left = pipeline.queue.size_estimate() + pipeline.in_export.load();
    const std::uint64_t late_drops = pipeline.late_drops;
    lock.unlock();
    if (!exited) {
      if (pipeline.worker.joinable()) pipeline.worker.detach();  // it still holds the pipeline
      detail::log(LogLevel::warn,
                  "BatchSpanProcessor shutdown: the exporter did not return within {} ms; {} spans not exported "
                  "(counted as dropped after shutdown), {}",
                  timeout.count(), left, pipeline.exporter->describe());
      return false;
    }
    if (pipeline.worker.joinable() && pipeline.worker.get_id() != std::this_thread::get_id()) pipeline.worker.join();
    // A producer may have queued a span after the worker's last drain (it read `stopping`
    // just before shutdown began).
    while (SpanData* record = pipeline.queue.try_pop()) {
      SpanDataPtr::adopt(record);
      pipeline.dropped_after_shutdown.fetch_add(1);
    }
    if (late_drops > 0) {
      detail::log(LogLevel::warn,
                  "BatchSpanProcessor shutdown: {} spans were still queued at the deadline ({} ms) "
                  "and were dropped",
                  late_drops, timeout.count());
    }
    return pipeline.exporter->shutdown(remaining(deadline)) && late_drops == 0;
  }

  std::string describe() const override {
    const detail::BatchPipeline& pipeline = *pipeline_;
    return fmt::format("BatchSpanProcessor{{max_queue={}, batch={}, delay={}ms, timeout={}ms, exporter={}}}",
                       pipeline.queue.capacity(), pipeline.options.max_export_batch_size,
                       pipeline.options.schedule_delay.count(), pipeline.options.export_timeout.count(),
                       pipeline.exporter->describe());
  }

  ProcessorStats stats() const noexcept override {
    const detail::BatchPipeline& pipeline = *pipeline_;
    ProcessorStats stats;
    stats.exported = pipeline.exported.load();
    stats.rejected = pipeline.rejected.load();
    stats.failed = pipeline.failed.load();
    stats.dropped_queue_full = pipeline.dropped_queue_full.load();
    stats.dropped_after_shutdown = pipeline.dropped_after_shutdown.load();
    stats.queued = pipeline.queue.size_estimate() + pipeline.in_export.load();
    stats.received = stats.exported + stats.rejected + stats.failed + stats.dropped_queue_full +
                     stats.dropped_after_shutdown + stats.queued;
    return stats;
  }

  const BatchSpanProcessorOptions& options() const noexcept { return pipeline_->options; }

 private:
  /// How long shutdown still waits, after its deadline, for an exporter it asked to stop.
  static constexpr std::chrono::milliseconds abandon_grace{250};

  static BatchSpanProcessorOptions sanitize(BatchSpanProcessorOptions options) {
    options.max_queue_size =
        std::clamp<std::size_t>(options.max_queue_size, 1, BatchSpanProcessorOptions::max_queue_capacity);
    options.max_export_batch_size = std::clamp<std::size_t>(options.max_export_batch_size, 1, options.max_queue_size);
    if (options.schedule_delay.count() <= 0) options.schedule_delay = std::chrono::milliseconds(1);
    if (options.export_timeout.count() <= 0) options.export_timeout = default_flush_timeout;
    return options;
  }

  static std::chrono::steady_clock::time_point deadline_after(std::chrono::milliseconds timeout) noexcept {
    const auto now = std::chrono::steady_clock::now();
    // A huge timeout means "no deadline", not an overflow.
    return timeout >= std::chrono::hours(24 * 365) ? std::chrono::steady_clock::time_point::max()
                                                   : now + std::max(timeout, std::chrono::milliseconds(0));
  }
  static std::chrono::milliseconds remaining(std::chrono::steady_clock::time_point deadline) noexcept {
    const auto now = std::chrono::steady_clock::now();
    if (deadline <= now) return std::chrono::milliseconds(0);
    if (deadline == std::chrono::steady_clock::time_point::max()) return std::chrono::hours(24 * 365);
    return std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now);
  }

  /// Starts the worker (the pipeline's mutex held). It holds the pipeline, not the processor.
  void start_worker() {
    detail::BatchPipeline& pipeline = *pipeline_;
    pipeline.worker_running = true;
    pipeline.worker_generation = detail::fork_generation();
    try {
      // Constructed over the previous std::thread, which in a forked child names a thread
      // of the parent: it is neither joined nor destroyed.
      new (&pipeline.worker) std::thread([pipeline = pipeline_] { run(*pipeline); });
    } catch (...) {
      pipeline.worker_running = false;  // no thread: spans wait in the queue, then count as dropped
    }
  }

  /// The first span a forked child ends: start the child's worker.
  void start_worker_in_child() noexcept {
    detail::BatchPipeline& pipeline = *pipeline_;
    std::lock_guard<std::mutex> lock(pipeline.mutex);
    if (pipeline.worker_generation == detail::fork_generation() || shutdown_called_) return;
    start_worker();
  }

  /// In a forked child (the only thread): everything the parent's worker was doing is the
  /// parent's; the queue's spans are the parent's to export.
  void reset_in_child() noexcept {
    detail::BatchPipeline& pipeline = *pipeline_;
    pipeline.mutex.unlock();  // locked by the prepare hook in this very thread
    new (&pipeline.progress) std::condition_variable();
    pipeline.wake.reset_in_child();
    pipeline.queue.clear_abandoning();
    pipeline.next_wake_position.store(pipeline.options.max_export_batch_size - 1);
    for (auto* counter : {&pipeline.exported, &pipeline.rejected, &pipeline.failed, &pipeline.dropped_queue_full,
                          &pipeline.dropped_after_shutdown, &pipeline.in_export}) {
      counter->store(0);
    }
    pipeline.flush_requested = pipeline.flush_completed = 0;
    pipeline.late_drops = 0;
    pipeline.worker_running = false;       // started by the child's first span (worker_generation differs)
    new (&pipeline.worker) std::thread();  // over the parent's, which this process must not join
  }

  /// The worker thread.
  static void run(detail::BatchPipeline& pipeline) {
    std::vector<SpanDataPtr> batch;
    std::vector<const SpanData*> views;
    batch.reserve(pipeline.options.max_export_batch_size);
    views.reserve(pipeline.options.max_export_batch_size);
    std::uint64_t reported_drops = 0;
    static detail::RateLimitedLog full_queue_log;
    for (;;) {
      const auto next_export = std::chrono::steady_clock::now() + pipeline.options.schedule_delay;
      std::uint64_t flush_ticket = 0;
      bool stop = false;
      bool drain_all = false;  // woken by the timer, a flush or shutdown: partial batches go too
      for (;;) {
        bool flush = false;
        {
          std::lock_guard<std::mutex> lock(pipeline.mutex);
          flush_ticket = pipeline.flush_requested;
          flush = flush_ticket > pipeline.flush_completed;
          stop = pipeline.stopping.load();
        }
        if (stop || flush || std::chrono::steady_clock::now() >= next_export) {
          drain_all = true;
          break;
        }
        const std::size_t batch_size = pipeline.options.max_export_batch_size;
        if (pipeline.queue.size_estimate() >= batch_size) break;
        // Asks for a wake-up when a whole batch is queued again (counting from what this
        // worker has taken), then looks once more: a producer that pushed past the mark
        // before it was stored did not see it, but is seen here.
        const std::size_t popped = pipeline.queue.pops();
        pipeline.next_wake_position.store(popped + batch_size - 1, std::memory_order_seq_cst);
        if (pipeline.queue.pushes() - popped >= batch_size) break;
        pipeline.wake.wait_until(next_export);
      }
      const std::uint64_t late_drops = export_queued(pipeline, batch, views, drain_all);
      stop = stop || pipeline.stopping.load();  // a shutdown during the exports: they drained the queue

      const std::uint64_t drops = pipeline.dropped_queue_full.load(std::memory_order_relaxed);
      if (drops != reported_drops) {
        full_queue_log(LogLevel::warn,
                       "BatchSpanProcessor queue full ({} spans): {} spans dropped so far; raise "
                       "OTEL_BSP_MAX_QUEUE_SIZE or check the exporter",
                       pipeline.queue.capacity(), drops);
        reported_drops = drops;
      }
      {
        std::lock_guard<std::mutex> lock(pipeline.mutex);
        pipeline.flush_completed = std::max(pipeline.flush_completed, flush_ticket);
        pipeline.late_drops += late_drops;
        if (stop) pipeline.worker_running = false;
      }
      pipeline.progress.notify_all();
      if (stop) return;
    }
  }

  /// Exports what is queued now in batches — every span if `drain_all` (or once shutdown
  /// has begun), else full batches only (the rest waits for the next full batch or the
  /// timer, so a burst taken in two halves is not left half-exported) — each within the
  /// export timeout and, once shutdown has begun, within its deadline: after that, what is
  /// left is dropped and counted; returns how many.
  static std::uint64_t export_queued(detail::BatchPipeline& pipeline, std::vector<SpanDataPtr>& batch,
                                     std::vector<const SpanData*>& views, bool drain_all) {
    const std::size_t batch_size = pipeline.options.max_export_batch_size;
    std::uint64_t late_drops = 0;
    for (;;) {
      if (!drain_all && !pipeline.stopping.load() && pipeline.queue.size_estimate() < batch_size) return late_drops;
      // This worker is the queue's only consumer while it runs, so it claims records in
      // runs without a compare-and-swap per record.
      while (batch.size() < batch_size) {
        SpanData* records[64];
        const std::size_t wanted = std::min<std::size_t>(64, batch_size - batch.size());
        const std::size_t count = pipeline.queue.try_pop_many_single_consumer(records, wanted);
        for (std::size_t i = 0; i < count; ++i) {
          batch.push_back(SpanDataPtr::adopt(records[i]));
          views.push_back(records[i]);
        }
        if (count < wanted) break;
      }
      if (batch.empty()) return late_drops;
      const auto now = std::chrono::steady_clock::now();
      const bool stopping = pipeline.stopping.load();
      const auto deadline = stopping ? pipeline.stop_deadline.load() : std::chrono::steady_clock::time_point::max();
      if (stopping && now >= deadline) {
        pipeline.dropped_after_shutdown.fetch_add(batch.size());
        late_drops += batch.size();
      } else {
        pipeline.in_export.store(batch.size());
        const auto export_deadline = stopping ? std::min(deadline, now + pipeline.options.export_timeout)
                                              : now + pipeline.options.export_timeout;
        const ExportResult result = pipeline.exporter->export_spans_until(
            ArrayView<const SpanData*>(views.data(), views.size()), export_deadline);
        if (result == ExportResult::success) {
          const std::uint64_t rejected = std::min<std::uint64_t>(result.rejected(), batch.size());
          pipeline.exported.fetch_add(batch.size() - rejected);
          pipeline.rejected.fetch_add(rejected);
        } else {
          pipeline.failed.fetch_add(batch.size());
        }
        pipeline.in_export.store(0);
      }
      views.clear();
      batch.clear();  // records go back to their pool here, on the worker thread
      detail::SpanRecordPool::flush_returns();
    }
  }

  std::shared_ptr<detail::BatchPipeline> pipeline_;
  bool shutdown_called_ = false;  // under the pipeline's mutex
  detail::ForkHooks fork_hooks_;  // last: unregistered before anything its hooks use is destroyed
};

}  // namespace v0
}  // namespace tracewire
