// MultiSpanProcessor: fans spans out to several processors.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "tracewire/trace/span_processor.hpp"

namespace tracewire {
inline namespace v0 {

/// Passes every span to each of its processors in order. The record is shared (reference
/// counted), not copied; it returns to its pool when the last processor releases it.
class MultiSpanProcessor final : public SpanProcessor {
 public:
  explicit MultiSpanProcessor(std::vector<std::unique_ptr<SpanProcessor>> processors)
      : processors_(std::move(processors)) {
    for (const auto& processor : processors_) wants_on_start_ = wants_on_start_ || processor->wants_on_start();
  }

  void on_start(SpanData& span, const Context& parent) noexcept override {
    for (const auto& processor : processors_) {
      if (processor->wants_on_start()) processor->on_start(span, parent);
    }
  }
  bool wants_on_start() const noexcept override { return wants_on_start_; }

  void on_end(SpanDataPtr span) noexcept override {
    for (std::size_t i = 0; i + 1 < processors_.size(); ++i) processors_[i]->on_end(span);
    if (!processors_.empty()) processors_.back()->on_end(std::move(span));
  }

  bool force_flush(std::chrono::milliseconds timeout = default_flush_timeout) noexcept override {
    return for_each_within(
        timeout, [](SpanProcessor& processor, std::chrono::milliseconds left) { return processor.force_flush(left); });
  }
  bool shutdown(std::chrono::milliseconds timeout = default_flush_timeout) noexcept override {
    return for_each_within(
        timeout, [](SpanProcessor& processor, std::chrono::milliseconds left) { return processor.shutdown(left); });
  }

  std::string describe() const override {
    std::string text = "MultiSpanProcessor{";
    for (std::size_t i = 0; i < processors_.size(); ++i) text += (i ? ", " : "") + processors_[i]->describe();
    return text + "}";
  }

  /// The sums of every processor's counters (a span exported by two processors counts twice).
  ProcessorStats stats() const noexcept override {
    ProcessorStats total;
    for (const auto& processor : processors_) total += processor->stats();
    return total;
  }

  const std::vector<std::unique_ptr<SpanProcessor>>& processors() const noexcept { return processors_; }

 private:
  /// Calls `action` on every processor, sharing one deadline between them.
  template <class Action>
  bool for_each_within(std::chrono::milliseconds timeout, Action action) noexcept {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    bool all = true;
    for (const auto& processor : processors_) {
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      all = action(*processor, std::max(left, std::chrono::milliseconds(0))) && all;
    }
    return all;
  }

  std::vector<std::unique_ptr<SpanProcessor>> processors_;
  bool wants_on_start_ = false;
};

}  // namespace v0
}  // namespace tracewire
