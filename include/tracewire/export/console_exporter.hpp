// ConsoleExporter: human-readable spans on a terminal, as lines or as trace trees.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <map>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include <fmt/format.h>

#include "tracewire/export/detail/non_otlp_mapping.hpp"
#include "tracewire/trace/span_exporter.hpp"

namespace tracewire {
inline namespace v0 {

/// How ConsoleExporter prints: one line per span, or each trace as a tree once its local
/// root ends.
enum class ConsoleMode { line, tree };

/// How and where ConsoleExporter prints.
struct ConsoleExporterOptions {
  ConsoleMode mode = ConsoleMode::line;
  std::FILE* output = stdout;
  std::size_t bar_width = 40;              ///< characters of the timing bar in tree mode
  std::size_t max_buffered_spans = 10000;  ///< tree mode: spans held waiting for their root
};

/// Writes spans for people to read. In `line` mode, one line per span as it is exported.
/// In `tree` mode, spans are held per trace until the trace's local root ends (a span
/// without a parent or with a remote parent), then the trace is printed as an indented
/// tree with each span's duration and a bar showing when it ran within the root — the
/// slow part of a request stands out at a glance. Traces whose root never ends are
/// printed on force_flush and shutdown. At most `max_buffered_spans` wait for their root;
/// beyond that spans are printed as lines rather than held.
///
/// **Example** (tree mode):
/// ```
/// trace 4bf92f3577b34da6a3ce929d0e0e4736 · service checkout
/// handle_request [server]      1523.4 ms |████████████████████████████████████████|
///   redis_call                  150.2 ms |████                                    |
///   call_payment [client]      1370.1 ms |    ████████████████████████████████████|
/// ```
class ConsoleExporter final : public SpanExporter {
 public:
  using Mode = ConsoleMode;
  using Options = ConsoleExporterOptions;  ///< the name it had before

  ConsoleExporter() : ConsoleExporter(ConsoleExporterOptions()) {}
  explicit ConsoleExporter(ConsoleExporterOptions options) : options_(options) {}

  ExportResult export_spans(ArrayView<const SpanData*> batch) noexcept override {
    try {
      std::lock_guard<std::mutex> lock(mutex_);
      std::string text;
      for (const SpanData* span : batch) {
        if (options_.mode == Mode::line || buffered_ >= options_.max_buffered_spans) {
          append_line(text, *span);
          continue;
        }
        auto& trace = pending_[span->trace_id().to_hex()];
        trace.push_back(*span);
        ++buffered_;
        if (!span->parent_span_id().is_valid() || span->parent_is_remote()) {
          append_tree(text, trace);
          buffered_ -= trace.size();
          pending_.erase(span->trace_id().to_hex());
        }
      }
      write(text);
      return ExportResult::success;
    } catch (...) {
      return ExportResult::failure;
    }
  }

  bool force_flush(std::chrono::milliseconds) noexcept override {
    try {
      std::lock_guard<std::mutex> lock(mutex_);
      std::string text;
      for (auto& [trace_id, spans] : pending_) append_tree(text, spans);
      pending_.clear();
      buffered_ = 0;
      write(text);
      std::fflush(options_.output);
      return true;
    } catch (...) {
      return false;
    }
  }

  bool shutdown(std::chrono::milliseconds timeout) noexcept override { return force_flush(timeout); }

  std::string describe() const override {
    return options_.mode == Mode::tree ? "ConsoleExporter{tree}" : "ConsoleExporter{line}";
  }

  /// One span as one line: time, ids, name, kind, duration, status, attributes, events.
  static void append_line(std::string& out, const SpanData& span) {
    const std::uint64_t start = span.start_time_unix_nano();
    const std::time_t seconds = static_cast<std::time_t>(start / 1'000'000'000);
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    char stamp[32];
    std::strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &utc);
    fmt::format_to(std::back_inserter(out), "{}.{:06}Z trace={} span={}", stamp, (start / 1000) % 1'000'000,
                   span.trace_id().to_hex(), span.span_id().to_hex());
    if (span.parent_span_id().is_valid()) {
      fmt::format_to(std::back_inserter(out), " parent={}{}", span.parent_span_id().to_hex(),
                     span.parent_is_remote() ? "(remote)" : "");
    }
    fmt::format_to(std::back_inserter(out), " {} [{}] {:.3f} ms", span.name(), to_string(span.kind()),
                   duration_ms(span));
    append_status(out, span);
    append_attributes(out, span.attributes());
    for (const SpanEvent& event : span.events()) {
      fmt::format_to(std::back_inserter(out), " event@{:.3f}ms:{}",
                     static_cast<double>(event.time_unix_nano - start) / 1e6, event.name);
      append_attributes(out, event.attributes);
    }
    out += '\n';
  }

 private:
  static double duration_ms(const SpanData& span) {
    const std::uint64_t start = span.start_time_unix_nano();
    const std::uint64_t end = std::max(span.end_time_unix_nano(), start);
    return static_cast<double>(end - start) / 1e6;
  }

  static void append_status(std::string& out, const SpanData& span) {
    if (span.status_code() == StatusCode::unset) return;
    fmt::format_to(std::back_inserter(out), " status={}", to_string(span.status_code()));
    if (!span.status_message().empty()) fmt::format_to(std::back_inserter(out), " \"{}\"", span.status_message());
  }

  static void append_attributes(std::string& out, ArrayView<KeyValue> attributes) {
    if (attributes.empty()) return;
    out += " {";
    for (std::size_t i = 0; i < attributes.size(); ++i) {
      if (i) out += ", ";
      out.append(attributes[i].key).append("=");
      detail::append_attribute_text(out, attributes[i].value);
    }
    out += '}';
  }

  /// Prints one trace's spans as a forest (parents first, children by start time).
  void append_tree(std::string& out, std::vector<SpanData>& spans) const {
    std::sort(spans.begin(), spans.end(),
              [](const SpanData& a, const SpanData& b) { return a.start_time_unix_nano() < b.start_time_unix_nano(); });
    std::unordered_map<std::uint64_t, std::vector<const SpanData*>> children;
    std::vector<const SpanData*> roots;
    std::unordered_map<std::uint64_t, bool> present;
    for (const SpanData& span : spans) present[span.span_id().to_u64()] = true;
    for (const SpanData& span : spans) {
      const std::uint64_t parent = span.parent_span_id().to_u64();
      if (parent != 0 && present.count(parent) && !span.parent_is_remote()) {
        children[parent].push_back(&span);
      } else {
        roots.push_back(&span);
      }
    }
    const SpanData& first = *roots.front();
    fmt::format_to(std::back_inserter(out), "trace {} · service {}\n", first.trace_id().to_hex(),
                   first.resource().service_name());
    for (const SpanData* root : roots) {
      const std::uint64_t origin = root->start_time_unix_nano();
      const std::uint64_t length = std::max<std::uint64_t>(root->end_time_unix_nano() - origin, 1);
      append_tree_node(out, *root, 0, origin, length, children);
    }
  }

  void append_tree_node(std::string& out, const SpanData& span, std::size_t depth, std::uint64_t origin,
                        std::uint64_t length,
                        std::unordered_map<std::uint64_t, std::vector<const SpanData*>>& children) const {
    std::string label(2 * depth, ' ');
    label.append(span.name());
    if (span.kind() != SpanKind::internal) label.append(" [").append(to_string(span.kind())).append("]");
    if (span.status_code() == StatusCode::error) label.append(" ✗");
    const double width = static_cast<double>(options_.bar_width);
    const auto clamp_cell = [&](double cell) { return static_cast<std::size_t>(std::clamp(cell, 0.0, width)); };
    const std::size_t bar_start =
        clamp_cell(static_cast<double>(span.start_time_unix_nano() - std::min(origin, span.start_time_unix_nano())) /
                   static_cast<double>(length) * width);
    std::size_t bar_end =
        clamp_cell(std::ceil(static_cast<double>(std::max(span.end_time_unix_nano(), origin) - origin) /
                             static_cast<double>(length) * width));
    bar_end = std::max(bar_end, std::min<std::size_t>(bar_start + 1, options_.bar_width));
    std::string bar;
    for (std::size_t cell = 0; cell < options_.bar_width; ++cell)
      bar += cell >= bar_start && cell < bar_end ? "█" : " ";
    fmt::format_to(std::back_inserter(out), "{:<44} {:>10.1f} ms |{}|\n", label, duration_ms(span), bar);
    for (const SpanData* child : children[span.span_id().to_u64()]) {
      append_tree_node(out, *child, depth + 1, origin, length, children);
    }
  }

  void write(const std::string& text) const {
    if (!text.empty()) std::fwrite(text.data(), 1, text.size(), options_.output);
  }

  Options options_;
  std::mutex mutex_;
  std::map<std::string, std::vector<SpanData>> pending_;
  std::size_t buffered_ = 0;
};

}  // namespace v0
}  // namespace tracewire
