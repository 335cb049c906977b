// BoundedQueue: the lock-free ring between application threads and the exporter thread.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>

namespace tracewire {
inline namespace v0 {
namespace detail {

inline constexpr std::size_t cache_line_size = 64;

/// A bounded multi-producer multi-consumer queue of pointers (Dmitry Vyukov's design):
/// each cell carries a sequence number that tells producers and consumers whose turn it
/// is, so neither side ever takes a lock or waits. `try_push` fails immediately when full.
/// The capacity is rounded up to a power of two.
template <class T>
class BoundedQueue {
 public:
  explicit BoundedQueue(std::size_t capacity) : mask_(round_up_pow2(capacity < 2 ? 2 : capacity) - 1) {
    cells_ = std::make_unique<Cell[]>(mask_ + 1);
    clear_abandoning();
  }

  /// Empties the queue without popping: what it held is forgotten, not released. Only while
  /// no other thread uses the queue — in a forked child, whose queue holds the parent's
  /// values, half-pushed ones included.
  void clear_abandoning() noexcept {
    for (std::size_t i = 0; i <= mask_; ++i) cells_[i].sequence.store(i, std::memory_order_relaxed);
    enqueue_pos_.store(0, std::memory_order_relaxed);
    dequeue_pos_.store(0, std::memory_order_relaxed);
  }

  std::size_t capacity() const noexcept { return mask_ + 1; }

  /// Pushes `value`; returns false (and leaves `value` untouched) when full. On success
  /// `position`, if given, receives the running count of pushes before this one (the batch
  /// processor's wake-up reads it).
  bool try_push(T* value, std::size_t* position = nullptr) noexcept {
    std::size_t pos = enqueue_pos_.load(std::memory_order_relaxed);
    for (;;) {
      Cell& cell = cells_[pos & mask_];
      const std::size_t sequence = cell.sequence.load(std::memory_order_acquire);
      const auto difference = static_cast<std::intptr_t>(sequence) - static_cast<std::intptr_t>(pos);
      if (difference == 0) {
        // seq_cst (free on x86, where every locked instruction is a full barrier): a
        // producer's claim and its next seq_cst load are ordered, which the batch
        // processor's wake-up protocol relies on.
        if (enqueue_pos_.compare_exchange_weak(pos, pos + 1, std::memory_order_seq_cst, std::memory_order_relaxed)) {
          cell.value = value;
          cell.sequence.store(pos + 1, std::memory_order_release);
          if (position) *position = pos;
          prefetch_for_write(&cells_[(pos + prefetch_cells) & mask_]);
          return true;
        }
      } else if (difference < 0) {
        return false;
      } else {
        pos = enqueue_pos_.load(std::memory_order_relaxed);
      }
    }
  }

  /// Pops the oldest value, or returns nullptr when empty.
  T* try_pop() noexcept {
    std::size_t pos = dequeue_pos_.load(std::memory_order_relaxed);
    for (;;) {
      Cell& cell = cells_[pos & mask_];
      const std::size_t sequence = cell.sequence.load(std::memory_order_acquire);
      const auto difference = static_cast<std::intptr_t>(sequence) - static_cast<std::intptr_t>(pos + 1);
      if (difference == 0) {
        if (dequeue_pos_.compare_exchange_weak(pos, pos + 1, std::memory_order_relaxed)) {
          T* value = cell.value;
          cell.sequence.store(pos + mask_ + 1, std::memory_order_release);
          return value;
        }
      } else if (difference < 0) {
        return nullptr;
      } else {
        pos = dequeue_pos_.load(std::memory_order_relaxed);
      }
    }
  }

  /// Pops up to `max` of the oldest values into `out` and returns how many. Only for a
  /// moment when no other thread pops (a pool's owner): it claims them with one plain store
  /// instead of a compare-and-swap per value.
  std::size_t try_pop_many_single_consumer(T** out, std::size_t max) noexcept {
    std::size_t pos = dequeue_pos_.load(std::memory_order_relaxed);
    std::size_t count = 0;
    for (; count < max; ++count, ++pos) {
      Cell& cell = cells_[pos & mask_];
      if (cell.sequence.load(std::memory_order_acquire) != pos + 1) break;
      out[count] = cell.value;
      cell.sequence.store(pos + mask_ + 1, std::memory_order_release);
    }
    dequeue_pos_.store(pos, std::memory_order_relaxed);
    return count;
  }

  /// How many pushes have claimed a cell so far, read in the single total order of seq_cst
  /// operations (see BatchSpanProcessor's wake-up).
  std::size_t pushes() const noexcept { return enqueue_pos_.load(std::memory_order_seq_cst); }
  /// How many values have been popped so far.
  std::size_t pops() const noexcept { return dequeue_pos_.load(std::memory_order_relaxed); }

  /// An estimate of the number of queued values (exact when nobody is pushing or popping).
  std::size_t size_estimate() const noexcept {
    const std::size_t pushed = enqueue_pos_.load(std::memory_order_relaxed);
    const std::size_t popped = dequeue_pos_.load(std::memory_order_relaxed);
    return pushed > popped ? pushed - popped : 0;
  }

 private:
  struct Cell {
    std::atomic<std::size_t> sequence;
    T* value = nullptr;
  };

  // The consumer last wrote the cells a producer is about to reuse; fetching such a line
  // from the other core costs more than a span, so producers ask for it a few pushes early.
  static constexpr std::size_t prefetch_cells = 16;  // 4 cache lines of 16-byte cells ahead
  static void prefetch_for_write(const void* address) noexcept {
#if defined(__GNUC__)
    __builtin_prefetch(address, 1, 3);
#else
    (void)address;
#endif
  }

  static std::size_t round_up_pow2(std::size_t n) noexcept {
    std::size_t power = 1;
    while (power < n) power <<= 1;
    return power;
  }

  std::size_t mask_;
  std::unique_ptr<Cell[]> cells_;
  alignas(cache_line_size) std::atomic<std::size_t> enqueue_pos_{0};
  alignas(cache_line_size) std::atomic<std::size_t> dequeue_pos_{0};
};

}  // namespace detail
}  // namespace v0
}  // namespace tracewire
