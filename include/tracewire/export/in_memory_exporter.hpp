// InMemorySpanExporter: keeps exported spans in memory, for tests.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "tracewire/trace/span_exporter.hpp"

namespace tracewire {
inline namespace v0 {

/// Stores a copy of every exported span. The exporter is usually owned by a processor, so
/// tests keep the shared `Storage` handle to read what was exported and to wait for it
/// (`wait_for_count`, no sleeping).
///
/// **Example**:
/// ```
/// auto exporter = std::make_unique<InMemorySpanExporter>();
/// auto spans = exporter->storage();
/// options.processors.push_back(std::make_unique<SimpleSpanProcessor>(std::move(exporter)));
/// ... spans->wait_for_count(3, std::chrono::seconds(5)); spans->snapshot()[0].name();
/// ```
class InMemorySpanExporter final : public SpanExporter {
 public:
  class Storage {
   public:
    /// Copies of the spans exported so far, in export order.
    std::vector<SpanData> snapshot() const {
      std::lock_guard<std::mutex> lock(mutex_);
      return spans_;
    }
    std::size_t size() const {
      std::lock_guard<std::mutex> lock(mutex_);
      return spans_.size();
    }
    void clear() {
      std::lock_guard<std::mutex> lock(mutex_);
      spans_.clear();
    }
    /// Waits until at least `count` spans were exported; false on timeout.
    bool wait_for_count(std::size_t count, std::chrono::milliseconds timeout) const {
      std::unique_lock<std::mutex> lock(mutex_);
      return changed_.wait_for(lock, timeout, [&] { return spans_.size() >= count; });
    }
    std::size_t export_calls() const {
      std::lock_guard<std::mutex> lock(mutex_);
      return export_calls_;
    }

   private:
    friend class InMemorySpanExporter;
    mutable std::mutex mutex_;
    mutable std::condition_variable changed_;
    std::vector<SpanData> spans_;
    std::size_t export_calls_ = 0;
  };

  InMemorySpanExporter() : storage_(std::make_shared<Storage>()) {}

  ExportResult export_spans(ArrayView<const SpanData*> batch) noexcept override {
    try {
      std::lock_guard<std::mutex> lock(storage_->mutex_);
      if (shut_down_) return ExportResult::failure;
      ++storage_->export_calls_;
      for (const SpanData* span : batch) storage_->spans_.push_back(*span);
    } catch (...) {
      return ExportResult::failure;
    }
    storage_->changed_.notify_all();
    return ExportResult::success;
  }

  bool shutdown(std::chrono::milliseconds) noexcept override {
    std::lock_guard<std::mutex> lock(storage_->mutex_);
    shut_down_ = true;
    return true;
  }

  std::string describe() const override { return "InMemorySpanExporter"; }

  const std::shared_ptr<Storage>& storage() const noexcept { return storage_; }

 private:
  std::shared_ptr<Storage> storage_;
  bool shut_down_ = false;  // guarded by storage_->mutex_
};

}  // namespace v0
}  // namespace tracewire
