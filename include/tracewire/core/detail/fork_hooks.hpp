// ForkHooks: what tracewire's locks, threads and connections do around fork().
#pragma once

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <utility>
#include <vector>

#if defined(__unix__) || defined(__APPLE__)
#include <pthread.h>
#define TRACEWIRE_HAS_PTHREAD_ATFORK 1
#endif

namespace tracewire {
inline namespace v0 {
namespace detail {

/// The number of times this process is a forked child of a traced process (0 in the
/// original process). Objects that keep per-process state they cannot hand over, such as a
/// connection shared with the parent, compare it with the value they saw when they made
/// that state.
inline std::atomic<std::uint32_t>& fork_generation_counter() noexcept {
  static std::atomic<std::uint32_t> generation{0};  // trivially destructible: never destroyed
  return generation;
}
inline std::uint32_t fork_generation() noexcept { return fork_generation_counter().load(std::memory_order_relaxed); }

/// A registration of three callbacks run by `fork()` in a process that uses tracewire:
/// `prepare` in the forking thread before the fork (take the locks a child must not inherit
/// held), `parent` after it in the parent (release them), `child` after it in the child,
/// which has only the forking thread (release or re-create the locks, start the worker
/// threads the child needs, forget what belongs to the parent). Hooks run by `order`
/// (lower first; `parent` and `child` in reverse), so that a lock taken while another is
/// held is always taken after it: processors before exporters before transports before the
/// global slots before the logger. The registration lives as long as the object: declare
/// it as the owner's last member, so it is gone before anything its callbacks touch.
class ForkHooks {
 public:
  enum class Order : std::uint8_t { processor, exporter, transport, global_slot, logger };

  ForkHooks(Order order, std::function<void()> prepare, std::function<void()> parent, std::function<void()> child)
      : order_(order), prepare_(std::move(prepare)), parent_(std::move(parent)), child_(std::move(child)) {
    Registry& registry = Registry::instance();
    std::lock_guard<std::mutex> lock(registry.mutex);
    const auto position =
        std::upper_bound(registry.hooks.begin(), registry.hooks.end(), this,
                         [](const ForkHooks* a, const ForkHooks* b) { return a->order_ < b->order_; });
    registry.hooks.insert(position, this);
  }
  ~ForkHooks() {
    Registry& registry = Registry::instance();
    std::lock_guard<std::mutex> lock(registry.mutex);
    registry.hooks.erase(std::remove(registry.hooks.begin(), registry.hooks.end(), this), registry.hooks.end());
  }
  ForkHooks(const ForkHooks&) = delete;
  ForkHooks& operator=(const ForkHooks&) = delete;

 private:
  struct Registry {
    std::mutex mutex;
    std::vector<ForkHooks*> hooks;

    static Registry& instance() {
      // Never destroyed: a fork or a registration can happen during static destruction.
      static Registry* registry = [] {
        auto* created = new Registry();
#if defined(TRACEWIRE_HAS_PTHREAD_ATFORK)
        pthread_atfork(&Registry::prepare, &Registry::parent, &Registry::child);
#endif
        return created;
      }();
      return *registry;
    }

    static void prepare() noexcept {
      Registry& registry = instance();
      registry.mutex.lock();  // released by parent() and child()
      for (ForkHooks* hooks : registry.hooks) {
        if (hooks->prepare_) hooks->prepare_();
      }
    }
    static void parent() noexcept {
      Registry& registry = instance();
      for (auto it = registry.hooks.rbegin(); it != registry.hooks.rend(); ++it) {
        if ((*it)->parent_) (*it)->parent_();
      }
      registry.mutex.unlock();
    }
    static void child() noexcept {
      fork_generation_counter().fetch_add(1, std::memory_order_relaxed);
      Registry& registry = instance();
      for (auto it = registry.hooks.rbegin(); it != registry.hooks.rend(); ++it) {
        if ((*it)->child_) (*it)->child_();
      }
      registry.mutex.unlock();  // the child's one thread is the one that locked it
    }
  };

  Order order_;
  std::function<void()> prepare_;
  std::function<void()> parent_;
  std::function<void()> child_;
};

/// The usual hooks for a mutex a child must not inherit held: locked before the fork,
/// unlocked after it in both processes.
inline ForkHooks mutex_fork_hooks(ForkHooks::Order order, std::mutex& mutex) {
  return ForkHooks(
      order, [&mutex] { mutex.lock(); }, [&mutex] { mutex.unlock(); }, [&mutex] { mutex.unlock(); });
}

}  // namespace detail
}  // namespace v0
}  // namespace tracewire
