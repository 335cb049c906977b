// ExporterStats: what an exporter did with the spans it was given.
#pragma once

#include <atomic>
#include <cstdint>

namespace tracewire {
inline namespace v0 {

/// Counters an exporter keeps so that no span is lost silently. Every span handed to
/// `export_spans` ends in exactly one of the three counts: exported (sent; for UDP that
/// means handed to the kernel, which is all a one-way datagram can confirm), failed (its
/// request or datagram was not delivered), or dropped as too large (a single span whose
/// encoding cannot fit the transport's size limit, e.g. a 65000-byte Jaeger UDP packet).
struct ExporterStats {
  std::uint64_t spans_exported = 0;
  std::uint64_t spans_failed = 0;
  std::uint64_t spans_dropped_too_large = 0;
};

namespace detail {

/// The thread-safe counters behind `ExporterStats` (exports run on the processor's
/// thread; `stats()` may be read from any).
class ExporterCounters {
 public:
  void add_exported(std::uint64_t spans) noexcept { exported_.fetch_add(spans, std::memory_order_relaxed); }
  void add_failed(std::uint64_t spans) noexcept { failed_.fetch_add(spans, std::memory_order_relaxed); }
  void add_too_large(std::uint64_t spans) noexcept { too_large_.fetch_add(spans, std::memory_order_relaxed); }

  ExporterStats snapshot() const noexcept {
    ExporterStats stats;
    stats.spans_exported = exported_.load(std::memory_order_relaxed);
    stats.spans_failed = failed_.load(std::memory_order_relaxed);
    stats.spans_dropped_too_large = too_large_.load(std::memory_order_relaxed);
    return stats;
  }

 private:
  std::atomic<std::uint64_t> exported_{0};
  std::atomic<std::uint64_t> failed_{0};
  std::atomic<std::uint64_t> too_large_{0};
};

}  // namespace detail
}  // namespace v0
}  // namespace tracewire
