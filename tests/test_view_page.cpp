// The trace viewer page in a real browser (Debian's chromium, headless): what a user sees of
// traces made by tracewire itself and written by tracewire-view or HtmlExporter, checked in
// the rendered DOM; hostile span content that must stay text; 10,000 spans and 1,000 traces.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "support/browser.hpp"
#include "support/traced_services.hpp"
#include "support/view_page.hpp"
#include "tracewire/export/html_exporter.hpp"

using nlohmann::json;
using tracewire_test::ExpectedSpan;
using tracewire_test::ExpectedTrace;
using tracewire_test::TemporaryDirectory;

namespace {

// One browser for every test case: starting chromium is the slowest step.
tracewire_test::Browser& browser() {
  static tracewire_test::Browser instance;
  return instance;
}

// tracewire-view over `files`, writing `page`.
void view(const std::vector<std::string>& files, const std::string& page) {
  std::vector<std::string> arguments{TRACEWIRE_VIEW_PATH, "-o", page};
  arguments.insert(arguments.end(), files.begin(), files.end());
  const auto result = tracewire_test::run_program(arguments);
  INFO(result.err);
  REQUIRE(result.status == 0);
}

// An axis label ("0", "250 ms", "1.5 s", "40 µs") in nanoseconds.
double label_ns(const std::string& label) {
  if (label == "0") return 0;
  const auto space = label.find(' ');
  REQUIRE_MESSAGE(space != std::string::npos, label);
  const double value = std::stod(label.substr(0, space));
  const std::string unit = label.substr(space + 1);
  const std::map<std::string, double> units{{"ns", 1}, {"\u00b5s", 1e3}, {"ms", 1e6}, {"s", 1e9}};
  REQUIRE_MESSAGE(units.count(unit) == 1, label);
  return value * units.at(unit);
}

// The time axis as drawn: where 0 is, and pixels per nanosecond, from its first and last tick.
struct Scale {
  double zero_x = 0;
  double pixels_per_ns = 0;
  double x(double ns) const { return zero_x + ns * pixels_per_ns; }
};
Scale axis_scale(const json& report) {
  const json& ticks = report.at("axis").at("ticks");
  REQUIRE(ticks.size() >= 3);
  const json& last = ticks.back();
  Scale scale;
  CHECK(ticks[0].at("label") == "0");
  scale.zero_x = ticks[0].at("x");
  scale.pixels_per_ns = (last.at("x").get<double>() - scale.zero_x) / label_ns(last.at("label"));
  // Every tick sits where its label says.
  for (const json& tick : ticks)
    CHECK(std::abs(tick.at("x").get<double>() - scale.x(label_ns(tick.at("label")))) < 1.0);
  return scale;
}

// The waterfall rows against what the scenario made: order, indentation, bars, events, errors.
void check_waterfall(const json& report, const ExpectedTrace& trace) {
  const json& rows = report.at("rows");
  REQUIRE(rows.size() == trace.spans.size());
  CHECK(report.at("canvasHeight") == 24.0 * static_cast<double>(trace.spans.size()));
  const Scale scale = axis_scale(report);
  // The axis spans the trace: its track is as wide as the trace's duration.
  CHECK(std::abs(report.at("axis").at("track").at("width").get<double>() -
                 scale.pixels_per_ns * static_cast<double>(trace.end_us - trace.start_us) * 1000) < 1.0);
  const double indent_step =
      rows.size() > 1 ? rows[1].at("indent").get<double>() - rows[0].at("indent").get<double>() : 0;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const json& row = rows[i];
    const ExpectedSpan& span = trace.spans[i];
    INFO("row " << i << ": " << span.service << "/" << span.name);
    CHECK(row.at("position") == i);
    CHECK(row.at("name") == span.name);
    CHECK(row.at("depth") == span.depth);
    CHECK(row.at("indent").get<double>() ==
          doctest::Approx(rows[0].at("indent").get<double>() + indent_step * span.depth));
    const double left = scale.x(static_cast<double>(span.start_us - trace.start_us) * 1000);
    const double width = scale.pixels_per_ns * static_cast<double>(span.end_us - span.start_us) * 1000;
    CHECK(std::abs(row.at("bar").at("left").get<double>() - left) <= 1.5);
    CHECK(std::abs(row.at("bar").at("width").get<double>() - std::max(1.0, width)) <= 1.5);
    REQUIRE(row.at("events").size() == span.event_us.size());
    for (std::size_t e = 0; e < span.event_us.size(); ++e) {
      CHECK(std::abs(row.at("events")[e].get<double>() -
                     scale.x(static_cast<double>(span.event_us[e] - trace.start_us) * 1000)) <= 1.5);
    }
    CHECK(row.at("error") == span.error);
    CHECK(row.at("errorMark") == span.error);
    CHECK(row.at("barColor") == row.at("color"));
  }
  CHECK(indent_step > 0);
}

