#include <doctest/doctest.h>

#include <cstdio>
#include <string>

#include "tracewire/export/console_exporter.hpp"

using namespace tracewire;

namespace {
/// Captures what the exporter writes through a memory stream.
struct Capture {
  char* buffer = nullptr;
  std::size_t size = 0;
  std::FILE* file = open_memstream(&buffer, &size);
  ~Capture() {
    std::fclose(file);
    std::free(buffer);
  }
  std::string text() {
    std::fflush(file);
    return std::string(buffer, size);
  }
};

SpanDataPtr make_span(std::string_view name, std::uint64_t id, std::uint64_t parent, std::uint64_t start_ms,
                      std::uint64_t end_ms) {
  SpanDataPtr span = SpanDataPtr::make();
  span->set_name(name);
  span->set_context(SpanContext{TraceId::from_halves(0xabc, 0xdef), SpanId::from_u64(id), TraceFlags(1), {}, false});
  if (parent) span->set_parent(SpanId::from_u64(parent), false);
  span->set_start_time(start_ms * 1000000);
  span->set_end_time(end_ms * 1000000);
  return span;
}
}  // namespace

TEST_SUITE("export") {
  TEST_CASE("line mode writes one line per span with ids, duration, status and attributes") {
    Capture capture;
    ConsoleExporter exporter(ConsoleExporter::Options{ConsoleExporter::Mode::line, capture.file, 40, 100});
    auto span = make_span("GET /", 0x1111, 0x2222, 1000, 1250);
    span->set_kind(SpanKind::server);
    span->set_attribute("http.response.status_code", 500);
    std::vector<std::string_view> tags{"a", "b"};
    span->set_attribute("tags", ArrayView<std::string_view>(tags));
    span->set_status(StatusCode::error, "boom");
    const SpanData* batch[] = {span.get()};
    REQUIRE(exporter.export_spans(batch) == ExportResult::success);
    const std::string text = capture.text();
    CHECK(text.find("trace=0000000000000abc0000000000000def span=0000000000001111 parent=0000000000002222") !=
          std::string::npos);
    CHECK(text.find("GET / [server] 250.000 ms status=ERROR \"boom\"") != std::string::npos);
    CHECK(text.find("http.response.status_code=500, tags=[\"a\",\"b\"]") != std::string::npos);
    CHECK(std::count(text.begin(), text.end(), '\n') == 1);
  }

  TEST_CASE("tree mode prints a trace when its local root ends, children indented with bars") {
    Capture capture;
    ConsoleExporter exporter(ConsoleExporter::Options{ConsoleExporter::Mode::tree, capture.file, 10, 100});
    auto child = make_span("slow_query", 2, 1, 1000, 2000);
    auto root = make_span("handle", 1, 0, 1000, 2000);
    const SpanData* first[] = {child.get()};
    exporter.export_spans(first);
    CHECK(capture.text().empty());  // waits for the root
    const SpanData* second[] = {root.get()};
    exporter.export_spans(second);
    const std::string text = capture.text();
    CHECK(text.find("trace 0000000000000abc0000000000000def") == 0);
    const auto root_line = text.find("\nhandle ");
    const auto child_line = text.find("\n  slow_query ");
    REQUIRE(root_line != std::string::npos);
    REQUIRE(child_line != std::string::npos);
    CHECK(root_line < child_line);
    CHECK(text.find("1000.0 ms |██████████|") != std::string::npos);
  }

  TEST_CASE("tree mode prints orphans on flush") {
    Capture capture;
    ConsoleExporter exporter(ConsoleExporter::Options{ConsoleExporter::Mode::tree, capture.file, 10, 100});
    auto orphan = make_span("orphan", 5, 4, 0, 1);
    const SpanData* batch[] = {orphan.get()};
    exporter.export_spans(batch);
    CHECK(exporter.force_flush(std::chrono::milliseconds(100)));
    CHECK(capture.text().find("orphan") != std::string::npos);
  }
}
