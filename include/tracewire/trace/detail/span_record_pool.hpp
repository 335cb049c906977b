// SpanRecordPool: recycles span records so a sampled span allocates nothing in steady state.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "tracewire/core/span_data.hpp"
#include "tracewire/trace/detail/bounded_queue.hpp"

namespace tracewire {
inline namespace v0 {
namespace detail {

/// The span records of one application thread. The thread takes records from its own free
/// list with no atomic operation and no lock. Records come back from wherever their last
/// reference is released — usually the exporter thread, which writes none of their lines —
/// through a lock-free queue that the owner drains in bulk every 64 spans (and whenever its
/// free list runs dry), putting them on top so the list stays last-in-first-out.
///
/// Why per thread: a shared pool needs a lock or a CAS on a line every producer writes,
/// and on this class of machine a cache line moving between cores costs more than the
/// whole span. For the same reason the owner, not the exporter thread, resets a record when
/// it reuses it, and prefetches the one line the exporter touched a few spans ahead.
///
/// Records are provider-agnostic (`SpanData::set_origin` is stamped per span), so one pool
/// serves every TracerProvider used on the thread. At most `max_records` are pooled; beyond
/// that (a queue larger than the pool, several slow pipelines) records are plain heap
/// records deleted on release. The pool outlives its thread until every record is back.
class SpanRecordPool final : public SpanDataPool {
 public:
  static constexpr std::size_t max_records = 16384;
  /// How many returned records the owner moves to its free list per step, and how many
  /// spans it starts between two looks at what came back.
  static constexpr std::size_t refill_batch = 64;
  static constexpr std::size_t refill_interval = 64;
  /// How many spans ahead the owner prefetches a record.
  static constexpr std::size_t prefetch_distance = 4;

  /// The calling thread's pool, created on first use and released when the thread exits.
  static SpanRecordPool& for_this_thread() {
    thread_local Owner owner;
    return *owner.pool;
  }

  SpanRecordPool(const SpanRecordPool&) = delete;
  SpanRecordPool& operator=(const SpanRecordPool&) = delete;

  /// A reset record for the owning thread (only the owner may call this). Throws
  /// std::bad_alloc only if a new record cannot be allocated.
  SpanData* acquire() {
    if (free_.empty() || ++acquires_since_refill_ >= refill_interval) refill();
    if (free_.empty()) return make_record();
    SpanData* record = free_.back();
    free_.pop_back();
    record->reset();  // here, not where it was released: see recycle
    // The line the exporter thread read (the reference count) is fetched back from the
    // other core: ask for it a few spans ahead.
    const std::size_t size = free_.size();
    if (size >= prefetch_distance) prefetch_for_write(free_[size - prefetch_distance]);
    return record;
  }

  /// Takes a record back (any thread) for the owner, who resets it when it reuses it: the
  /// returning thread (usually the exporter's) then writes none of the record's lines, which
  /// stay in the owner's cache. Only a record holding more than its arena retains is reset
  /// here, so that a pooled record never keeps more.
  void recycle(SpanData* record) noexcept override {
    if (record->held_excess_storage()) record->reset();
    if (current() == this) {    // a span dropped on its own thread: no atomics needed
      free_.push_back(record);  // never reallocates: reserved for max_records
      return;
    }
    // Elsewhere (the exporter thread), records wait in a small per-thread buffer and go
    // back in runs: one hand-off (reference count pair, read-modify-write) per run, not per record.
    ReturnBuffer& buffer = return_buffer();
    if (buffer.pool != this) buffer.flush();
    buffer.pool = this;
    buffer.records[buffer.count++] = record;
    if (buffer.count == ReturnBuffer::capacity) buffer.flush();
  }

  /// Sends the records released on the calling thread back to their pools now. A batch
  /// processor calls it after each export, so no record waits for the next batch.
  static void flush_returns() noexcept { return_buffer().flush(); }

  /// Records this pool has made and not deleted (free, in flight or being exported).
  std::size_t records() const noexcept { return references_.load(std::memory_order_relaxed) - 1; }

 private:
  /// Owns the thread's pool for the thread's lifetime.
  struct Owner {
    SpanRecordPool* pool = new SpanRecordPool();
    Owner() { current() = pool; }
    ~Owner() {
      current() = nullptr;
      pool->close();
    }
  };

  /// Records released on this (non-owning) thread, all from `pool`, not yet handed back.
  /// Their references keep `pool` alive while `count` is not zero.
  struct ReturnBuffer {
    static constexpr std::size_t capacity = 32;
    SpanRecordPool* pool = nullptr;
    std::size_t count = 0;
    SpanData* records[capacity];

    ReturnBuffer() = default;
    ReturnBuffer(const ReturnBuffer&) = delete;
    ReturnBuffer& operator=(const ReturnBuffer&) = delete;
    ~ReturnBuffer() { flush(); }
    void flush() noexcept {
      if (count) pool->give_back(records, count);
      count = 0;
      pool = nullptr;
    }
  };

  static ReturnBuffer& return_buffer() noexcept {
    thread_local ReturnBuffer buffer;
    return buffer;
  }

  SpanRecordPool() : returned_(max_records) { free_.reserve(max_records); }

  /// Hands `count` reset records back to the owner (any thread but the owner's).
  void give_back(SpanData* const* records, std::size_t count) noexcept {
    // A reference for the duration of the hand-off: once a record is in the queue, another
    // thread may delete it, and with it the pool's last reference.
    references_.fetch_add(1, std::memory_order_relaxed);
    std::size_t deleted = 0;
    for (std::size_t i = 0; i < count; ++i) {
      if (!returned_.try_push(records[i])) {
        delete records[i];  // cannot happen while returned_ holds max_records; kept for safety
        ++deleted;
      }
    }
    // The owner may have exited after its last drain; then whoever returns records drains.
    // This read and the owner's write in close() are read-modify-writes of one atomic, so
    // one of them comes first and sees the other's side: either the owner drains what was
    // pushed here, or this thread sees the owner gone. (A pair of fences would do the same
    // on the hardware, but ThreadSanitizer does not model fences.)
    if (owner_gone_.fetch_or(0, std::memory_order_acq_rel) != 0) deleted += drain_returned();
    release(1 + deleted);  // may delete the pool: nothing touches it after this
  }
  ~SpanRecordPool() = default;

  /// The pool owned by the calling thread (null before its first span and after exit).
  static SpanRecordPool*& current() noexcept {
    thread_local SpanRecordPool* pool = nullptr;
    return pool;
  }

  /// Moves every returned record on top of the free list. Done regularly, not only when the
  /// list is empty, so the free list stays last-in-first-out: the recently used records are
  /// reused while cache-warm, and the ones a burst created rest cold at the bottom. (Refilling
  /// only when empty would cycle every record ever made, e.g. 8192 after one exporter stall,
  /// through the cache.)
  void refill() noexcept {
    acquires_since_refill_ = 0;
    SpanData* records[refill_batch];
    std::size_t count = 0;
    do {
      count = returned_.try_pop_many_single_consumer(records, refill_batch);
      free_.insert(free_.end(), records, records + count);  // within the reserved capacity
    } while (count == refill_batch);
  }

  SpanData* make_record() {
    auto* record = new SpanData();
    if (references_.load(std::memory_order_relaxed) <= max_records) {
      references_.fetch_add(1, std::memory_order_relaxed);
      set_record_pool(*record, this);
    }
    return record;
  }

  static void prefetch_for_write(const SpanData* record) noexcept {
#if defined(__GNUC__)
    // The record's last line (reference count, pool) is the one the releasing thread read;
    // the others stayed in this core's cache, as only the owner writes them. (Prefetching
    // all ten lines measured no better and keeps the line-fill buffers busy.)
    __builtin_prefetch(reinterpret_cast<const char*>(record) + sizeof(SpanData) - 1, 1, 3);
#else
    (void)record;
#endif
  }

  /// The owning thread is exiting: delete idle records; late returns are deleted on arrival.
  void close() noexcept {
    owner_gone_.exchange(1, std::memory_order_acq_rel);  // pairs with give_back's fetch_or
    std::size_t deleted = free_.size();
    for (SpanData* record : free_) delete record;
    free_.clear();
    deleted += drain_returned();
    release(1 + deleted);  // the records' references and the owner's own
  }

  /// Deletes every queued record; returns how many (their references are still held).
  std::size_t drain_returned() noexcept {
    std::size_t deleted = 0;
    for (; SpanData* record = returned_.try_pop(); ++deleted) delete record;
    return deleted;
  }

  void release(std::size_t count) noexcept {
    if (references_.fetch_sub(count, std::memory_order_acq_rel) == count) delete this;
  }

  // The owner's fields on a line of their own: the returning threads read the vtable and
  // the queue's fixed fields at the start of the object, and an owner writing next to them
  // would make every return (and the owner's next span) fetch the line from the other core.
  alignas(cache_line_size) std::vector<SpanData*> free_;  // owner thread only
  std::size_t acquires_since_refill_ = 0;                 // owner thread only
  BoundedQueue<SpanData> returned_;
  std::atomic<std::uint32_t> owner_gone_{0};  // 1 once the owning thread exited
  /// 1 for the owning thread + 1 per pooled record alive + 1 per hand-off in progress; the
  /// pool deletes itself at 0. On its own line: returning threads write it, the owner not.
  alignas(cache_line_size) std::atomic<std::size_t> references_{1};
};

}  // namespace detail
}  // namespace v0
}  // namespace tracewire