// The legend: the trace's services, each in the colour of its spans' bars; one colour each.
void check_legend(const json& report, const std::vector<std::string>& services) {
  std::vector<std::string> shown;
  std::set<std::string> colours;
  for (const json& item : report.at("legend")) {
    shown.push_back(item.at("service"));
    colours.insert(item.at("color").get<std::string>());
    for (const json& row : report.at("rows")) {
      const bool of_service = row.at("service").is_string() ? row.at("service") == item.at("service") : false;
      if (of_service) CHECK(row.at("barColor") == item.at("color"));
    }
  }
  CHECK(shown == services);
  CHECK(colours.size() == services.size());
}

const json* find_edge(const json& report, const std::string& from, const std::string& to) {
  for (const json& edge : report.at("graph").at("edges")) {
    if (edge.at("from") == from && edge.at("to") == to) return &edge;
  }
  return nullptr;
}

// The value of `key` in a details section ("" is the first, untitled one).
std::string detail(const json& report, const std::string& section, const std::string& key) {
  for (const json& part : report.at("details").at("sections")) {
    if (part.at("title").get<std::string>().rfind(section, 0) != 0) continue;
    for (const json& pair : part.at("pairs")) {
      if (pair.at(0) == key) return pair.at(1);
    }
  }
  return "<absent>";
}

int trace_row(const json& report, const std::string& root_name) {
  for (std::size_t i = 0; i < report.at("traces").size(); ++i) {
    if (report["traces"][i].at("cells").at(1).get<std::string>().rfind(root_name, 0) == 0) return static_cast<int>(i);
  }
  FAIL("no trace with root " << root_name);
  return -1;
}

int span_row(const json& report, const std::string& name) {
  for (const json& row : report.at("rows")) {
    if (row.at("name") == name) return row.at("position");
  }
  FAIL("no row " << name);
  return -1;
}

void check_quiet(const json& events) {
  CHECK(events.at("console").empty());
  CHECK(events.at("pageErrors").empty());
  CHECK(events.at("dialogs").empty());
  CHECK(events.at("requests").empty());  // the page loads nothing: no network, no CDN
}

struct ShopPage {
  TemporaryDirectory directory;
  ExpectedTrace checkout, confirmation, stock_check;
  std::string page = directory / "shop.html";
  ShopPage() {
    std::vector<std::string> files;
    {
      tracewire_test::TracedServices services(directory.path, "tracecontext", {"cart", "payment"});
      checkout = services.run(tracewire_test::shop_checkout());
      confirmation = services.run(tracewire_test::shop_confirmation());
      stock_check = services.run(tracewire_test::shop_stock_check());
      files = services.finish();
    }
    view(files, page);
  }
};

}  // namespace

