// WakeSignal: how a producer wakes a sleeping worker without a lock, never lost.
#pragma once

#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <ctime>
#include <mutex>
#include <new>

#if defined(__linux__)
#include <semaphore.h>
#endif

namespace tracewire {
inline namespace v0 {
namespace detail {

/// A counting wake-up between threads. `notify` may come from any thread at any time and is
/// never lost: a notify that arrives before the worker sleeps makes its next wait return at
/// once (a condition variable would need the producer to take the worker's mutex for that
/// guarantee, a lock on the span path). On Linux it is a POSIX semaphore, whose post is an
/// atomic increment plus a futex wake only when the worker sleeps; elsewhere a mutex and a
/// condition variable. `wait_until` consumes every notification given so far.
class WakeSignal {
 public:
  WakeSignal() noexcept { init(); }
  ~WakeSignal() {
#if defined(__linux__)
    sem_destroy(&semaphore_);
#endif
  }
  WakeSignal(const WakeSignal&) = delete;
  WakeSignal& operator=(const WakeSignal&) = delete;

  void notify() noexcept {
#if defined(__linux__)
    sem_post(&semaphore_);
#else
    {
      std::lock_guard<std::mutex> lock(mutex_);
      notified_ = true;
    }
    condition_.notify_one();
#endif
  }

  /// Sleeps until notified or `deadline`.
  void wait_until(std::chrono::steady_clock::time_point deadline) noexcept {
#if defined(__linux__)
    // steady_clock is CLOCK_MONOTONIC with libstdc++ and libc++ on Linux.
    const auto since_epoch = deadline.time_since_epoch();
    const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(since_epoch);
    timespec when{};
    when.tv_sec = static_cast<std::time_t>(seconds.count());
    when.tv_nsec =
        static_cast<long>(std::chrono::duration_cast<std::chrono::nanoseconds>(since_epoch - seconds).count());
    while (sem_clockwait(&semaphore_, CLOCK_MONOTONIC, &when) != 0 && errno == EINTR) {}
    while (sem_trywait(&semaphore_) == 0) {  // one wake-up for all the notifications so far
    }
#else
    std::unique_lock<std::mutex> lock(mutex_);
    condition_.wait_until(lock, deadline, [this] { return notified_; });
    notified_ = false;
#endif
  }

  /// In a forked child: the parent's waiter does not exist here; start afresh.
  void reset_in_child() noexcept {
#if defined(__linux__)
    init();
#else
    new (&mutex_) std::mutex();
    new (&condition_) std::condition_variable();
    notified_ = false;
#endif
  }

 private:
  void init() noexcept {
#if defined(__linux__)
    sem_init(&semaphore_, 0, 0);
#endif
  }

#if defined(__linux__)
  sem_t semaphore_;
#else
  std::mutex mutex_;
  std::condition_variable condition_;
  bool notified_ = false;
#endif
};

}  // namespace detail
}  // namespace v0
}  // namespace tracewire
