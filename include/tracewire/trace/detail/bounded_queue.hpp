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
    for (std::size_t i = 0; i <= mask_; ++i) cells_[i].sequence.store(i, std::memory_order_relaxed);
  }

  std::size_t capacity() const noexcept { return mask_ + 1; }

  /// Pushes `value`; returns false (and leaves `value` untouched) when full. On success
  /// `position` receives the running count of pushes before this one.
  bool try_push(T* value, std::size_t& position) noexcept {
    std::size_t pos = enqueue_pos_.load(std::memory_order_relaxed);
    for (;;) {
      Cell& cell = cells_[pos & mask_];
      const std::size_t sequence = cell.sequence.load(std::memory_order_acquire);
      const auto difference = static_cast<std::intptr_t>(sequence) - static_cast<std::intptr_t>(pos);
      if (difference == 0) {
        if (enqueue_pos_.compare_exchange_weak(pos, pos + 1, std::memory_order_relaxed)) {
          cell.value = value;
          cell.sequence.store(pos + 1, std::memory_order_release);
          position = pos;
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
