// SpanRecordPool: recycles span records so a sampled span allocates nothing in steady state.
#pragma once

#include <cstddef>
#include <mutex>
#include <vector>

#include "tracewire/core/span_data.hpp"

namespace tracewire {
inline namespace v0 {
namespace detail {

/// Hands out SpanData records and takes them back when their last SpanDataPtr lets go
/// (usually on the exporter thread, which also pays for `reset()`). At most `max_free`
/// idle records are kept. The pool deletes itself once it is closed and every record it
/// handed out has come back, so a record released late never touches freed memory.
class SpanRecordPool final : public SpanDataPool {
 public:
  explicit SpanRecordPool(std::size_t max_free) : max_free_(max_free) {}
  SpanRecordPool(const SpanRecordPool&) = delete;
  SpanRecordPool& operator=(const SpanRecordPool&) = delete;

  SpanData* acquire() {
    std::lock_guard<std::mutex> lock(mutex_);
    ++outstanding_;
    if (!free_.empty()) {
      SpanData* record = free_.back();
      free_.pop_back();
      return record;
    }
    auto* record = new SpanData();
    record->set_pool(this);
    return record;
  }

  void recycle(SpanData* record) noexcept override {
    record->reset();
    std::unique_lock<std::mutex> lock(mutex_);
    --outstanding_;
    if (!closed_ && free_.size() < max_free_) {
      free_.push_back(record);
      return;
    }
    const bool last = closed_ && outstanding_ == 0;
    lock.unlock();
    delete record;
    if (last) delete this;
  }

  /// Called by the owner instead of delete.
  void close() noexcept {
    std::unique_lock<std::mutex> lock(mutex_);
    closed_ = true;
    for (SpanData* record : free_) delete record;
    free_.clear();
    const bool last = outstanding_ == 0;
    lock.unlock();
    if (last) delete this;
  }

 private:
  ~SpanRecordPool() = default;

  std::mutex mutex_;
  std::vector<SpanData*> free_;
  std::size_t max_free_;
  std::size_t outstanding_ = 0;
  bool closed_ = false;
};

}  // namespace detail
}  // namespace v0
}  // namespace tracewire
