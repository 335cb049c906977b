// tracewire-view (tools/view): the files OtlpFileExporter writes become one page holding
// every span; bad input is reported by file and line and skips only what is wrong.
#include <doctest/doctest.h>

#include <cstdio>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "support/traced_services.hpp"
#include "support/view_page.hpp"

using nlohmann::json;
using tracewire_test::ProgramResult;
using tracewire_test::read_file;
using tracewire_test::TemporaryDirectory;
using tracewire_test::write_file;

namespace {

ProgramResult view(std::vector<std::string> arguments, const std::string& input = "/dev/null") {
  arguments.insert(arguments.begin(), TRACEWIRE_VIEW_PATH);
  return tracewire_test::run_program(arguments, input);
}

// The page's spans by span id, each with its trace id and its origin's service added.
std::map<std::string, json> spans_by_id(const json& data) {
  std::map<std::string, json> spans;
  for (const json& trace : data.at("traces")) {
    for (json span : trace.at("spans")) {
      span["trace"] = trace.at("id");
      span["service"] = data.at("origins").at(span.at("o").get<std::size_t>()).at("service");
      spans[span.at("i")] = span;
    }
  }
  return spans;
}

// One OTLP/JSON request line with one span, as OtlpFileExporter writes it.
std::string request_line(const std::string& span_fields) {
  return R"({"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"svc"}}]},)"
         R"("scopeSpans":[{"scope":{"name":"s"},"spans":[{)" +
         span_fields + "}]}]}]}";
}
std::string valid_span(const std::string& span_id) {
  return R"("traceId":"4bf92f3577b34da6a3ce929d0e0e4736","spanId":")" + span_id +
         R"(","name":"ok","kind":2,"startTimeUnixNano":"1796117400000000000","endTimeUnixNano":"1796117400005000000")";
}

}  // namespace