TEST_SUITE("view") {
  TEST_CASE(
      "the shop's checkout as a waterfall: tree order, indentation, bars on the time axis, errors, legend, graph") {
    ShopPage shop;
    browser().open(shop.page);
    json report = browser().report();
    REQUIRE(report.at("ready") == true);
    CHECK(report.at("header").at("summary") == "3 traces \u00b7 14 spans \u00b7 6 services");
    REQUIRE(report.at("traces").size() == 3);
    // Newest first: the stock check, the confirmation, the checkout; the newest is shown.
    CHECK(report["traces"][0]["cells"][1] == "POST /reserve inventory");
    CHECK(report["traces"][2]["cells"][1] == "GET /checkout frontend");
    CHECK(report["traces"][0]["selected"] == true);

    browser().click("#trace-rows tr", trace_row(report, "GET /checkout"));
    report = browser().report();
    const json& row = report["traces"][trace_row(report, "GET /checkout")];
    CHECK(row.at("selected") == true);
    CHECK(row.at("cells") == json::array({row["cells"][0], "GET /checkout frontend", "4", "10", "480 ms", "3"}));
    CHECK(row.at("error") == true);
    CHECK(report.at("trace").at("title") == "GET /checkout");
    const std::string meta = report.at("trace").at("meta");
    CHECK(meta.find("trace " + shop.checkout.spans[0].trace_id + " \u00b7 ") == 0);
    CHECK(meta.find(" \u00b7 480 ms \u00b7 10 spans \u00b7 4 services \u00b7 3 errors") != std::string::npos);

    check_waterfall(report, shop.checkout);
    for (const json& tick : report.at("axis").at("ticks")) {  // a 480 ms trace is measured in ms
      const std::string label = tick.at("label");
      CHECK_MESSAGE((label == "0" || label.find(" ms") != std::string::npos), label);
    }
    check_legend(report, {"frontend", "cart", "payment", "fraud"});

    // The service graph: who called whom, how often, and which calls failed.
    CHECK(report.at("graph").at("nodes").size() == 4);
    CHECK(report.at("graph").at("edges").size() == 3);
    const json* cart = find_edge(report, "frontend", "cart");
    const json* payment = find_edge(report, "frontend", "payment");
    const json* fraud = find_edge(report, "payment", "fraud");
    REQUIRE(cart);
    REQUIRE(payment);
    REQUIRE(fraud);
    CHECK(cart->at("text") == "1 call");
    CHECK(cart->at("error") == false);
    CHECK(payment->at("text") == "1 call, 1 error");
    CHECK(payment->at("error") == true);
    CHECK(fraud->at("text") == "1 call");

    // Details of the failed charge, after a click on its row.
    browser().click("#canvas .row", span_row(report, "POST /charge"));
    report = browser().report();
    CHECK(report.at("details").at("name") == "POST /charge");
    CHECK(detail(report, "", "service") == "payment");
    CHECK(detail(report, "", "kind") == "server");
    CHECK(detail(report, "", "status") == "error: card declined");
    CHECK(detail(report, "", "duration") == "290 ms");
    CHECK(detail(report, "", "span id") == shop.checkout.spans[6].span_id);
    CHECK(detail(report, "", "parent") == shop.checkout.spans[5].span_id + " (POST payment), remote");
    CHECK(detail(report, "", "trace id") == shop.checkout.spans[0].trace_id);
    CHECK(detail(report, "", "start (unix ns)") == std::to_string(tracewire_test::scenario_origin_ns + 105000000));
    CHECK(detail(report, "Attributes (2)", "payment.amount") == "129.90 EUR");
    CHECK(detail(report, "Resource", "service.version") == "1.4.2");
    const json& events = report.at("details").at("sections")[2];
    CHECK(events.at("title") == "Events (1)");
    REQUIRE(events.at("items").size() == 1);
    CHECK(events["items"][0].at("title") == "+285 ms  exception");
    CHECK(events["items"][0].at("pairs") == json::array({json::array({"at.us", "390000"})}));
    CHECK(report.at("rows")[span_row(report, "POST /charge")].at("selected") == true);
    check_quiet(browser().events());
  }

  TEST_CASE("the viewer follows a link to another trace, marks a span whose parent is elsewhere, sorts and searches") {
    ShopPage shop;
    browser().open(shop.page);
    json report = browser().report();

    // The stock check's root continues a caller that was not traced.
    CHECK(report.at("trace").at("title") == "POST /reserve");
    check_waterfall(report, shop.stock_check);
    CHECK(report.at("rows")[0].at("badge") == "remote parent");
    CHECK(report.at("trace").at("meta").get<std::string>().find("1 orphan (parent not in the data)") !=
          std::string::npos);

    // The confirmation e-mail links to the checkout: the link opens it.
    browser().click("#trace-rows tr", trace_row(report, "send confirmation"));
    browser().click("#canvas .row", 0);
    report = browser().report();
    CHECK(report.at("details").at("name") == "send confirmation");
    REQUIRE(report.at("details").at("links").size() == 1);
    CHECK(report["details"]["links"][0] == json{{"text", "GET /checkout \u2014 frontend"},
                                                {"traceId", shop.checkout.spans[0].trace_id},
                                                {"spanId", shop.checkout.spans[0].span_id}});
    browser().click("#details .link-target");
    report = browser().report();
    CHECK(report.at("trace").at("title") == "GET /checkout");
    CHECK(report.at("details").at("name") == "GET /checkout");
    CHECK(report.at("rows")[0].at("selected") == true);
    CHECK(report.at("traces")[trace_row(report, "GET /checkout")].at("selected") == true);

    // Sorting by duration, longest first, then shortest first.
    browser().click("#trace-table th button[data-sort=duration]");
    report = browser().report();
    CHECK(report.at("sort") == json::array({json::array({"duration", "descending"})}));
    std::vector<std::string> durations;
    for (const json& trace : report.at("traces")) durations.push_back(trace.at("cells").at(4));
    CHECK(durations == std::vector<std::string>{"480 ms", "52.0 ms", "13.3 ms"});
    browser().click("#trace-table th button[data-sort=duration]");
    report = browser().report();
    CHECK(report.at("traces")[0].at("cells").at(4) == "13.3 ms");

    // Search over attribute values: one trace matches, and in it the span that has the value.
    browser().fill("#search", "PostgreSQL");
    report = browser().report();
    REQUIRE(report.at("traces").size() == 1);
    CHECK(report.at("traces")[0].at("cells").at(1) == "GET /checkout frontend");
    CHECK(report.at("matchCount") == "1 of 3 traces match");
    std::vector<std::string> matches;
    for (const json& row : report.at("rows")) {
      if (row.at("match") == true) matches.push_back(row.at("name"));
    }
    CHECK(matches == std::vector<std::string>{"SELECT items"});
    browser().fill("#search", "smtp");
    CHECK(browser().report().at("traces")[0].at("cells").at(1) == "send confirmation email");
    browser().fill("#search", "");
    CHECK(browser().report().at("traces").size() == 3);
    check_quiet(browser().events());
  }

  TEST_CASE("the demo's trace in the viewer, and its screenshot (the README's picture)") {
    const TemporaryDirectory directory;
    std::vector<ExpectedTrace> traces;
    std::vector<std::string> files;
    {
      tracewire_test::TracedServices services(directory.path, "jaeger", {"uservice3", "uservice4"});
      for (const auto& request : tracewire_test::demo_requests()) traces.push_back(services.run(request));
      files = services.finish();
    }
    const std::string page = directory / "traces.html";
    view(files, page);
    browser().open(page, 1280, 720);
    json report = browser().report();
    REQUIRE(report.at("traces").size() == 2);
    browser().click("#trace-rows tr", 1);  // the older one: the request with an uber-trace-id
    browser().click("#canvas .row", 2);    // call_other_uservice
    report = browser().report();
    check_waterfall(report, traces[0]);
    check_legend(report, {"uservice3", "uservice4"});
    CHECK(report.at("rows")[0].at("badge") == "remote parent");
    const json* call = find_edge(report, "uservice3", "uservice4");
    REQUIRE(call);
    CHECK(call->at("text") == "1 call");
    CHECK(report.at("details").at("name") == "call_other_uservice");
    CHECK(detail(report, "", "kind") == "client");
    browser().click("#canvas .row", 0);  // the picture shows the server span's details
    report = browser().report();
    CHECK(report.at("details").at("name") == "handle_incoming_call");
    CHECK(detail(report, "", "parent") == "0e1f2a3b4c5d6e7f (remote, not in the data)");
    CHECK(detail(report, "Attributes (5)", "user_agent.original") == "curl/7.88.1");

    const std::string png = std::string(TRACEWIRE_SCREENSHOT_DIR) + "/tracewire-view.png";
    const json picture = browser().screenshot(png);
    MESSAGE("screenshot of the demo trace: " << png);
    CHECK(picture.at("width") == 1280);
    CHECK(picture.at("height") == 720);
    CHECK(picture.at("colours").get<int>() > 100);        // text, bars, legend: not one flat colour
    CHECK(picture.at("differing").get<double>() > 0.15);  // a drawn page, not a blank one
    check_quiet(browser().events());
  }

  TEST_CASE("hostile span content renders as text: no markup, no script, no broken page") {
    const TemporaryDirectory directory;
    const std::vector<std::string> names{
        "</script><script>window.__tracewire_injected = 1</script>",
        "<img src=x onerror=\"window.__tracewire_injected = 2\">",
        "quotes \" ' ` and <!-- a comment --> and ]]>",
        "bad \xff\xfe utf8 \xe2\x80\xa8 line separator",
    };
    const std::string huge(1 << 20, 'x');
    tracewire::Resource resource(
        tracewire::AttributeSet{{"service.name", "<svg onload=\"window.__tracewire_injected = 3\">"}});
    tracewire::InstrumentationScope scope{"</style><style>body{display:none}</style>", "", {}, {}};
    std::vector<std::unique_ptr<tracewire::SpanData>> spans;
    for (std::size_t i = 0; i < names.size(); ++i) {
      auto span = std::make_unique<tracewire::SpanData>();
      span->set_origin(&resource, &scope, nullptr);
      span->set_context({tracewire::TraceId::from_halves(7, 7),
                         tracewire::SpanId::from_u64(i + 1),
                         tracewire::TraceFlags(1),
                         {},
                         false});
      if (i != 0) span->set_parent(tracewire::SpanId::from_u64(1), false);
      span->set_name(names[i]);
      span->set_start_time(tracewire_test::scenario_origin_ns + i * 1000000);
      span->set_end_time(tracewire_test::scenario_origin_ns + 10000000);
      span->set_attribute("<b>key</b>", names[i]);
      span->set_attribute("huge", huge);
      const tracewire::KeyValue event_attributes[] = {{"x", names[1]}};
      span->add_event(names[0], tracewire_test::scenario_origin_ns + 5000000, event_attributes);
      span->set_status(tracewire::StatusCode::error, names[1]);
      spans.push_back(std::move(span));
    }
    // Broken parentage: a parent that is not in the data, and two spans each other's parent.
    const std::pair<const char*, std::uint64_t> broken[] = {{"lost child", 99}, {"loop a", 12}, {"loop b", 11}};
    for (std::size_t i = 0; i < 3; ++i) {
      auto span = std::make_unique<tracewire::SpanData>(*spans[0]);
      span->set_context({tracewire::TraceId::from_halves(7, 7),
                         tracewire::SpanId::from_u64(10 + i),
                         tracewire::TraceFlags(1),
                         {},
                         false});
      span->set_parent(tracewire::SpanId::from_u64(broken[i].second), false);
      span->set_name(broken[i].first);
      span->set_start_time(tracewire_test::scenario_origin_ns + (5 + i) * 1000000);
      spans.push_back(std::move(span));
    }
    std::vector<const tracewire::SpanData*> batch;
    for (const auto& span : spans) batch.push_back(span.get());
    tracewire::HtmlExporterOptions options;
    options.path = directory / "hostile.html";
    options.title = names[0];
    {
      tracewire::HtmlExporter exporter(options);
      exporter.export_spans({batch.data(), batch.size()});
    }
    // The same through tracewire-view, from an OTLP/JSON file holding raw invalid UTF-8.
    const std::string otlp = directory / "hostile.jsonl";
    {
      tracewire::OtlpFileExporter exporter(otlp);
      exporter.export_spans({batch.data(), batch.size()});
    }
    std::string line = tracewire_test::read_file(otlp);
    const auto repaired = line.find("bad \xef\xbf\xbd\xef\xbf\xbd utf8");
    REQUIRE(repaired != std::string::npos);
    line.replace(repaired, std::string("bad \xef\xbf\xbd\xef\xbf\xbd utf8").size(),
                 "bad \xff\xfe utf8");  // undo the repair
    tracewire_test::write_file(otlp, line);
    const auto result = tracewire_test::run_program({TRACEWIRE_VIEW_PATH, "-o", directory / "hostile-view.html", otlp});
    CHECK(result.status == 0);
    CHECK(result.err.find(otlp + ":1: note: invalid UTF-8 shown as U+FFFD") != std::string::npos);

    for (const std::string& page : std::vector<std::string>{options.path, directory / "hostile-view.html"}) {
      INFO(page);
      browser().open(page);
      json report = browser().report();
      REQUIRE(report.at("ready") == true);
      const json& injected = report.at("injected");
      CHECK(injected.at("images") == 0);
      CHECK(injected.at("iframes") == 0);
      CHECK(injected.at("scripts") == 2);  // the data block and the viewer's own script
      CHECK(injected.at("handlers") == 0);
      CHECK(injected.at("marker").is_null());
      REQUIRE(report.at("rows").size() == names.size() + 3);
      std::vector<std::string> shown;
      std::vector<json> badges;
      for (const json& row : report.at("rows")) {
        shown.push_back(row.at("name"));
        badges.push_back(row.at("badge"));
      }
      const std::vector<std::string> expected{
          names[0],     names[1], names[2], "bad \ufffd\ufffd utf8 \u2028 line separator",
          "lost child", "loop a", "loop b"};
      CHECK(shown == expected);
      CHECK(badges == std::vector<json>{nullptr, nullptr, nullptr, nullptr, "orphan", "parent cycle", nullptr});
      CHECK(report.at("rows")[6].at("depth") == 1);
      CHECK(report.at("legend")[0].at("service") == "<svg onload=\"window.__tracewire_injected = 3\">");

      // The 1 MiB value is shown in part, then in full on request, as text.
      browser().click("#canvas .row", 1);
      report = browser().report();
      CHECK(report.at("details").at("name") == names[1]);
      CHECK(detail(report, "", "status") == "error: " + names[1]);
      CHECK(detail(report, "Attributes", "<b>key</b>") == names[1]);
      CHECK(detail(report, "Attributes", "huge").size() ==
            10000 + std::string("\u2026Show all 1,048,576 characters").size());
      browser().click("#details .more");
      CHECK(browser().evaluate("document.querySelector('#details td.value .long').textContent.length") == 1 << 20);
      CHECK(browser().evaluate("getComputedStyle(document.body).display") == "flex");  // no injected style
      check_quiet(browser().events());
    }
  }

  TEST_CASE("10,000 spans in one trace, 1,000 traces in the page: virtual rows, scrolling, collapsing; what it costs") {
    const TemporaryDirectory directory;
    const std::string file = directory / "big.jsonl";
    std::string last_name;
    {
      tracewire::TracerProviderOptions options;
      options.resource = tracewire::Resource({{"service.name", "batch-job"}});
      options.detect_resource = false;
      tracewire::BatchSpanProcessorOptions batching;
      batching.max_queue_size = batching.max_export_batch_size = 16384;
      batching.schedule_delay = std::chrono::hours(1);
      options.processors.push_back(std::make_unique<tracewire::BatchSpanProcessor>(
          std::make_unique<tracewire::OtlpFileExporter>(file), batching));
      tracewire::TracerProvider provider(std::move(options));
      auto tracer = provider.tracer("load");
      const auto at = [](std::uint64_t us) {
        return std::chrono::system_clock::time_point(std::chrono::duration_cast<std::chrono::system_clock::duration>(
            std::chrono::nanoseconds(tracewire_test::scenario_origin_ns) + std::chrono::microseconds(us)));
      };
      {
        auto root =
            tracer.start_span("import 9,999 rows", tracewire::SpanStartOptions().with_start_time(at(0)).not_current());
        const tracewire::Context in_root = tracewire::Context().with_span_context(root.context());
        for (int batch_index = 0; batch_index < 99; ++batch_index) {
          const std::uint64_t start = 1000 + static_cast<std::uint64_t>(batch_index) * 20000;
          auto batch = tracer.start_span(
              "batch " + std::to_string(batch_index),
              tracewire::SpanStartOptions().with_parent(in_root).with_start_time(at(start)).not_current());
          const tracewire::Context in_batch = tracewire::Context().with_span_context(batch.context());
          for (int row = 0; row < 100; ++row) {
            last_name = "row " + std::to_string(batch_index) + "." + std::to_string(row);
            auto insert = tracer.start_span(
                last_name, tracewire::SpanStartOptions()
                               .with_parent(in_batch)
                               .with_start_time(at(start + 100 + static_cast<std::uint64_t>(row) * 190))
                               .not_current());
            insert.set_attribute("db.query.text", "INSERT INTO items VALUES ($1, $2)");
            insert.end(at(start + 250 + static_cast<std::uint64_t>(row) * 190));
          }
          batch.end(at(start + 19500));
        }
        root.end(at(2000000));
      }
      for (int i = 0; i < 999; ++i) {
        auto request = tracer.start_span(
            "GET /health",
            tracewire::SpanStartOptions().as_root().with_start_time(at(3000000 + i * 1000)).not_current());
        auto check =
            tracer.start_span("check", tracewire::SpanStartOptions()
                                           .with_parent(tracewire::Context().with_span_context(request.context()))
                                           .with_start_time(at(3000000 + i * 1000 + 100))
                                           .not_current());
        check.end(at(3000000 + i * 1000 + 400));
        request.end(at(3000000 + i * 1000 + 500));
      }
      provider.shutdown();
    }
    const std::string page = directory / "big.html";
    view({file}, page);
    const auto page_bytes = std::filesystem::file_size(page);
    MESSAGE("page with 11,998 spans (1,000 traces: one of 10,000 spans, 999 of 2): "
            << page_bytes / 1024 << " KiB, " << page_bytes / 11998
            << " bytes per span; the OTLP/JSON input: " << std::filesystem::file_size(file) / 1024 << " KiB");

    const json opened = browser().open(page);
    json report = browser().report();
    MESSAGE("chromium " << browser().version() << ": page loaded in " << opened.at("loadMs") << " ms, script ready "
                        << report.at("readyMs") << " ms after navigation");
    CHECK(report.at("traces").size() == 1000);

    // The big trace: longest first.
    browser().click("#trace-table th button[data-sort=spans]");
    const json selected = browser().evaluate(
        "(() => { const t = performance.now(); document.querySelector('#trace-rows tr').click(); return "
        "performance.now() - t; })()");
    MESSAGE("selecting the 10,000-span trace took " << selected.get<double>() << " ms");
    report = browser().report();
    CHECK(report.at("trace").at("title") == "import 9,999 rows");
    CHECK(report.at("canvasHeight") == 10000 * 24.0);
    CHECK(report.at("rows").size() < 120);  // only the rows in view (and a margin) exist
    CHECK(report.at("rows")[0].at("name") == "import 9,999 rows");
    CHECK(report.at("rows")[2].at("name") == "row 0.0");
    CHECK(report.at("rows")[2].at("depth") == 2);

    // Scrolled to the end, the last span's row is drawn, in place.
    browser().scroll("#rows", 10000 * 24);
    report = browser().report();
    CHECK(report.at("rows").size() < 120);
    const json& last = report.at("rows").back();
    CHECK(last.at("position") == 9999);
    CHECK(last.at("name") == last_name);
    browser().click("#canvas .row", static_cast<int>(report.at("rows").size()) - 1);
    CHECK(browser().report().at("details").at("name") == last_name);

    // Collapsing a batch hides its 100 rows.
    browser().scroll("#rows", 0);
    browser().click("#canvas .row .toggle", 1);
    report = browser().report();
    CHECK(report.at("canvasHeight") == 9900 * 24.0);
    CHECK(report.at("rows")[1].at("toggle") == "\u25b8");
    CHECK(report.at("rows")[2].at("name") == "batch 1");
    check_quiet(browser().events());
  }
}
