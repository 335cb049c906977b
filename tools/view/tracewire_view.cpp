// tracewire-view: writes the traces of OTLP/JSON files as one self-contained HTML page.
//
// Usage: tracewire-view [-o OUT.html] [--title TEXT] [--max-traces N] [INPUT...]
//
// INPUT is OTLP/JSON: one ExportTraceServiceRequest per line (what OtlpFileExporter and the
// Collector's file exporter write), or one request in the whole input (the demo's merged
// file, or pretty-printed JSON). `-` or no INPUT reads stdin; `-o -` writes to stdout. The
// page is HtmlExporter's: this program is an OTLP/JSON reader in front of it. Input is read
// line by line, each line at most 64 MiB, and the page keeps the last --max-traces traces
// (64 MiB of span data at most), so memory stays bounded whatever the input's size. Every
// problem is reported with the file, the line and the place in the request, and skips only
// what it names. Exit status: 0 when everything was read, 1 when something was skipped or
// nothing was found, 2 for a usage error.
#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <tracewire/core/detail/utf8.hpp>
#include <tracewire/export/html_exporter.hpp>

namespace {

using nlohmann::json;

constexpr std::size_t max_line_bytes = 64 * 1024 * 1024;
constexpr std::size_t max_reports_per_input = 20;

constexpr std::string_view usage =
    "usage: tracewire-view [-o OUT.html] [--title TEXT] [--max-traces N] [INPUT...]\n"
    "  Writes the traces of OTLP/JSON files (one ExportTraceServiceRequest per line, as\n"
    "  OtlpFileExporter and the Collector's file exporter write them, or one request per\n"
    "  file) as one self-contained HTML page. INPUT `-` or none: stdin.\n"
    "  -o, --output FILE   the page (default traces.html; `-` is stdout)\n"
    "  --title TEXT        the page's title (default: the input names)\n"
    "  --max-traces N      keep the last N traces (default 1000); older ones are counted\n";

// A problem found in the input: what it is, and where (a path inside the request).
struct Problem {
  std::string where;
  std::string what;
};

std::string type_name(const json& value) {
  switch (value.type()) {
    case json::value_t::null:
      return "null";
    case json::value_t::object:
      return "an object";
    case json::value_t::array:
      return "an array";
    case json::value_t::string:
      return "a string";
    case json::value_t::boolean:
      return "a boolean";
    case json::value_t::discarded:
      return "nothing";
    default:
      return "a number";
  }
}

// A whole string as a decimal integer of type T, or nothing.
template <class T>
std::optional<T> parse_decimal(std::string_view text) {
  T number{};
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (text.empty() || error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return number;
}

// A short, printable excerpt of a value, for messages.
std::string excerpt(const json& value) {
  std::string text = value.dump(-1, ' ', true, json::error_handler_t::replace);
  if (text.size() > 60) text = text.substr(0, 57) + "...";
  return text;
}

// Reads one ExportTraceServiceRequest into span records and hands them to the exporter.
// A problem inside a span skips that span; a problem in a resource or a scope skips its
// spans; each is reported once.
class RequestReader {
 public:
  explicit RequestReader(tracewire::HtmlExporter& exporter) : exporter_(exporter) {
    limits_.attribute_count = limits_.event_count = limits_.link_count = tracewire::SpanLimits::unlimited;
    limits_.attributes_per_event = limits_.attributes_per_link = tracewire::SpanLimits::unlimited;
  }

  /// Returns how many spans were read.
  std::size_t read(const json& request, std::vector<Problem>& problems) {
    problems_ = &problems;
    resources_.clear();
    scopes_.clear();
    records_.clear();
    if (!request.is_object()) {
      report("", "expected an OTLP/JSON ExportTraceServiceRequest (an object with \"resourceSpans\"), got " +
                     type_name(request));
      return 0;
    }
    const auto resource_spans = request.find("resourceSpans");
    if (resource_spans == request.end()) {
      if (!request.empty()) {
        report("",
               "no \"resourceSpans\": not an OTLP/JSON ExportTraceServiceRequest (Jaeger's and Zipkin's JSON "
               "are other formats)");
      }
      return 0;
    }
    if (!expect_array(*resource_spans, "resourceSpans")) return 0;
    for (std::size_t i = 0; i < resource_spans->size(); ++i) {
      read_resource_spans((*resource_spans)[i], fmt::format("resourceSpans[{}]", i));
    }
    std::vector<const tracewire::SpanData*> batch;
    batch.reserve(records_.size());
    for (const auto& record : records_) batch.push_back(record.get());
    if (!batch.empty()) exporter_.export_spans({batch.data(), batch.size()});  // exporters get no empty batch
    return batch.size();
  }

 private:
  // Thrown inside a span, resource or scope to skip it after reporting.
  struct Skip {};

  void report(std::string where, std::string what) { problems_->push_back({std::move(where), std::move(what)}); }
  [[noreturn]] void fail(const std::string& where, std::string what) {
    report(where, std::move(what));
    throw Skip{};
  }

  bool expect_array(const json& value, const std::string& where) {
    if (value.is_array()) return true;
    report(where, "expected an array, got " + type_name(value));
    return false;
  }
  const json* member(const json& object, const char* name, json::value_t type, const std::string& where) {
    const auto found = object.find(name);
    if (found == object.end() || found->is_null()) return nullptr;
    const bool matches = found->type() == type || (type == json::value_t::number_integer && found->is_number_integer());
    if (!matches) {
      fail(where + "." + name, fmt::format("expected {}, got {}", type_name(json(type)), type_name(*found)));
    }
    return &*found;
  }
  std::string_view string_member(const json& object, const char* name, const std::string& where) {
    const json* value = member(object, name, json::value_t::string, where);
    return value ? std::string_view(value->get_ref<const std::string&>()) : std::string_view();
  }
  const json& object_at(const json& array, std::size_t index, const std::string& where) {
    const json& value = array[index];
    if (!value.is_object()) fail(where, "expected an object, got " + type_name(value));
    return value;
  }
  const json* array_member(const json& object, const char* name, const std::string& where) {
    return member(object, name, json::value_t::array, where);
  }

  void read_resource_spans(const json& value, const std::string& where) {
    try {
      if (!value.is_object()) fail(where, "expected an object, got " + type_name(value));
      tracewire::AttributeSet attributes;
      if (const json* resource = member(value, "resource", json::value_t::object, where)) {
        read_attributes(*resource, where + ".resource",
                        [&](std::string_view key, const tracewire::AttributeValue& v) { attributes.set(key, v); });
      }
      resources_.emplace_back(std::move(attributes), std::string(string_member(value, "schemaUrl", where)));
      const json* scope_spans = array_member(value, "scopeSpans", where);
      if (!scope_spans) return;
      for (std::size_t i = 0; i < scope_spans->size(); ++i) {
        read_scope_spans((*scope_spans)[i], fmt::format("{}.scopeSpans[{}]", where, i));
      }
    } catch (const Skip&) {}
  }

  void read_scope_spans(const json& value, const std::string& where) {
    try {
      if (!value.is_object()) fail(where, "expected an object, got " + type_name(value));
      tracewire::InstrumentationScope scope;
      if (const json* scope_json = member(value, "scope", json::value_t::object, where)) {
        scope.name = std::string(string_member(*scope_json, "name", where + ".scope"));
        scope.version = std::string(string_member(*scope_json, "version", where + ".scope"));
      }
      scopes_.push_back(std::move(scope));
      const json* spans = array_member(value, "spans", where);
      if (!spans) return;
      for (std::size_t i = 0; i < spans->size(); ++i) {
        const std::string span_where = fmt::format("{}.spans[{}]", where, i);
        try {
          read_span(object_at(*spans, i, span_where), span_where);
        } catch (const Skip&) {}
      }
    } catch (const Skip&) {}
  }

  template <class Id>
  Id read_id(const json& object, const char* name, const std::string& where, bool required) {
    constexpr std::size_t digits = 2 * Id::size;
    const std::string path = where + "." + name;
    const std::string_view text = string_member(object, name, where);
    if (text.empty()) {
      if (required) fail(path, "missing");
      return Id();
    }
    std::string lower(text);
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    const auto id = Id::from_hex(lower);
    if (!id) {
      fail(path, fmt::format("{} is not {} hex digits ({} characters)", excerpt(json(text)), digits, text.size()));
    }
    if (required && !id->is_valid()) fail(path, "all zero: not a valid id");
    return *id;
  }

  std::uint64_t read_unsigned(const json& object, const char* name, const std::string& where, bool required) {
    const auto found = object.find(name);
    const std::string path = where + "." + name;
    if (found == object.end() || found->is_null()) {
      if (required) fail(path, "missing");
      return 0;
    }
    if (found->is_number_unsigned()) return found->get<std::uint64_t>();
    if (found->is_string()) {
      if (auto number = parse_decimal<std::uint64_t>(found->get_ref<const std::string&>())) return *number;
    }
    fail(path, "expected a non-negative integer (a decimal string in OTLP/JSON), got " + excerpt(*found));
  }

  // An enum as its number or its protobuf name (OTLP/JSON writes numbers; readers accept both).
  int read_enum(const json& object, const char* name, const std::string& where,
                std::initializer_list<std::string_view> names) {
    const auto found = object.find(name);
    if (found == object.end() || found->is_null()) return 0;
    if (found->is_number_integer()) {
      const auto number = found->get<std::int64_t>();
      if (number >= 0 && number < static_cast<std::int64_t>(names.size())) return static_cast<int>(number);
    } else if (found->is_string()) {
      int index = 0;
      for (std::string_view candidate : names) {
        if (found->get_ref<const std::string&>() == candidate) return index;
        ++index;
      }
    }
    fail(where + "." + name, "unknown value " + excerpt(*found));
  }

  void read_span(const json& span, const std::string& where) {
    auto record = std::make_unique<tracewire::SpanData>();
    record->set_origin(&resources_.back(), &scopes_.back(), &limits_);
    const auto trace_id = read_id<tracewire::TraceId>(span, "traceId", where, true);
    const auto span_id = read_id<tracewire::SpanId>(span, "spanId", where, true);
    const auto parent_id = read_id<tracewire::SpanId>(span, "parentSpanId", where, false);
    const std::uint64_t flags = read_unsigned(span, "flags", where, false);
    record->set_context({trace_id, span_id, tracewire::TraceFlags(static_cast<std::uint8_t>(flags & 0xff)), {}, false});
    record->set_parent(parent_id, (flags & 0x300) == 0x300);
    record->set_name(string_member(span, "name", where));
    const int kind = read_enum(span, "kind", where,
                               {"SPAN_KIND_UNSPECIFIED", "SPAN_KIND_INTERNAL", "SPAN_KIND_SERVER", "SPAN_KIND_CLIENT",
                                "SPAN_KIND_PRODUCER", "SPAN_KIND_CONSUMER"});
    record->set_kind(static_cast<tracewire::SpanKind>(std::max(kind, 1)));
    record->set_start_time(read_unsigned(span, "startTimeUnixNano", where, true));
    record->set_end_time(read_unsigned(span, "endTimeUnixNano", where, true));
    read_attributes(span, where, [&](std::string_view key, const tracewire::AttributeValue& value) {
      record->set_attribute(key, value);
    });
    record->add_dropped_attributes(
        static_cast<std::uint32_t>(read_unsigned(span, "droppedAttributesCount", where, false)));
    if (const json* events = array_member(span, "events", where)) {
      for (std::size_t i = 0; i < events->size(); ++i) {
        const std::string event_where = fmt::format("{}.events[{}]", where, i);
        const json& event = object_at(*events, i, event_where);
        std::vector<tracewire::KeyValue> attributes;
        read_attributes(event, event_where, [&](std::string_view key, const tracewire::AttributeValue& value) {
          attributes.push_back({key, value});
        });
        record->add_event(string_member(event, "name", event_where),
                          read_unsigned(event, "timeUnixNano", event_where, true), attributes);
        texts_.clear();
      }
    }
    if (const json* links = array_member(span, "links", where)) {
      for (std::size_t i = 0; i < links->size(); ++i) {
        const std::string link_where = fmt::format("{}.links[{}]", where, i);
        const json& link = object_at(*links, i, link_where);
        tracewire::SpanContext context{read_id<tracewire::TraceId>(link, "traceId", link_where, true),
                                       read_id<tracewire::SpanId>(link, "spanId", link_where, true),
                                       tracewire::TraceFlags(),
                                       {},
                                       false};
        std::vector<tracewire::KeyValue> attributes;
        read_attributes(link, link_where, [&](std::string_view key, const tracewire::AttributeValue& value) {
          attributes.push_back({key, value});
        });
        record->add_link(context, attributes);
        texts_.clear();
      }
    }
    if (const json* status = member(span, "status", json::value_t::object, where)) {
      const int code =
          read_enum(*status, "code", where + ".status", {"STATUS_CODE_UNSET", "STATUS_CODE_OK", "STATUS_CODE_ERROR"});
      record->set_status(static_cast<tracewire::StatusCode>(code),
                         string_member(*status, "message", where + ".status"));
    }
    texts_.clear();
    records_.push_back(std::move(record));
  }

  // Calls `add(key, value)` for each KeyValue of object.attributes; values that tracewire's
  // attribute model has no type for (maps, mixed or nested arrays, bytes) become their JSON
  // text. The views stay valid until texts_ is cleared.
  template <class Add>
  void read_attributes(const json& object, const std::string& where, Add&& add) {
    const json* attributes = array_member(object, "attributes", where);
    if (!attributes) return;
    for (std::size_t i = 0; i < attributes->size(); ++i) {
      const std::string item_where = fmt::format("{}.attributes[{}]", where, i);
      const json& attribute = object_at(*attributes, i, item_where);
      const std::string_view key = string_member(attribute, "key", item_where);
      if (key.empty()) fail(item_where + ".key", "missing");
      const auto value = attribute.find("value");
      add(key, value == attribute.end() ? tracewire::AttributeValue() : any_value(*value, item_where + ".value"));
    }
  }

  tracewire::AttributeValue any_value(const json& value, const std::string& where) {
    if (value.is_null()) return {};
    if (!value.is_object()) fail(where, "expected an AnyValue object, got " + type_name(value));
    if (value.empty()) return {};
    const std::string& name = value.begin().key();  // a reference into the object, not into a temporary
    const json& held = value.begin().value();
    if (value.size() != 1) fail(where, "an AnyValue holds one member, got " + std::to_string(value.size()));
    if (name == "stringValue" && held.is_string()) return std::string_view(held.get_ref<const std::string&>());
    if (name == "boolValue" && held.is_boolean()) return held.get<bool>();
    if (name == "intValue") {
      if (held.is_number_integer()) return held.get<std::int64_t>();
      if (held.is_string()) {
        if (auto number = parse_decimal<std::int64_t>(held.get_ref<const std::string&>())) return *number;
      }
    }
    if (name == "doubleValue") {
      if (held.is_number()) return held.get<double>();
      if (held == "NaN") return std::nan("");
      if (held == "Infinity") return HUGE_VAL;
      if (held == "-Infinity") return -HUGE_VAL;
    }
    if (name == "arrayValue" || name == "kvlistValue" || name == "bytesValue") {
      texts_.push_back(name == "bytesValue" && held.is_string() ? held.get<std::string>() : plain_json(value).dump());
      return std::string_view(texts_.back());
    }
    for (std::string_view known : {"stringValue", "boolValue", "intValue", "doubleValue"}) {
      if (name == known) fail(where + "." + name, "unexpected value " + excerpt(held));
    }
    fail(where, "unknown AnyValue member " + excerpt(json(name)));
  }

  // An AnyValue tree as plain JSON (arrays as arrays, key-value lists as objects, numbers as
  // numbers), the text shown for the values tracewire's attribute model has no type for.
  static json plain_json(const json& value) {
    if (!value.is_object() || value.size() != 1) return value;
    const std::string& name = value.begin().key();
    const json& held = value.begin().value();
    const bool list = name == "kvlistValue";
    if ((name == "arrayValue" || list) && held.is_object()) {
      json out = list ? json::object() : json::array();
      const auto values = held.find("values");
      if (values == held.end() || !values->is_array()) return out;
      for (const json& item : *values) {
        if (!list) {
          out.push_back(plain_json(item));
        } else if (item.is_object() && item.contains("key") && item["key"].is_string()) {
          out[item["key"].get<std::string>()] = plain_json(item.value("value", json()));
        }
      }
      return out;
    }
    if (name == "intValue" && held.is_string()) {
      if (auto number = parse_decimal<std::int64_t>(held.get_ref<const std::string&>())) return *number;
    }
    return held;
  }

  tracewire::HtmlExporter& exporter_;
  tracewire::SpanLimits limits_;
  std::vector<Problem>* problems_ = nullptr;
  std::deque<tracewire::Resource> resources_;  // the records borrow their resource and scope
  std::deque<tracewire::InstrumentationScope> scopes_;
  std::vector<std::unique_ptr<tracewire::SpanData>> records_;
  std::deque<std::string> texts_;
};

// Splits a stream into lines without ever holding more than `limit` bytes of one line.
class LineReader {
 public:
  enum class Result { line, too_long, end };

  LineReader(std::FILE* file, std::size_t limit) : file_(file), limit_(limit), buffer_(1 << 20) {}

  // The next line without its end (`\n` or `\r\n`). `too_long`: the line had more than
  // `limit` bytes and was skipped; `line` is then empty.
  Result next(std::string& line) {
    line.clear();
    bool too_long = false;
    for (;;) {
      if (begin_ == end_) {
        if (eof_ || !fill()) {
          if (too_long) return Result::too_long;
          return line.empty() && !partial_ ? Result::end : finish(line);
        }
      }
      partial_ = true;
      const char* start = buffer_.data() + begin_;
      const void* newline = std::memchr(start, '\n', end_ - begin_);
      const std::size_t length = newline ? static_cast<const char*>(newline) - start : end_ - begin_;
      if (!too_long && line.size() + length > limit_) {
        too_long = true;
        line.clear();
        line.shrink_to_fit();
      }
      if (!too_long) {
        // A long line gets the limit's room at once: one allocation rather than a doubling
        // series whose freed steps would add up to twice the limit.
        if (line.size() + length > line.capacity() && line.size() + length > (std::size_t{1} << 20))
          line.reserve(limit_);
        line.append(start, length);
      }
      begin_ += length;
      if (newline) {
        ++begin_;
        partial_ = false;
        if (too_long) return Result::too_long;
        return finish(line);
      }
    }
  }

  bool failed() const noexcept { return error_; }

 private:
  Result finish(std::string& line) {
    partial_ = false;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    return Result::line;
  }
  bool fill() {
    begin_ = 0;
    end_ = std::fread(buffer_.data(), 1, buffer_.size(), file_);
    if (end_ == 0) {
      eof_ = true;
      error_ = std::ferror(file_) != 0;
    }
    return end_ != 0;
  }

  std::FILE* file_;
  std::size_t limit_;
  std::vector<char> buffer_;
  std::size_t begin_ = 0;
  std::size_t end_ = 0;
  bool eof_ = false;
  bool error_ = false;
  bool partial_ = false;
};

struct Totals {
  std::size_t spans = 0;
  std::size_t problems = 0;
};

// Reports up to max_reports_per_input problems of one input, then counts the rest.
class Reporter {
 public:
  explicit Reporter(std::string name) : name_(std::move(name)) {}
  ~Reporter() {
    if (count_ > max_reports_per_input) {
      std::fprintf(stderr, "tracewire-view: %s: %zu more problems not shown\n", name_.c_str(),
                   count_ - max_reports_per_input);
    }
  }
  void operator()(std::size_t line, const std::string& message) {
    if (++count_ <= max_reports_per_input) {
      std::fprintf(stderr, "tracewire-view: %s:%zu: %s\n", name_.c_str(), line, message.c_str());
    }
  }
  std::size_t count() const noexcept { return count_; }

 private:
  std::string name_;
  std::size_t count_ = 0;
};

std::string describe_parse_error(const json::parse_error& error) {
  std::string message = error.what();
  // "[json.exception.parse_error.101] parse error at line 1, column 9: syntax error while
  // parsing object - unexpected end of input; expected '}'" -> from "syntax error" on.
  const auto at = message.find(": ", message.find("parse error"));
  if (at != std::string::npos) message = message.substr(at + 2);
  return message;
}

// Whether the text ended inside a JSON value (the error is at its very end).
bool is_truncated(const json::parse_error& error, const std::string& text) {
  return error.byte > text.size() ||
         std::string_view(error.what()).find("unexpected end of input") != std::string_view::npos;
}

void report_problems(Reporter& reporter, std::size_t line, const std::vector<Problem>& problems) {
  for (const Problem& problem : problems) {
    reporter(line, (problem.where.empty() ? "" : problem.where + ": ") + problem.what +
                       (problem.where.find(".spans[") != std::string::npos ? "; span skipped" : ""));
  }
}

// Reads one input: one request per line, or, when its first line is an incomplete JSON
// value, the whole input as one (pretty-printed) request.
void read_input(std::FILE* file, const std::string& name, RequestReader& reader, Totals& totals) {
  Reporter reporter(name);
  LineReader lines(file, max_line_bytes);
  std::string line;
  std::vector<Problem> problems;
  std::size_t number = 0;
  std::size_t spans = 0;
  bool utf8_noted = false;
  for (;;) {
    const LineReader::Result result = lines.next(line);
    if (result == LineReader::Result::end) break;
    ++number;
    if (result == LineReader::Result::too_long) {
      reporter(number, fmt::format("a line longer than {} MiB, skipped (tracewire-view reads one request per line, "
                                   "each at most {} MiB)",
                                   max_line_bytes >> 20, max_line_bytes >> 20));
      continue;
    }
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    if (!tracewire::detail::is_valid_utf8(line)) {
      // JSON must be UTF-8; other producers may not repair what they were given.
      tracewire::detail::make_valid_utf8(line);
      if (!utf8_noted) {
        std::fprintf(stderr, "tracewire-view: %s:%zu: note: invalid UTF-8 shown as U+FFFD\n", name.c_str(), number);
        utf8_noted = true;
      }
    }
    json request;
    try {
      request = json::parse(line);
    } catch (const json::parse_error& error) {
      if (number == 1 && is_truncated(error, line)) {
        // Perhaps pretty-printed: the rest of the input completes the first line.
        std::string document = line;
        std::size_t document_lines = 1;
        bool complete = true;
        for (LineReader::Result more; (more = lines.next(line)) != LineReader::Result::end;) {
          ++document_lines;
          if (more == LineReader::Result::too_long || document.size() + line.size() + 1 > max_line_bytes) {
            complete = false;
            break;
          }
          document.append("\n").append(line);
        }
        try {
          if (complete) {
            request = json::parse(document);
            number = document_lines;
          }
        } catch (const json::parse_error& document_error) {
          if (document_lines > 1) {
            reporter(1, fmt::format("not one OTLP/JSON request per line, nor one request in the whole input: {}",
                                    describe_parse_error(document_error)));
            break;
          }
        }
        if (request.is_null()) {
          reporter(1, fmt::format("{}: {} (byte {} of the line)",
                                  complete ? "the line is incomplete JSON (truncated?)"
                                           : "the input is too large to read as one request",
                                  describe_parse_error(error), error.byte));
          break;
        }
      } else {
        reporter(number, fmt::format("{}: {} (byte {} of the line)",
                                     is_truncated(error, line) ? "the line is incomplete JSON (truncated?)"
                                                               : "the line is not valid JSON",
                                     describe_parse_error(error), error.byte));
        continue;
      }
    }
    problems.clear();
    spans += reader.read(request, problems);
    report_problems(reporter, number, problems);
  }
  if (lines.failed()) reporter(number + 1, std::string("read error: ") + std::strerror(errno));
  if (spans == 0 && reporter.count() == 0) reporter(number, "no spans");
  totals.spans += spans;
  totals.problems += reporter.count();
}

std::string count(std::size_t number, const char* noun) {
  return fmt::format("{} {}{}", number, noun, number == 1 ? "" : "s");
}

std::optional<std::size_t> parse_count(const char* text) {
  const auto value = parse_decimal<std::size_t>(text);
  if (!value || *value == 0) return std::nullopt;
  return value;
}

}  // namespace

int main(int argc, char** argv) {
  tracewire::HtmlExporterOptions options;
  std::vector<std::string> inputs;
  std::string title;
  for (int i = 1; i < argc; ++i) {
    const std::string argument = argv[i];
    const bool has_value = i + 1 < argc;
    if ((argument == "-o" || argument == "--output") && has_value) {
      options.path = argv[++i];
    } else if (argument == "--title" && has_value) {
      title = argv[++i];
    } else if (argument == "--max-traces" && has_value) {
      const auto count = parse_count(argv[++i]);
      if (!count) {
        std::fprintf(stderr, "tracewire-view: --max-traces wants a positive integer, got %s\n%s", argv[i],
                     usage.data());
        return 2;
      }
      options.max_traces = *count;
    } else if (argument == "-h" || argument == "--help") {
      std::fputs(usage.data(), stdout);
      return 0;
    } else if (argument.size() > 1 && argument[0] == '-') {
      std::fprintf(stderr, "tracewire-view: unknown option or missing value: %s\n%s", argument.c_str(), usage.data());
      return 2;
    } else {
      inputs.push_back(argument);
    }
  }
  if (inputs.empty()) inputs.push_back("-");
  if (title.empty()) {
    for (const std::string& input : inputs) {
      const std::string name = input == "-" ? "stdin" : input.substr(input.find_last_of('/') + 1);
      title += (title.empty() ? "" : ", ") + name;
    }
  }
  options.title = title;

  // The exporter writes the page at shutdown, to a temporary file renamed over the output.
  tracewire::HtmlExporter exporter(options);
  RequestReader reader(exporter);
  Totals totals;
  for (const std::string& input : inputs) {
    const bool is_stdin = input == "-";
    std::FILE* file = is_stdin ? stdin : std::fopen(input.c_str(), "rb");
    if (file == nullptr) {
      std::fprintf(stderr, "tracewire-view: cannot read %s: %s\n", input.c_str(), std::strerror(errno));
      ++totals.problems;
      continue;
    }
    read_input(file, is_stdin ? "stdin" : input, reader, totals);
    if (!is_stdin) std::fclose(file);
  }
  if (totals.spans == 0) {
    std::fprintf(stderr, "tracewire-view: no spans read; nothing written\n");
    exporter.discard();  // an existing page is left as it is
    return 1;
  }
  if (!exporter.shutdown(std::chrono::milliseconds(0))) return 1;
  const tracewire::HtmlExporterStats stats = exporter.page_stats();
  std::fprintf(stderr, "tracewire-view: wrote %s: %s, %s", options.path == "-" ? "stdout" : options.path.c_str(),
               count(stats.traces_kept, "trace").c_str(), count(stats.spans_kept, "span").c_str());
  if (stats.traces_left_out != 0) {
    std::fprintf(stderr, " (%llu older traces left out: --max-traces %zu)",
                 static_cast<unsigned long long>(stats.traces_left_out), options.max_traces);
  }
  if (stats.duplicate_spans != 0) {
    std::fprintf(stderr, " (%llu duplicate spans ignored)", static_cast<unsigned long long>(stats.duplicate_spans));
  }
  std::fprintf(stderr, "\n");
  return totals.problems == 0 ? 0 : 1;
}