TEST_SUITE("view") {
  TEST_CASE("tracewire-view puts every span of the files OtlpFileExporter writes into the page") {
    const TemporaryDirectory directory;
    std::vector<tracewire_test::ExpectedTrace> traces;
    std::vector<std::string> files;
    {
      tracewire_test::TracedServices services(directory.path, "tracecontext", {"cart", "payment", "email"});
      traces.push_back(services.run(tracewire_test::shop_checkout()));
      traces.push_back(services.run(tracewire_test::shop_confirmation()));
      traces.push_back(services.run(tracewire_test::shop_stock_check()));
      files = services.finish();
    }
    REQUIRE(files.size() == 6);
    std::vector<std::string> arguments{"-o", directory / "shop.html"};
    arguments.insert(arguments.end(), files.begin(), files.end());
    const ProgramResult result = view(arguments);
    INFO(result.err);
    CHECK(result.status == 0);
    CHECK(result.err == "tracewire-view: wrote " + (directory / "shop.html") + ": 3 traces, 14 spans\n");

    // Read back by nlohmann-json: every span with its ids, parent, times, status, events, links.
    const json data = tracewire_test::page_data(read_file(directory / "shop.html"));
    CHECK(data.at("title") == "cart.jsonl, email.jsonl, fraud.jsonl, frontend.jsonl, inventory.jsonl, payment.jsonl");
    const std::uint64_t base = std::stoull(data.at("baseTimeUnixNano").get<std::string>());
    const auto spans = spans_by_id(data);
    std::size_t expected_count = 0;
    std::map<std::string, std::string> ids;  // "service/name" -> span id
    for (const auto& trace : traces) {
      for (const auto& expected : trace.spans) ids[expected.service + "/" + expected.name] = expected.span_id;
    }
    for (const auto& trace : traces) {
      for (const auto& expected : trace.spans) {
        ++expected_count;
        INFO(expected.service << "/" << expected.name);
        REQUIRE(spans.count(expected.span_id) == 1);
        const json& span = spans.at(expected.span_id);
        CHECK(span.at("trace") == expected.trace_id);
        CHECK(span.at("n") == expected.name);
        CHECK(span.at("service") == expected.service);
        CHECK(base + span.at("s").get<std::int64_t>() == tracewire_test::scenario_origin_ns + expected.start_us * 1000);
        CHECK(span.at("d") == (expected.end_us - expected.start_us) * 1000);
        CHECK(span.value("c", 0) == (expected.error ? 2 : 0));
        if (!expected.parent.empty()) CHECK(span.at("p") == ids.at(expected.parent));
        CHECK(span.value("r", 0) ==
              ((expected.remote_parent ||
                (!expected.parent.empty() && expected.parent.substr(0, expected.parent.find('/')) != expected.service))
                   ? 1
                   : 0));
        CHECK(span.contains("p") == (!expected.parent.empty() || expected.remote_parent));
        std::vector<std::uint64_t> events;
        for (const json& event : span.value("e", json::array()))
          events.push_back(expected.start_us + event.at(0).get<std::uint64_t>() / 1000);
        CHECK(events == expected.event_us);
        for (const auto& pair : expected.attributes) {
          bool found = false;
          for (const json& attribute : span.value("a", json::array())) {
            found = found || attribute == json::array({pair.first, pair.second});
          }
          CHECK_MESSAGE(found, pair.first);
        }
        if (!expected.link_to.empty()) {
          CHECK(span.at("l") ==
                json::array({json::array({spans.at(ids.at(expected.link_to)).at("trace"), ids.at(expected.link_to)})}));
        }
      }
    }
    CHECK(spans.size() == expected_count);

    // The same from stdin to stdout, and a span given twice is shown once.
    const ProgramResult piped = view({"-o", "-", "-", files[3]}, files[3]);
    CHECK(piped.status == 0);
    CHECK(piped.out.rfind("<!-- The trace viewer page", 0) == 0);
    CHECK(tracewire_test::page_data(piped.out).at("title") == "stdin, frontend.jsonl");
    CHECK(piped.err == "tracewire-view: wrote stdout: 1 trace, 4 spans (4 duplicate spans ignored)\n");
  }

  TEST_CASE("tracewire-view reads one pretty-printed request as well as one request per line") {
    const TemporaryDirectory directory;
    const json request = json::parse(request_line(valid_span("00f067aa0ba902b7")));
    write_file(directory / "pretty.json", request.dump(2) + "\n");
    const ProgramResult result = view({"-o", directory / "pretty.html", directory / "pretty.json"});
    INFO(result.err);
    CHECK(result.status == 0);
    CHECK(spans_by_id(tracewire_test::page_data(read_file(directory / "pretty.html"))).count("00f067aa0ba902b7") == 1);
  }

  TEST_CASE("tracewire-view names the file and line of each problem and skips only what is wrong") {
    const TemporaryDirectory directory;
    const std::string good = request_line(valid_span("00f067aa0ba902b7"));
    const std::vector<std::string> lines{
        good,
        good.substr(0, 150),                       // 2: cut short
        "[1, 2, 3]",                               // 3: not a request
        R"({"resourceSpans": {"resource": {}}})",  // 4: not an array
        request_line(valid_span("00f067aa0ba902b8").replace(11, 32, "4bf92f3577b34da6a3ce929d0e0e473")),  // 5
        request_line(valid_span("00f067aa0ba902b89")),  // 6: a 17-digit span id
        request_line(R"("traceId":"4bf92f3577b34da6a3ce929d0e0e4736","spanId":"00f067aa0ba902c0","name":"x")"),     // 7
        request_line(valid_span("00f067aa0ba902c1") + R"(,"attributes":[{"key":"k","value":{"stringValue":5}}])"),  // 8
        R"({"resourceSpans":[{"scopeSpans":[{"spans":["x"]}]}]})",                                                  // 9
        R"({"data": [{"traceID": "abc"}]})",                                                 // 10: Jaeger's JSON
        request_line(valid_span("00f067aa0ba902c2").replace(11, 32, std::string(32, '0'))),  // 11
        "{\"resourceSpans\": [}",                                                            // 12
        request_line(valid_span("00f067aa0ba902c3")),                                        // 13: still read
    };
    std::string text;
    for (const std::string& line : lines) text += line + "\n";
    write_file(directory / "bad.jsonl", text);
    const ProgramResult result = view({"-o", directory / "bad.html", directory / "bad.jsonl"});
    INFO(result.err);
    CHECK(result.status == 1);
    const std::string file = directory / "bad.jsonl";
    const std::string span = "resourceSpans[0].scopeSpans[0].spans[0]";
    const std::vector<std::string> messages{
        file + ":2: the line is incomplete JSON (truncated?): syntax error while parsing",
        file + ":3: expected an OTLP/JSON ExportTraceServiceRequest (an object with \"resourceSpans\"), got an array",
        file + ":4: resourceSpans: expected an array, got an object",
        file + ":5: " + span +
            ".traceId: \"4bf92f3577b34da6a3ce929d0e0e473\" is not 32 hex digits (31 characters); span skipped",
        file + ":6: " + span + ".spanId: \"00f067aa0ba902b89\" is not 16 hex digits (17 characters); span skipped",
        file + ":7: " + span + ".startTimeUnixNano: missing; span skipped",
        file + ":8: " + span + ".attributes[0].value.stringValue: unexpected value 5; span skipped",
        file + ":9: " + span + ": expected an object, got a string; span skipped",
        file + ":10: no \"resourceSpans\": not an OTLP/JSON ExportTraceServiceRequest",
        file + ":11: " + span + ".traceId: all zero: not a valid id; span skipped",
        file + ":12: the line is not valid JSON: syntax error while parsing value - unexpected '}'",
        "tracewire-view: wrote " + (directory / "bad.html") + ": 1 trace, 2 spans\n",
    };
    for (const std::string& message : messages) CHECK_MESSAGE(result.err.find(message) != std::string::npos, message);
    const auto spans = spans_by_id(tracewire_test::page_data(read_file(directory / "bad.html")));
    CHECK(spans.size() == 2);
    CHECK(spans.count("00f067aa0ba902b7") == 1);
    CHECK(spans.count("00f067aa0ba902c3") == 1);
  }

  TEST_CASE("tracewire-view skips a 200 MB line without holding it, and reads the lines around it") {
    const TemporaryDirectory directory;
    const std::string path = directory / "big.jsonl";
    {
      std::FILE* file = std::fopen(path.c_str(), "wb");
      REQUIRE(file != nullptr);
      const std::string first = request_line(valid_span("00f067aa0ba902b7")) + "\n";
      std::fwrite(first.data(), 1, first.size(), file);
      const std::string head = R"({"resourceSpans":[{"resource":{"attributes":[{"key":"x","value":{"stringValue":")";
      std::fwrite(head.data(), 1, head.size(), file);
      const std::string chunk(1 << 20, 'a');
      for (int i = 0; i < 200; ++i) std::fwrite(chunk.data(), 1, chunk.size(), file);
      const std::string tail = "\"}}]}}]}\n" + request_line(valid_span("00f067aa0ba902b8")) + "\n";
      std::fwrite(tail.data(), 1, tail.size(), file);
      REQUIRE(std::fclose(file) == 0);
    }
    REQUIRE(std::filesystem::file_size(path) > 200u * 1024 * 1024);
    const ProgramResult result = view({"-o", directory / "big.html", path});
    INFO(result.err);
    CHECK(result.status == 1);
    CHECK(result.err.find(path +
                          ":2: a line longer than 64 MiB, skipped (tracewire-view reads one request per line, each "
                          "at most 64 MiB)") != std::string::npos);
    CHECK(spans_by_id(tracewire_test::page_data(read_file(directory / "big.html"))).size() == 2);
    // It never held the file: its peak memory is below the file's size.
    CHECK(result.max_rss_kib < 200 * 1024);
    MESSAGE("tracewire-view's peak memory reading a 200 MiB line: " << result.max_rss_kib / 1024 << " MiB");
  }

  TEST_CASE("tracewire-view leaves an existing page alone when it finds no spans, and rejects bad arguments") {
    const TemporaryDirectory directory;
    write_file(directory / "page.html", "before");
    write_file(directory / "empty.jsonl", "\n\n");
    ProgramResult result =
        view({"-o", directory / "page.html", directory / "empty.jsonl", directory / "missing.jsonl"});
    CHECK(result.status == 1);
    CHECK(result.err.find("tracewire-view: " + (directory / "empty.jsonl") + ":2: no spans\n") != std::string::npos);
    CHECK(result.err.find("tracewire-view: cannot read " + (directory / "missing.jsonl") +
                          ": No such file or directory\n") != std::string::npos);
    CHECK(result.err.find("tracewire-view: no spans read; nothing written\n") != std::string::npos);
    CHECK(read_file(directory / "page.html") == "before");

    result = view({"--max-traces", "0"});
    CHECK(result.status == 2);
    CHECK(result.err.rfind("tracewire-view: --max-traces wants a positive integer, got 0\nusage: tracewire-view", 0) ==
          0);
    result = view({"--frobnicate"});
    CHECK(result.status == 2);
    CHECK(result.err.rfind("tracewire-view: unknown option or missing value: --frobnicate\n", 0) == 0);
    result = view({"--help"});
    CHECK(result.status == 0);
    CHECK(result.out.rfind("usage: tracewire-view [-o OUT.html]", 0) == 0);
  }

  TEST_CASE("tracewire-view keeps the last --max-traces traces and says how many it left out") {
    const TemporaryDirectory directory;
    std::string text;
    for (int i = 0; i < 20; ++i) {
      std::string span = valid_span(fmt::format("00f067aa0ba9{:04x}", i + 1));
      span.replace(11, 32, fmt::format("4bf92f3577b34da6a3ce929d0e0e{:04x}", i + 1));
      text += request_line(span) + "\n";
    }
    write_file(directory / "many.jsonl", text);
    const ProgramResult result = view({"--max-traces", "5", "-o", directory / "many.html", directory / "many.jsonl"});
    CHECK(result.status == 0);
    CHECK(result.err == "tracewire-view: wrote " + (directory / "many.html") +
                            ": 5 traces, 5 spans (15 older traces left out: --max-traces 5)\n");
    const json data = tracewire_test::page_data(read_file(directory / "many.html"));
    CHECK(data.at("leftOut") == json{{"traces", 15}, {"spans", 0}, {"maxTraces", 5}});
    CHECK(data.at("traces").back().at("id") == "4bf92f3577b34da6a3ce929d0e0e0014");
  }
}
