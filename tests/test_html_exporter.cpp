// HtmlExporter: the page's data as a JSON parser reads it, bounded memory, writing at
// shutdown, and OTEL_TRACES_EXPORTER=html.
#include <doctest/doctest.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "mocks/recording_logger.hpp"
#include "support/view_page.hpp"
#include "tracewire/config/provider_from_environment.hpp"
#include "tracewire/export/html_exporter.hpp"

using namespace tracewire;
using nlohmann::json;
using tracewire_test::page_data;
using tracewire_test::TemporaryDirectory;

namespace {

constexpr std::uint64_t base_ns = 1796117400000000000ULL;

// Span records with an id made of `trace` and `span`, starting `start_ms` after the base.
struct Records {
  Resource resource{AttributeSet{{"service.name", "checkout"}, {"host.name", "laptop"}}};
  InstrumentationScope scope{"shop", "2.0", {}, {}};
  std::vector<std::unique_ptr<SpanData>> spans;

  SpanData& add(int trace, int span, int parent, std::uint64_t start_ms, std::uint64_t end_ms,
                std::string_view name = "op") {
    auto record = std::make_unique<SpanData>();
    record->set_origin(&resource, &scope, nullptr);
    record->set_context({TraceId::from_halves(0x1000 + static_cast<std::uint64_t>(trace), 1),
                         SpanId::from_u64(static_cast<std::uint64_t>(trace) << 16 | static_cast<std::uint64_t>(span)),
                         TraceFlags(1),
                         {},
                         false});
    if (parent != 0)
      record->set_parent(SpanId::from_u64(static_cast<std::uint64_t>(trace) << 16 | static_cast<std::uint64_t>(parent)),
                         false);
    record->set_name(name);
    record->set_start_time(base_ns + start_ms * 1000000);
    record->set_end_time(base_ns + end_ms * 1000000);
    spans.push_back(std::move(record));
    return *spans.back();
  }
  std::vector<const SpanData*> batch(std::size_t from = 0) const {
    std::vector<const SpanData*> batch;
    for (std::size_t i = from; i < spans.size(); ++i) batch.push_back(spans[i].get());
    return batch;
  }
};

std::vector<std::string> kept_trace_ids(const json& data) {
  std::vector<std::string> ids;
  for (const json& trace : data.at("traces")) ids.push_back(trace.at("id"));
  return ids;
}

std::string trace_hex(int trace) {
  return TraceId::from_halves(0x1000 + static_cast<std::uint64_t>(trace), 1).to_hex();
}

}  // namespace

