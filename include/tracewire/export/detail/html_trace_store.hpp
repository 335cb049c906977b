// HtmlTraceStore: the last traces HtmlExporter keeps, encoded for the viewer page, in bounded memory.
#pragma once

#include <cstddef>
#include <cstdint>
#include <list>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "tracewire/core/span_data.hpp"
#include "tracewire/export/detail/json_writer.hpp"
#include "tracewire/export/detail/non_otlp_mapping.hpp"

namespace tracewire {
inline namespace v0 {
namespace detail {

/// Appends the JSON text `json` with `<`, `>`, `&`, U+2028 and U+2029 written as `\u` escapes.
/// These occur in JSON only inside strings, where the escape means the same character, so
/// the value is unchanged; but the text can no longer end the `<script>` element that holds
/// it (`</script>`), open a comment there (`<!--`), or end a line for an old JavaScript parser.
inline void append_html_safe_json(std::string& out, std::string_view json) {
  std::size_t copied = 0;
  for (std::size_t i = 0; i < json.size(); ++i) {
    const char c = json[i];
    std::string_view escape;
    std::size_t length = 1;
    if (c == '<') {
      escape = "\\u003c";
    } else if (c == '>') {
      escape = "\\u003e";
    } else if (c == '&') {
      escape = "\\u0026";
    } else if (c == '\xe2' && i + 2 < json.size() && json[i + 1] == '\x80' &&
               (json[i + 2] == '\xa8' || json[i + 2] == '\xa9')) {
      escape = json[i + 2] == '\xa8' ? "\\u2028" : "\\u2029";
      length = 3;
    } else {
      continue;
    }
    out.append(json.data() + copied, i - copied);
    out.append(escape.data(), escape.size());
    i += length - 1;
    copied = i + 1;
  }
  out.append(json.data() + copied, json.size() - copied);
}

/// What an HtmlTraceStore holds and what it had to leave out.
struct HtmlTraceCounts {
  std::size_t traces = 0;             ///< traces kept
  std::size_t spans = 0;              ///< spans kept
  std::size_t bytes = 0;              ///< memory the kept data takes, approximately
  std::uint64_t traces_left_out = 0;  ///< older traces evicted to stay within the limits
  std::uint64_t spans_left_out = 0;   ///< spans that did not fit (a trace larger than the byte limit)
  std::uint64_t duplicate_spans = 0;  ///< spans already kept (same trace and span id), skipped
};

/// The traces of the page, each as the HTML-safe JSON of its spans in the compact form the
/// page's script reads (tools/view/page/viewer.js): `{"i": span id, "p": parent id, "r": 1
/// when the parent is remote, "n": name, "k": kind, "o": origin index, "s": start and "d":
/// duration in ns (the start relative to the page's base time), "c": status code, "m":
/// status message, "a": [[key, value], ...], "da": dropped attributes, "e": [[offset from
/// the start, name, attributes], ...], "l": [[trace id, span id, attributes], ...]}`.
/// Resource and scope (the span's origin) are written once per distinct pair.
///
/// Memory is bounded: beyond `max_traces` traces or `max_bytes` of data, the trace updated
/// least recently is evicted (and counted); a single trace larger than `max_bytes` keeps
/// its first spans. Not thread-safe.
class HtmlTraceStore {
 public:
  /// Origins (distinct resource and scope pairs) kept at most; a span with a new one beyond
  /// this is left out.
  static constexpr std::size_t max_origins = 4096;

  HtmlTraceStore(std::size_t max_traces, std::size_t max_bytes) noexcept
      : max_traces_(max_traces == 0 ? 1 : max_traces), max_bytes_(max_bytes) {}

  /// Encodes and keeps the spans of a batch.
  void add(ArrayView<const SpanData*> batch) {
    // Within one batch the records' resources and scopes are alive, so their addresses
    // identify them; across batches an address may be reused, so origins match by content.
    cached_resource_ = nullptr;
    cached_scope_ = nullptr;
    for (const SpanData* span : batch) add(*span);
  }

  HtmlTraceCounts counts() const noexcept {
    HtmlTraceCounts counts = counts_;
    counts.traces = traces_.size();
    counts.bytes = bytes_;
    return counts;
  }

  std::size_t max_traces() const noexcept { return max_traces_; }

  /// Writes the page's data, one HTML-safe JSON object, through `write(std::string_view)`.
  template <class Write>
  void write_data(std::string_view title, std::string_view generator, Write&& write) const {
    std::string head;
    {
      JsonWriter json(head);
      json.begin_object();
      json.schema_key("format");
      json.value(1);
      json.schema_key("title");
      json.value(title);
      json.schema_key("generator");
      json.value(generator);
      json.schema_key("baseTimeUnixNano");
      json.value_as_string(base_time_);
      json.schema_key("leftOut");
      json.begin_object();
      json.schema_key("traces");
      json.value(counts_.traces_left_out);
      json.schema_key("spans");
      json.value(counts_.spans_left_out);
      json.schema_key("maxTraces");
      json.value(static_cast<std::uint64_t>(max_traces_));
      json.end_object();
      json.finish();
    }
    std::string safe;
    append_html_safe_json(safe, head);
    write(std::string_view(safe));
    write(std::string_view(",\"origins\":["));
    for (std::size_t i = 0; i < origins_.size(); ++i) {
      if (i != 0) write(std::string_view(","));
      write(std::string_view(origins_[i]));
    }
    write(std::string_view("],\"traces\":["));
    bool first = true;
    for (const Trace& trace : traces_) {
      char id[2 * TraceId::size];
      trace.id.write_hex(id);
      write(std::string_view(first ? "{\"id\":\"" : ",{\"id\":\""));
      write(std::string_view(id, sizeof id));
      write(std::string_view("\",\"spans\":["));
      write(std::string_view(trace.spans));
      write(std::string_view("]}"));
      first = false;
    }
    write(std::string_view("]}"));
  }

 private:
  struct Trace {
    TraceId id;
    std::string spans;  // span objects separated by commas
    std::unordered_set<std::uint64_t> span_ids;
  };
  struct TraceIdHash {
    std::size_t operator()(const TraceId& id) const noexcept {
      return static_cast<std::size_t>(id.low() ^ (id.high() * 0x9e3779b97f4a7c15ULL));
    }
  };
  using TraceList = std::list<Trace>;

  // Approximate bookkeeping costs of a trace and of a span id in its set.
  static constexpr std::size_t trace_overhead = 160;
  static constexpr std::size_t span_overhead = 48;

  void add(const SpanData& span) {
    if (!has_base_time_) {
      base_time_ = span.start_time_unix_nano();
      has_base_time_ = true;
    }
    auto found = index_.find(span.trace_id());
    TraceList::iterator trace;
    if (found == index_.end()) {
      trace = traces_.insert(traces_.end(), Trace{span.trace_id(), {}, {}});
      index_.emplace(span.trace_id(), trace);
      bytes_ += trace_overhead;
    } else {
      trace = found->second;
      traces_.splice(traces_.end(), traces_, trace);  // now the most recently updated
    }
    if (trace->span_ids.count(span.span_id().to_u64()) != 0) {
      ++counts_.duplicate_spans;
      return;
    }
    const std::size_t origin = origin_index(span);
    encoded_.clear();
    if (origin != no_origin) encode_span(span, origin);
    const std::size_t cost = encoded_.size() + 1 + span_overhead;
    while (bytes_ + cost > max_bytes_ && traces_.begin() != trace) evict_oldest();
    if (origin == no_origin || bytes_ + cost > max_bytes_) {
      ++counts_.spans_left_out;
      if (trace->span_ids.empty()) remove(trace);
      return;
    }
    if (!trace->span_ids.empty()) trace->spans.push_back(',');
    trace->spans.append(encoded_);
    trace->span_ids.insert(span.span_id().to_u64());
    bytes_ += cost;
    ++counts_.spans;
    while (traces_.size() > max_traces_) evict_oldest();
  }

  void evict_oldest() {
    ++counts_.traces_left_out;
    remove(traces_.begin());
  }

  void remove(TraceList::iterator trace) {
    bytes_ -= trace_overhead + trace->spans.size() + trace->span_ids.size() * span_overhead;
    counts_.spans -= trace->span_ids.size();
    index_.erase(trace->id);
    traces_.erase(trace);
  }

  static constexpr std::size_t no_origin = static_cast<std::size_t>(-1);

  std::size_t origin_index(const SpanData& span) {
    if (&span.resource() == cached_resource_ && &span.scope() == cached_scope_) return cached_origin_;
    std::string text;
    {
      std::string json_text;
      JsonWriter json(json_text);
      json.begin_object();
      json.schema_key("service");
      json.value(service_name_or_default(span.resource()));
      json.schema_key("resource");
      write_pairs(json, span.resource().attributes().view());
      if (!span.scope().name.empty()) {
        json.schema_key("scope");
        json.value(span.scope().name);
      }
      if (!span.scope().version.empty()) {
        json.schema_key("version");
        json.value(span.scope().version);
      }
      json.end_object();
      json.finish();
      append_html_safe_json(text, json_text);
    }
    auto found = origin_indexes_.find(text);
    std::size_t index = no_origin;
    if (found != origin_indexes_.end()) {
      index = found->second;
    } else if (origins_.size() < max_origins) {
      index = origins_.size();
      bytes_ += 2 * text.size();
      origins_.push_back(text);
      origin_indexes_.emplace(std::move(text), index);
    }
    cached_resource_ = &span.resource();
    cached_scope_ = &span.scope();
    cached_origin_ = index;
    return index;
  }

  static void write_pairs(JsonWriter& json, ArrayView<KeyValue> attributes) {
    json.begin_array();
    for (const KeyValue& attribute : attributes) {
      json.begin_array();
      json.value(attribute.key);
      write_attribute_json(json, attribute.value);
      json.end_array();
    }
    json.end_array();
  }

  void encode_span(const SpanData& span, std::size_t origin) {
    std::string& text = scratch_;
    text.clear();
    {
      JsonWriter json(text);
      json.begin_object();
      json.schema_key("i");
      json.value_hex(span.span_id().bytes().data(), SpanId::size);
      if (span.parent_span_id().is_valid()) {
        json.schema_key("p");
        json.value_hex(span.parent_span_id().bytes().data(), SpanId::size);
        if (span.parent_is_remote()) {
          json.schema_key("r");
          json.value(1);
        }
      }
      json.schema_key("n");
      json.value(span.name());
      json.schema_key("k");
      json.value(static_cast<int>(span.kind()));
      json.schema_key("o");
      json.value(static_cast<std::uint64_t>(origin));
      // Differences of unsigned nanosecond times, read as signed: exact as JSON numbers
      // (doubles in the page) within 104 days of the base time.
      json.schema_key("s");
      json.value(static_cast<std::int64_t>(span.start_time_unix_nano() - base_time_));
      json.schema_key("d");
      json.value(static_cast<std::int64_t>(span.end_time_unix_nano() - span.start_time_unix_nano()));
      if (span.status_code() != StatusCode::unset) {
        json.schema_key("c");
        json.value(static_cast<int>(span.status_code()));
      }
      if (!span.status_message().empty()) {
        json.schema_key("m");
        json.value(span.status_message());
      }
      if (!span.attributes().empty()) {
        json.schema_key("a");
        write_pairs(json, span.attributes());
      }
      if (span.dropped_attributes_count() != 0) {
        json.schema_key("da");
        json.value(span.dropped_attributes_count());
      }
      if (!span.events().empty()) {
        json.schema_key("e");
        json.begin_array();
        for (const SpanEvent& event : span.events()) {
          json.begin_array();
          json.value(static_cast<std::int64_t>(event.time_unix_nano - span.start_time_unix_nano()));
          json.value(event.name);
          if (!event.attributes.empty()) write_pairs(json, event.attributes);
          json.end_array();
        }
        json.end_array();
      }
      if (!span.links().empty()) {
        json.schema_key("l");
        json.begin_array();
        for (const SpanLink& link : span.links()) {
          json.begin_array();
          json.value_hex(link.context.trace_id.bytes().data(), TraceId::size);
          json.value_hex(link.context.span_id.bytes().data(), SpanId::size);
          if (!link.attributes.empty()) write_pairs(json, link.attributes);
          json.end_array();
        }
        json.end_array();
      }
      json.end_object();
      json.finish();
    }
    append_html_safe_json(encoded_, text);
  }

  std::size_t max_traces_;
  std::size_t max_bytes_;
  TraceList traces_;  // least recently updated first
  std::unordered_map<TraceId, TraceList::iterator, TraceIdHash> index_;
  std::vector<std::string> origins_;
  std::unordered_map<std::string, std::size_t> origin_indexes_;
  const Resource* cached_resource_ = nullptr;
  const InstrumentationScope* cached_scope_ = nullptr;
  std::size_t cached_origin_ = no_origin;
  std::uint64_t base_time_ = 0;
  bool has_base_time_ = false;
  std::size_t bytes_ = 0;
  HtmlTraceCounts counts_;
  std::string scratch_;
  std::string encoded_;
};

}  // namespace detail
}  // namespace v0
}  // namespace tracewire
