// HtmlExporter: the last traces as one self-contained HTML page (OTEL_TRACES_EXPORTER=html).
#pragma once

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>

#include <fmt/format.h>

#include "tracewire/core/logger.hpp"
#include "tracewire/export/detail/html_page.hpp"
#include "tracewire/export/detail/html_trace_store.hpp"
#include "tracewire/trace/span_exporter.hpp"
#include "tracewire/version.hpp"

namespace tracewire {
inline namespace v0 {

/// Where HtmlExporter writes and how much it keeps.
struct HtmlExporterOptions {
  /// The page's path; `-` is stdout. `TRACEWIRE_HTML_FILE` when built from the environment.
  std::string path = "traces.html";
  /// The page keeps the traces updated most recently; older ones are left out, and the page
  /// says how many. `TRACEWIRE_HTML_MAX_TRACES`.
  std::size_t max_traces = 1000;
  /// Memory the kept spans may take (their encoded size, approximately): beyond it the
  /// oldest traces are left out too.
  std::size_t max_bytes = 64 * 1024 * 1024;
  /// The page's title.
  std::string title = "tracewire traces";
};

/// What an HtmlExporter received, kept and left out.
struct HtmlExporterStats {
  std::uint64_t spans_exported = 0;  ///< spans handed to export_spans and accepted
  std::uint64_t spans_failed = 0;    ///< spans refused (after shutdown, or out of memory)
  std::size_t traces_kept = 0;
  std::size_t spans_kept = 0;
  std::size_t bytes_kept = 0;         ///< approximately
  std::uint64_t traces_left_out = 0;  ///< evicted to stay within max_traces and max_bytes
  std::uint64_t spans_left_out = 0;   ///< did not fit in max_bytes
  std::uint64_t duplicate_spans = 0;  ///< received twice (same trace and span id), kept once
  std::uint64_t pages_written = 0;
  std::uint64_t page_write_failures = 0;
};

/// Keeps the last traces in memory and writes them, at `force_flush` and at `shutdown` (or
/// destruction), as one self-contained HTML page: a trace list with search, a waterfall per
/// trace, span details and a service graph, with no network access (the page's content
/// security policy allows only its own style and script). It is for a laptop without a
/// tracing backend, not for production. The page is written to a temporary file renamed
/// over `path`, so a reader never sees half a page. Span data is embedded as HTML-safe JSON
/// and shown by the page's script as text only. `tracewire-view` writes the same page from
/// OTLP/JSON files.
///
/// **Example**:
/// ```
/// tracewire::HtmlExporterOptions options;
/// options.path = "checkout-traces.html";
/// auto exporter = std::make_unique<tracewire::HtmlExporter>(options);
/// // or: OTEL_TRACES_EXPORTER=html TRACEWIRE_HTML_FILE=checkout-traces.html ./checkout
/// ```
class HtmlExporter final : public SpanExporter {
 public:
  explicit HtmlExporter(HtmlExporterOptions options = {})
      : options_(std::move(options)), store_(options_.max_traces, options_.max_bytes) {
    if (options_.path.empty()) options_.path = "-";
  }
  HtmlExporter(const HtmlExporter&) = delete;
  HtmlExporter& operator=(const HtmlExporter&) = delete;
  /// Writes the page if `shutdown` has not.
  ~HtmlExporter() override { shutdown(std::chrono::milliseconds(0)); }

  ExportResult export_spans(ArrayView<const SpanData*> batch) noexcept override {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!shut_down_) {
      try {
        store_.add(batch);
        stats_.spans_exported += batch.size();
        return ExportResult::success;
      } catch (...) {  // out of memory: this batch is lost, the page keeps what it has
      }
    }
    stats_.spans_failed += batch.size();
    return ExportResult::failure;
  }

  /// Writes the page with the traces kept so far.
  bool force_flush(std::chrono::milliseconds /*timeout*/) noexcept override {
    std::lock_guard<std::mutex> lock(mutex_);
    return write_file();
  }

  /// Writes the page; later exports fail. Safe to call twice (the page is written once).
  bool shutdown(std::chrono::milliseconds /*timeout*/) noexcept override {
    std::lock_guard<std::mutex> lock(mutex_);
    if (shut_down_) return true;
    shut_down_ = true;
    return write_file();
  }

  /// Shuts down without writing the page (a tool that found nothing to show).
  void discard() noexcept {
    std::lock_guard<std::mutex> lock(mutex_);
    shut_down_ = true;
  }

  std::string describe() const override {
    return fmt::format("HtmlExporter{{path={}, max_traces={}}}", options_.path, options_.max_traces);
  }

  /// The exporter's counters as every exporter reports them.
  ExportStats stats() const noexcept override {
    const HtmlExporterStats page = page_stats();
    ExportStats stats;
    stats.spans_exported = page.spans_exported;
    stats.spans_failed = page.spans_failed;
    return stats;
  }

  /// What the page holds and left out, and how often it was written.
  HtmlExporterStats page_stats() const {
    std::lock_guard<std::mutex> lock(mutex_);
    HtmlExporterStats stats = stats_;
    const detail::HtmlTraceCounts counts = store_.counts();
    stats.traces_kept = counts.traces;
    stats.spans_kept = counts.spans;
    stats.bytes_kept = counts.bytes;
    stats.traces_left_out = counts.traces_left_out;
    stats.spans_left_out = counts.spans_left_out;
    stats.duplicate_spans = counts.duplicate_spans;
    return stats;
  }

  /// The page as `force_flush` would write it now.
  std::string page() const {
    std::lock_guard<std::mutex> lock(mutex_);
    std::string page;
    write_page([&](std::string_view piece) {
      page.append(piece.data(), piece.size());
      return true;
    });
    return page;
  }

 private:
  struct CloseFile {
    void operator()(std::FILE* file) const noexcept { std::fclose(file); }
  };

  // Calls `write(piece)` for each piece of the page, in order; stops at the first false.
  template <class Write>
  bool write_page(Write&& write) const {
    bool ok = true;
    const auto put = [&](std::string_view piece) { ok = ok && write(piece); };
    for (std::string_view piece : detail::html_page_before_data) put(piece);
    store_.write_data(options_.title, "tracewire " TRACEWIRE_VERSION_STRING, put);
    for (std::string_view piece : detail::html_page_after_data) put(piece);
    return ok;
  }

  bool write_file() noexcept {
    const bool to_stdout = options_.path == "-";
    const std::string temporary = to_stdout ? std::string() : options_.path + ".tmp";
    errno = 0;
    std::unique_ptr<std::FILE, CloseFile> owned;
    std::FILE* file = stdout;
    if (!to_stdout) {
      owned.reset(std::fopen(temporary.c_str(), "wb"));
      file = owned.get();
    }
    bool ok = file != nullptr;
    if (ok) {
      try {
        ok = write_page([file](std::string_view piece) {
          return std::fwrite(piece.data(), 1, piece.size(), file) == piece.size();
        });
      } catch (...) {  // out of memory
        ok = false;
      }
      ok = std::fflush(file) == 0 && ok;
      if (owned) ok = std::fclose(owned.release()) == 0 && ok;
      if (ok && !to_stdout) ok = std::rename(temporary.c_str(), options_.path.c_str()) == 0;
    }
    if (ok) {
      ++stats_.pages_written;
      return true;
    }
    const int error = errno;
    if (!to_stdout) std::remove(temporary.c_str());
    ++stats_.page_write_failures;
    detail::log(LogLevel::error, "HtmlExporter cannot write {}{}{}", options_.path, error != 0 ? ": " : "",
                error != 0 ? std::strerror(error) : "");
    return false;
  }

  HtmlExporterOptions options_;
  mutable std::mutex mutex_;
  detail::HtmlTraceStore store_;
  HtmlExporterStats stats_;
  bool shut_down_ = false;
};

}  // namespace v0
}  // namespace tracewire
