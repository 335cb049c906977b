// OpenSpanCount: how many recording spans are open in the process, counted per thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "tracewire/core/detail/fork_hooks.hpp"

namespace tracewire {
inline namespace v0 {
namespace detail {

/// Counts recording spans started and ended, each thread in counters of its own (a plain
/// load and store, no read-modify-write, no shared cache line), so that a TracerProvider's
/// state can tell when it may be freed: spans reach their state by raw pointer, and a span
/// started from a provider that was then replaced may still be open. `open()` sums every
/// thread's counters: too high while an end is in progress, never too low for spans whose
/// start happened before the call.
class OpenSpanCount {
 public:
  static void started() noexcept {
    Counters& counters = local();
    if (counters.shared) {
      counters.started.fetch_add(1, std::memory_order_relaxed);
    } else {
      counters.started.store(counters.started.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
    }
  }
  /// Call once the span is done with its state: the release pairs with `open()`'s acquire.
  static void ended() noexcept {
    Counters& counters = local();
    if (counters.shared) {
      counters.ended.fetch_add(1, std::memory_order_release);
    } else {
      counters.ended.store(counters.ended.load(std::memory_order_relaxed) + 1, std::memory_order_release);
    }
  }

  static std::uint64_t open() noexcept {
    Registry& registry = Registry::instance();
    std::lock_guard<std::mutex> lock(registry.mutex);
    std::uint64_t ended = registry.retired_ended + registry.late.ended.load(std::memory_order_acquire);
    for (const Counters* counters : registry.all) ended += counters->ended.load(std::memory_order_acquire);
    std::uint64_t started = registry.retired_started + registry.late.started.load(std::memory_order_relaxed);
    for (const Counters* counters : registry.all) started += counters->started.load(std::memory_order_relaxed);
    return started - ended;
  }

 private:
  struct Counters {
    std::atomic<std::uint64_t> started{0};
    std::atomic<std::uint64_t> ended{0};
    bool shared = false;  // written by several threads: read-modify-writes
  };

  /// Every thread's counters. When a thread exits, its counts move into the retired totals
  /// and its counters go back to the free list for the next thread; spans it still ends
  /// while exiting count in `late`. Never destroyed.
  struct Registry {
    std::mutex mutex;
    std::vector<Counters*> all;
    std::vector<Counters*> free;
    std::uint64_t retired_started = 0;
    std::uint64_t retired_ended = 0;
    Counters late;
    ForkHooks fork_hooks = mutex_fork_hooks(ForkHooks::Order::global_slot, mutex);

    Registry() { late.shared = true; }
    static Registry& instance() {
      static Registry* registry = new Registry();
      return *registry;
    }
  };

  /// Retires the thread's counters when it exits.
  struct Owner {
    Counters* counters = nullptr;
    ~Owner() {
      if (counters == nullptr) return;
      Registry& registry = Registry::instance();
      std::lock_guard<std::mutex> lock(registry.mutex);
      registry.retired_started += counters->started.exchange(0, std::memory_order_relaxed);
      registry.retired_ended += counters->ended.exchange(0, std::memory_order_relaxed);
      registry.free.push_back(counters);
      current_ = &registry.late;
    }
  };

  static inline thread_local Counters* current_ = nullptr;  // trivial: no guard on the hot path

  static Counters& local() noexcept {
    if (current_ == nullptr) current_ = take_for_this_thread();
    return *current_;
  }

  static Counters* take_for_this_thread() noexcept {
    Registry& registry = Registry::instance();
    thread_local Owner owner;
    try {
      std::lock_guard<std::mutex> lock(registry.mutex);
      if (registry.free.empty()) {
        auto counters = std::make_unique<Counters>();
        registry.all.reserve(registry.all.size() + 1);
        registry.free.reserve(registry.all.size() + 1);  // an exiting thread's push_back cannot throw
        registry.all.push_back(counters.release());
        registry.free.push_back(registry.all.back());
      }
      owner.counters = registry.free.back();
      registry.free.pop_back();
      return owner.counters;
    } catch (...) {
      return &registry.late;
    }
  }
};

}  // namespace detail
}  // namespace v0
}  // namespace tracewire
