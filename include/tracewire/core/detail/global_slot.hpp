// GlobalSlot: the one way tracewire keeps a process-wide object (logger, provider, propagator).
#pragma once

#include <memory>
#include <mutex>
#include <utility>

#include "tracewire/core/detail/fork_hooks.hpp"

namespace tracewire {
inline namespace v0 {
namespace detail {

/// A process-wide `shared_ptr<T>` that any thread may read and replace. Readers get their
/// own reference, so a replaced value lives until its last user is done; the previous value
/// is released outside the lock (its destructor may log, or shut a provider down). The
/// mutex is held across fork() so a child never inherits it locked. Allocate slots with
/// `new` and never delete them: threads may still use one while the process exits.
template <class T>
class GlobalSlot {
 public:
  GlobalSlot(std::shared_ptr<T> initial, ForkHooks::Order fork_order)
      : value_(std::move(initial)), fork_hooks_(mutex_fork_hooks(fork_order, mutex_)) {}

  std::shared_ptr<T> get() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return value_;
  }

  /// `get()`, first storing `make()` if the slot is empty (a default built on first use).
  template <class Make>
  std::shared_ptr<T> get_or_make(Make make) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!value_) value_ = make();
    return value_;
  }

  void set(std::shared_ptr<T> value) {
    std::unique_lock<std::mutex> lock(mutex_);
    std::swap(value_, value);
    lock.unlock();  // the previous value is released outside the lock
  }

 private:
  mutable std::mutex mutex_;
  std::shared_ptr<T> value_;
  ForkHooks fork_hooks_;
};

}  // namespace detail
}  // namespace v0
}  // namespace tracewire
