// ExportGate: what lets an exporter's shutdown refuse new exports and wait for the one in progress.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <new>

#include "tracewire/core/detail/fork_hooks.hpp"

namespace tracewire {
inline namespace v0 {
namespace detail {

/// Every export passes through the gate (a `Pass` held for its duration); `shutdown` closes
/// it, interrupts the export in progress, if any, and waits for it within its deadline.
/// After a fork the child's gate is open and idle: an export the parent had in progress is
/// the parent's.
///
/// **Example**:
/// ```
/// ExportResult export_spans(ArrayView<const SpanData*> batch) noexcept override {
///   detail::ExportGate::Pass pass(gate_);
///   if (!pass.open()) return fail(batch.size(), "the exporter is shut down");
///   ...
/// }
/// bool shutdown(std::chrono::milliseconds timeout) noexcept override {
///   return gate_.shutdown(timeout, [this] { sender_.interrupt(); });
/// }
/// ```
class ExportGate {
 public:
  /// Held for one export: `open()` is false once the gate is shut (count the batch as failed).
  class Pass {
   public:
    explicit Pass(ExportGate& gate) noexcept : gate_(gate) {
      std::lock_guard<std::mutex> lock(gate_.mutex_);
      open_ = !gate_.shut_;
      gate_.in_progress_ += open_ ? 1 : 0;
    }
    Pass(const Pass&) = delete;
    Pass& operator=(const Pass&) = delete;
    ~Pass() {
      if (!open_) return;
      std::lock_guard<std::mutex> lock(gate_.mutex_);
      if (--gate_.in_progress_ == 0) gate_.idle_.notify_all();
    }
    bool open() const noexcept { return open_; }

   private:
    ExportGate& gate_;
    bool open_ = false;
  };

  ExportGate() = default;
  ExportGate(const ExportGate&) = delete;
  ExportGate& operator=(const ExportGate&) = delete;

  /// Refuses new exports, calls `interrupt` (which makes an export in progress return soon:
  /// stops a retry wait, cancels a transfer), then waits up to `timeout` for it; false if it
  /// is still running then. Safe to call twice.
  template <class Interrupt>
  bool shutdown(std::chrono::milliseconds timeout, Interrupt interrupt) noexcept {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      shut_ = true;
    }
    interrupt();
    std::unique_lock<std::mutex> lock(mutex_);
    return idle_.wait_for(lock, timeout, [this] { return in_progress_ == 0; });
  }
  bool shutdown(std::chrono::milliseconds timeout) noexcept {
    return shutdown(timeout, [] {});
  }

  bool is_shut() const noexcept {
    std::lock_guard<std::mutex> lock(mutex_);
    return shut_;
  }

 private:
  void reset_in_child() noexcept {
    mutex_.unlock();  // locked by the prepare hook in this very thread
    new (&idle_) std::condition_variable();
    in_progress_ = 0;
  }

  mutable std::mutex mutex_;
  std::condition_variable idle_;
  int in_progress_ = 0;
  bool shut_ = false;
  ForkHooks fork_hooks_{ForkHooks::Order::exporter, [this] { mutex_.lock(); }, [this] { mutex_.unlock(); },
                        [this] { reset_in_child(); }};
};

}  // namespace detail
}  // namespace v0
}  // namespace tracewire
