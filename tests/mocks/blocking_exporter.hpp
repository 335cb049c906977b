// BlockingExporter: an exporter that a test can stall and release, to play a slow backend.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <algorithm>
#include <chrono>
#include <memory>
#include <string>

#include "tracewire/trace/span_exporter.hpp"

namespace tracewire_test {

/// Counts exported spans. While `hold()` is in effect every export waits until `release()`,
/// so tests can fill the batch processor's queue deterministically, without sleeping.
class BlockingExporter final : public tracewire::SpanExporter {
 public:
  struct State {
    std::mutex mutex;
    std::condition_variable changed;
    bool held = false;
    bool inside_export = false;
    std::size_t exported = 0;
    std::size_t calls = 0;
    std::size_t largest_batch = 0;
    bool fail = false;
    std::size_t rejected_per_batch = 0;  // a partial success: the receiver rejected this many
    /// What was left of the deadline the processor gave the last export, when it began.
    std::chrono::steady_clock::duration last_time_left{};

    void hold() {
      std::lock_guard<std::mutex> lock(mutex);
      held = true;
    }
    void release() {
      {
        std::lock_guard<std::mutex> lock(mutex);
        held = false;
      }
      changed.notify_all();
    }
    /// Holds exports until the returned guard is destroyed, so that a failing REQUIRE
    /// releases the worker (and the test ends with its assertion, not a ctest timeout).
    struct Hold {
      State& state;
      ~Hold() { state.release(); }
    };
    [[nodiscard]] Hold hold_scoped() {
      hold();
      return Hold{*this};
    }
    /// Waits until `count` spans were exported.
    bool wait_for_exported(std::size_t count, std::chrono::milliseconds timeout) {
      std::unique_lock<std::mutex> lock(mutex);
      return changed.wait_for(lock, timeout, [&] { return exported >= count; });
    }
    /// Waits until an export call is blocked inside the exporter.
    bool wait_until_inside(std::chrono::milliseconds timeout) {
      std::unique_lock<std::mutex> lock(mutex);
      return changed.wait_for(lock, timeout, [&] { return inside_export; });
    }
  };

  explicit BlockingExporter(std::shared_ptr<State> state) : state_(std::move(state)) {}

  tracewire::ExportResult export_spans(tracewire::ArrayView<const tracewire::SpanData*> batch) noexcept override {
    std::unique_lock<std::mutex> lock(state_->mutex);
    state_->inside_export = true;
    state_->changed.notify_all();
    state_->changed.wait(lock, [&] { return !state_->held; });
    state_->inside_export = false;
    ++state_->calls;
    state_->largest_batch = std::max(state_->largest_batch, batch.size());
    if (state_->fail) return tracewire::ExportResult::failure;
    state_->exported += batch.size();
    state_->changed.notify_all();
    if (state_->rejected_per_batch > 0) return tracewire::ExportResult::partial_success(state_->rejected_per_batch);
    return tracewire::ExportResult::success;
  }
  tracewire::ExportResult export_spans_until(tracewire::ArrayView<const tracewire::SpanData*> batch,
                                             std::chrono::steady_clock::time_point deadline) noexcept override {
    {
      std::lock_guard<std::mutex> lock(state_->mutex);
      state_->last_time_left = deadline - std::chrono::steady_clock::now();
    }
    return export_spans(batch);
  }
  std::string describe() const override { return "BlockingExporter"; }

 private:
  std::shared_ptr<State> state_;
};

}  // namespace tracewire_test