TEST_SUITE("view") {
  TEST_CASE("HtmlExporter embeds spans as JSON a parser reads back exactly, which nothing in them can break out of") {
    const std::string hostile =
        "</script><script>alert(1)</script><!-- <img src=x onerror=\"alert(2)\"> 'q' & \xe2\x80\xa8\xe2\x80\xa9";
    Records records;
    SpanData& root = records.add(1, 1, 0, 0, 250, hostile);
    root.set_kind(SpanKind::server);
    root.set_attribute("text", hostile);
    root.set_attribute("bad.utf8", std::string_view("a\xff\xfe"
                                                    "b"));
    root.set_attribute("count", std::int64_t{-42});
    root.set_attribute("ratio", 0.25);
    root.set_attribute("flag", true);
    const std::vector<std::string_view> tags{"a", "<b>"};
    root.set_attribute("tags", tags);
    root.set_status(StatusCode::error, "failed </script>");
    const KeyValue event_attributes[] = {{"exception.type", "Timeout"}};
    root.add_event("exception", base_ns + 200 * 1000000, event_attributes);
    SpanData& child = records.add(1, 2, 1, 10, 30, "SELECT");
    child.set_kind(SpanKind::client);
    child.add_link(records.spans[0]->context());
    child.set_parent(child.parent_span_id(), true);

    HtmlExporterOptions options;
    options.title = "shop <test>";
    HtmlExporter exporter(options);
    const auto batch = records.batch();
    REQUIRE(exporter.export_spans({batch.data(), batch.size()}) == ExportResult::success);
    const std::string page = exporter.page();
    exporter.discard();

    // The data block holds nothing that ends it, opens a comment or ends a line in old JavaScript.
    const std::string block = tracewire_test::page_data_text(page);
    CHECK(block.find('<') == std::string::npos);
    CHECK(block.find('>') == std::string::npos);
    CHECK(block.find('&') == std::string::npos);
    CHECK(block.find("\xe2\x80\xa8") == std::string::npos);
    CHECK(block.find("\xe2\x80\xa9") == std::string::npos);
    CHECK(page.find("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none';") != std::string::npos);

    const json data = page_data(page);
    CHECK(data.at("format") == 1);
    CHECK(data.at("title") == "shop <test>");
    CHECK(data.at("baseTimeUnixNano") == std::to_string(base_ns));
    CHECK(data.at("leftOut") == json{{"traces", 0}, {"spans", 0}, {"maxTraces", 1000}});
    REQUIRE(data.at("origins").size() == 1);
    CHECK(data["origins"][0] == json::parse(R"({"service": "checkout", "resource": [["service.name", "checkout"],
                                               ["host.name", "laptop"]], "scope": "shop", "version": "2.0"})"));
    REQUIRE(data.at("traces").size() == 1);
    const json& trace = data["traces"][0];
    CHECK(trace.at("id") == trace_hex(1));
    REQUIRE(trace.at("spans").size() == 2);
    const json& first = trace["spans"][0];
    CHECK(first.at("i") == root.span_id().to_hex());
    CHECK_FALSE(first.contains("p"));
    CHECK(first.at("n") == hostile);
    CHECK(first.at("k") == 2);
    CHECK(first.at("o") == 0);
    CHECK(first.at("s") == 0);
    CHECK(first.at("d") == 250000000);
    CHECK(first.at("c") == 2);
    CHECK(first.at("m") == "failed </script>");
    const json attributes = json::array({json::array({"text", hostile}), json::array({"bad.utf8", "a\ufffd\ufffdb"}),
                                         json::array({"count", -42}), json::array({"ratio", 0.25}),
                                         json::array({"flag", true}), json::array({"tags", {"a", "<b>"}})});
    CHECK(first.at("a") == attributes);
    CHECK(first.at("e") == json::parse(R"([[200000000,"exception",[["exception.type","Timeout"]]]])"));
    const json& second = trace["spans"][1];
    CHECK(second.at("p") == root.span_id().to_hex());
    CHECK(second.at("r") == 1);  // the parent is remote
    CHECK(second.at("s") == 10000000);
    CHECK(second.at("d") == 20000000);
    CHECK(second.at("l") == json::array({json::array({trace_hex(1), root.span_id().to_hex()})}));
    CHECK_FALSE(second.contains("c"));
  }

  TEST_CASE("HtmlExporter keeps the traces updated last and counts the ones it leaves out") {
    Records records;
    HtmlExporterOptions options;
    options.max_traces = 3;
    HtmlExporter exporter(options);
    for (int trace = 1; trace <= 10; ++trace) {
      const std::size_t from = records.spans.size();
      records.add(trace, 2, 1, 10, 20);
      records.add(trace, 1, 0, 0, 30);
      const auto batch = records.batch(from);
      REQUIRE(exporter.export_spans({batch.data(), batch.size()}) == ExportResult::success);
      if (trace == 9) {  // trace 8 gets a late span: it is updated last but one now
        const std::size_t late = records.spans.size();
        records.add(8, 3, 1, 25, 28);
        const auto one = records.batch(late);
        exporter.export_spans({one.data(), one.size()});
      }
    }
    // The same span again (e.g. two files holding the same request) is kept once.
    const auto again = std::vector<const SpanData*>{records.spans.back().get()};
    exporter.export_spans({again.data(), again.size()});

    const HtmlExporterStats stats = exporter.page_stats();
    CHECK(stats.spans_exported == 22);
    CHECK(stats.traces_kept == 3);
    CHECK(stats.spans_kept == 7);
    CHECK(stats.traces_left_out == 7);
    CHECK(stats.duplicate_spans == 1);
    const json data = page_data(exporter.page());
    exporter.discard();
    CHECK(kept_trace_ids(data) == std::vector<std::string>{trace_hex(9), trace_hex(8), trace_hex(10)});
    CHECK(data.at("traces")[1].at("spans").size() == 3);
    CHECK(data.at("leftOut") == json{{"traces", 7}, {"spans", 0}, {"maxTraces", 3}});
  }

  TEST_CASE("HtmlExporter stays within its byte limit: older traces go first, then the spans that do not fit") {
    Records records;
    HtmlExporterOptions options;
    options.max_bytes = 20000;
    HtmlExporter exporter(options);
    records.add(1, 1, 0, 0, 10, "small, older");
    for (int span = 1; span <= 200; ++span) records.add(2, span, span == 1 ? 0 : 1, 0, 10, std::string(100, 'x'));
    const auto batch = records.batch();
    exporter.export_spans({batch.data(), batch.size()});

    const HtmlExporterStats stats = exporter.page_stats();
    CHECK(stats.traces_left_out == 1);  // trace 1 made room first
    CHECK(stats.traces_kept == 1);
    CHECK(stats.spans_left_out > 0);
    CHECK(stats.spans_kept + stats.spans_left_out == 200);
    CHECK(stats.bytes_kept <= options.max_bytes);
    const json data = page_data(exporter.page());
    exporter.discard();
    CHECK(kept_trace_ids(data) == std::vector<std::string>{trace_hex(2)});
    CHECK(data["traces"][0]["spans"].size() == stats.spans_kept);
    CHECK(data.at("leftOut").at("spans") == stats.spans_left_out);
  }

  TEST_CASE("HtmlExporter writes the page at shutdown, once, and reports a path it cannot write") {
    const TemporaryDirectory directory;
    Records records;
    records.add(1, 1, 0, 0, 5, "GET /");
    const auto batch = records.batch();
    HtmlExporterOptions options;
    options.path = directory / "traces.html";
    {
      HtmlExporter exporter(options);
      CHECK(exporter.describe() == "HtmlExporter{path=" + options.path + ", max_traces=1000}");
      exporter.export_spans({batch.data(), batch.size()});
      CHECK_FALSE(std::filesystem::exists(options.path));
      CHECK(exporter.force_flush(std::chrono::milliseconds(100)));  // a snapshot so far
      CHECK(page_data(tracewire_test::read_file(options.path)).at("traces").size() == 1);
      CHECK(exporter.shutdown(std::chrono::milliseconds(100)));
      tracewire_test::write_file(options.path, "changed");
      CHECK(exporter.shutdown(std::chrono::milliseconds(100)));  // a second call writes nothing
      CHECK(exporter.export_spans({batch.data(), batch.size()}) == ExportResult::failure);
      CHECK(exporter.page_stats().spans_failed == 1);
      CHECK(exporter.page_stats().pages_written == 2);
    }
    CHECK(tracewire_test::read_file(options.path) == "changed");
    CHECK_FALSE(std::filesystem::exists(options.path + ".tmp"));

    // Destroyed without shutdown: it writes the page then.
    options.path = directory / "at-exit.html";
    {
      HtmlExporter exporter(options);
      exporter.export_spans({batch.data(), batch.size()});
    }
    CHECK(page_data(tracewire_test::read_file(options.path)).at("traces").size() == 1);

    tracewire_test::CapturedLog log;
    options.path = directory / "missing-directory/traces.html";
    HtmlExporter exporter(options);
    exporter.export_spans({batch.data(), batch.size()});
    CHECK_FALSE(exporter.shutdown(std::chrono::milliseconds(100)));
    CHECK(exporter.page_stats().page_write_failures == 1);
    CHECK(log.contains("error: HtmlExporter cannot write " + options.path + ": No such file or directory"));
  }

  TEST_CASE("OTEL_TRACES_EXPORTER=html writes the program's last traces to TRACEWIRE_HTML_FILE at shutdown") {
    const TemporaryDirectory directory;
    const std::string path = directory / "program.html";
    TracerConfig config;
    config.service_name = "checkout";
    auto provider =
        make_provider_from_environment(std::move(config), MapEnvironment{{"OTEL_TRACES_EXPORTER", "html"},
                                                                         {"TRACEWIRE_HTML_FILE", path},
                                                                         {"TRACEWIRE_HTML_MAX_TRACES", "2"},
                                                                         {"OTEL_PROPAGATORS", "tracecontext"}});
    CHECK(provider->describe().find("HtmlExporter{path=" + path + ", max_traces=2}") != std::string::npos);
    auto tracer = provider->tracer("shop");
    for (const char* name : {"first", "second", "third"}) {
      auto root = tracer.start_span(name);
      auto child = tracer.start_span("child");
    }
    provider->shutdown();
    const json data = page_data(tracewire_test::read_file(path));
    REQUIRE(data.at("traces").size() == 2);
    CHECK(data.at("leftOut").at("traces") == 1);
    CHECK(data.at("traces")[0].at("spans").size() == 2);
    CHECK(data.at("origins")[0].at("service") == "checkout");
    std::vector<std::string> roots;
    for (const json& trace : data.at("traces")) {
      for (const json& span : trace.at("spans")) {
        if (!span.contains("p")) roots.push_back(span.at("n"));
      }
    }
    CHECK(roots == std::vector<std::string>{"second", "third"});

    // Unset, the file is traces.html in the working directory.
    const ExporterRegistry::Entry* entry = builtin_exporters().find("html");
    REQUIRE(entry != nullptr);
    auto exporter = entry->factory(MapEnvironment{});
    CHECK(exporter->describe() == "HtmlExporter{path=traces.html, max_traces=1000}");
    dynamic_cast<HtmlExporter&>(*exporter).discard();
  }
}
