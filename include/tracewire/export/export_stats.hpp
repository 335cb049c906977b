// ExportCounters: the live counters behind a network exporter's ExportStats.
#pragma once

#include <atomic>
#include <cstdint>

#include "tracewire/trace/span_exporter.hpp"

namespace tracewire {
inline namespace v0 {

namespace detail {

/// The live counters behind ExportStats; updated by the exporter thread, read from any.
struct ExportCounters {
  std::atomic<std::uint64_t> spans_exported{0};
  std::atomic<std::uint64_t> spans_failed{0};
  std::atomic<std::uint64_t> spans_rejected{0};
  std::atomic<std::uint64_t> spans_too_large{0};
  std::atomic<std::uint64_t> requests_sent{0};
  std::atomic<std::uint64_t> requests_retried{0};
  std::atomic<std::uint64_t> requests_failed{0};
  std::atomic<std::uint64_t> bytes_sent{0};

  ExportStats snapshot() const noexcept {
    ExportStats stats;
    stats.spans_exported = spans_exported.load(std::memory_order_relaxed);
    stats.spans_failed = spans_failed.load(std::memory_order_relaxed);
    stats.spans_rejected = spans_rejected.load(std::memory_order_relaxed);
    stats.spans_too_large = spans_too_large.load(std::memory_order_relaxed);
    stats.requests_sent = requests_sent.load(std::memory_order_relaxed);
    stats.requests_retried = requests_retried.load(std::memory_order_relaxed);
    stats.requests_failed = requests_failed.load(std::memory_order_relaxed);
    stats.bytes_sent = bytes_sent.load(std::memory_order_relaxed);
    return stats;
  }
  void add(std::atomic<std::uint64_t>& counter, std::uint64_t count) noexcept {
    counter.fetch_add(count, std::memory_order_relaxed);
  }
};

}  // namespace detail
}  // namespace v0
}  // namespace tracewire
