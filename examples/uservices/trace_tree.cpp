// trace_tree: prints the traces in OTLP/JSON files (as OtlpFileExporter or the Collector's
// file exporter write them, one ExportTraceServiceRequest per line) as trees with each
// span's duration and a proportional bar, using ConsoleExporter's tree view. Spans of one
// trace may come from several files (one per service); spans of other services than the
// trace's root are labelled with their service.
//
// Usage: trace_tree [--service NAME] [--merge OUT.json] FILE...
//   --service  only the traces that have a span of this service
//   --merge    also write every span read as one OTLP/JSON request (Jaeger's UI loads it)
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <deque>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <tracewire/export/console_exporter.hpp>

namespace {

using nlohmann::json;

std::uint64_t to_u64(const json& value) {
  if (value.is_string()) return std::stoull(value.get<std::string>());  // OTLP/JSON writes 64-bit ints as strings
  if (value.is_number_unsigned()) return value.get<std::uint64_t>();
  return 0;
}

std::string service_of(const json& resource) {
  for (const json& attribute : resource.value("attributes", json::array())) {
    if (attribute.value("key", "") == "service.name") return attribute["value"].value("stringValue", "");
  }
  return "unknown_service";
}

struct Spans {
  std::deque<tracewire::Resource> resources;  // the records borrow their resource
  std::vector<std::unique_ptr<tracewire::SpanData>> records;
  json merged = {{"resourceSpans", json::array()}};
};

// Reads one request; a line that is not OTLP/JSON is reported and skipped.
void read_request(const json& request, Spans& spans) {
  for (const json& resource_spans : request.value("resourceSpans", json::array())) {
    spans.merged["resourceSpans"].push_back(resource_spans);
    const std::string service = service_of(resource_spans.value("resource", json::object()));
    spans.resources.emplace_back(tracewire::AttributeSet{{"service.name", service}});
    for (const json& scope_spans : resource_spans.value("scopeSpans", json::array())) {
      for (const json& span : scope_spans.value("spans", json::array())) {
        auto trace_id = tracewire::TraceId::from_hex(span.value("traceId", ""));
        auto span_id = tracewire::SpanId::from_hex(span.value("spanId", ""));
        if (!trace_id || !span_id) continue;
        auto record = std::make_unique<tracewire::SpanData>();
        record->set_origin(&spans.resources.back(), nullptr, nullptr);
        record->set_name(span.value("name", ""));
        record->set_kind(static_cast<tracewire::SpanKind>(std::clamp(span.value("kind", 1), 1, 5)));
        record->set_context({*trace_id, *span_id, tracewire::TraceFlags(1), {}, false});
        if (auto parent = tracewire::SpanId::from_hex(span.value("parentSpanId", "")))
          record->set_parent(*parent, false);
        record->set_start_time(to_u64(span.value("startTimeUnixNano", json("0"))));
        record->set_end_time(to_u64(span.value("endTimeUnixNano", json("0"))));
        const int status = span.value("status", json::object()).value("code", 0);
        record->set_status(static_cast<tracewire::StatusCode>(std::clamp(status, 0, 2)));
        spans.records.push_back(std::move(record));
      }
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::string only_service;
  std::string merge_path;
  std::vector<std::string> files;
  for (int i = 1; i < argc; ++i) {
    const std::string argument = argv[i];
    if ((argument == "--service" || argument == "--merge") && i + 1 < argc) {
      (argument == "--service" ? only_service : merge_path) = argv[++i];
    } else if (argument.rfind("--", 0) == 0) {
      std::cerr << "usage: trace_tree [--service NAME] [--merge OUT.json] FILE...\n";
      return 2;
    } else {
      files.push_back(argument);
    }
  }

  Spans spans;
  for (const std::string& path : files) {
    std::ifstream file(path);
    if (!file) {
      std::cerr << "trace_tree: cannot read " << path << "\n";
      return 1;
    }
    std::string line;
    for (int number = 1; std::getline(file, line); ++number) {
      if (line.empty()) continue;
      const json request = json::parse(line, nullptr, false);
      if (request.is_discarded()) {
        std::cerr << "trace_tree: " << path << ":" << number << " is not JSON; skipped\n";
        continue;
      }
      read_request(request, spans);
    }
  }

  // Which traces to show; which span ids are present (their children nest under them).
  std::set<std::string> traces;
  std::set<std::uint64_t> present;
  for (const auto& record : spans.records) {
    present.insert(record->span_id().to_u64());
    if (only_service.empty() || record->resource().service_name() == only_service) {
      traces.insert(record->trace_id().to_hex());
    }
  }

  // ConsoleExporter prints a trace when its local root ends: feed the spans in the order
  // they ended, roots last (a server span can end after its caller's client span, once its
  // response is written), with a parent marked remote only when it is not in the files.
  std::vector<tracewire::SpanData*> order;
  for (const auto& record : spans.records) {
    if (!traces.count(record->trace_id().to_hex())) continue;
    const bool parent_here = present.count(record->parent_span_id().to_u64()) > 0;
    record->set_parent(record->parent_span_id(), !parent_here && record->parent_span_id().is_valid());
    order.push_back(record.get());
  }
  const auto is_root = [&](const tracewire::SpanData* record) {
    return present.count(record->parent_span_id().to_u64()) == 0;
  };
  std::stable_sort(order.begin(), order.end(), [&](const tracewire::SpanData* a, const tracewire::SpanData* b) {
    if (is_root(a) != is_root(b)) return is_root(b);
    return a->end_time_unix_nano() < b->end_time_unix_nano();
  });
  // Label spans of other services than their trace's root service with that service.
  std::map<std::string, std::string> root_service;
  for (auto it = order.rbegin(); it != order.rend(); ++it) {
    if (is_root(*it)) {
      root_service.emplace((*it)->trace_id().to_hex(), std::string((*it)->resource().service_name()));
    }
  }
  for (tracewire::SpanData* record : order) {
    const std::string service(record->resource().service_name());
    if (service != root_service[record->trace_id().to_hex()])
      record->set_name(service + ": " + std::string(record->name()));
  }

  tracewire::ConsoleExporter::Options options;
  options.mode = tracewire::ConsoleExporter::Mode::tree;
  tracewire::ConsoleExporter exporter(options);
  std::vector<const tracewire::SpanData*> batch(order.begin(), order.end());
  exporter.export_spans({batch.data(), batch.size()});
  exporter.force_flush(std::chrono::seconds(1));

  if (!merge_path.empty()) {
    std::ofstream merged(merge_path);
    merged << spans.merged.dump() << "\n";
    if (!merged) {
      std::cerr << "trace_tree: cannot write " << merge_path << "\n";
      return 1;
    }
  }
  if (traces.empty()) {
    std::cerr << "trace_tree: no traces" << (only_service.empty() ? "" : " of " + only_service) << " found\n";
    return 1;
  }
  return 0;
}
