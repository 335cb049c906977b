// The programs the README shows, run: the Usage block as printed (built from README.md by
// tests/readme/) exporting to receiver.js, whose independent decoder reads its spans; and
// examples/quickstart printing its trace as a tree.
#include <doctest/doctest.h>

#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "support/peer_process.hpp"

using nlohmann::json;
using tracewire_test::Receiver;

namespace {

const json* attribute(const json& attributes, const std::string& key) {
  for (const json& attribute : attributes) {
    if (attribute.at("key") == key) return &attribute.at("value");
  }
  return nullptr;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream stream(text);
  for (std::string line; std::getline(stream, line);) lines.push_back(line);
  return lines;
}

}  // namespace

TEST_SUITE("readme") {
  TEST_CASE("the README's Usage program exports its two spans over OTLP/HTTP, as its comments say") {
    Receiver receiver;
    // No OTEL_TRACES_EXPORTER: OTLP/HTTP protobuf is the default, sent to the endpoint given.
    tracewire_test::run_command({"/usr/bin/env", "-u", "OTEL_TRACES_EXPORTER",
                                 "OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:" + std::to_string(receiver.http_port()),
                                 "OTEL_SERVICE_NAME=checkout-service", README_USAGE_PATH});
    auto record = receiver.next(std::chrono::seconds(10));
    REQUIRE(record);
    INFO(record->dump());
    REQUIRE(record->at("kind") == "otlp-proto");
    const json& resource_spans = record->at("body").at("resourceSpans").at(0);
    CHECK(attribute(resource_spans.at("resource").at("attributes"), "service.name")->at("stringValue") ==
          "checkout-service");
    const json& scope_spans = resource_spans.at("scopeSpans").at(0);
    CHECK(scope_spans.at("scope").at("name") == "checkout");
    CHECK(scope_spans.at("scope").at("version") == "1.0.0");
    const json& spans = scope_spans.at("spans");
    REQUIRE(spans.size() == 2);
    // The child ends first.
    const json& query = spans.at(0);
    const json& request = spans.at(1);
    CHECK(request.at("name") == "POST /checkout");
    CHECK(request.at("kind") == 2);  // SPAN_KIND_SERVER
    CHECK(request.at("parentSpanId") == "");
    CHECK(attribute(request.at("attributes"), "http.request.method")->at("stringValue") == "POST");
    CHECK(query.at("name") == "SELECT cart");
    CHECK(query.at("traceId") == request.at("traceId"));
    CHECK(query.at("parentSpanId") == request.at("spanId"));  // "child of `request`: it is current"
    REQUIRE(query.at("events").size() == 1);
    CHECK(query.at("events").at(0).at("name") == "rows fetched");
    CHECK(attribute(query.at("events").at(0).at("attributes"), "db.rows")->at("intValue") == "3");
    CHECK_FALSE(receiver.next(std::chrono::milliseconds(500)));  // one request, nothing else
  }

  TEST_CASE("examples/quickstart prints its trace as a tree on the terminal") {
    const std::string output =
        tracewire_test::run_command({"/usr/bin/env", "-u", "OTEL_TRACES_EXPORTER", QUICKSTART_PATH});
    INFO(output);
    const std::vector<std::string> lines = lines_of(output);
    REQUIRE(lines.size() == 5);
    CHECK(std::regex_match(lines[0], std::regex("trace [0-9a-f]{32} · service quickstart")));
    // Name (✗ for an error status), duration, and a bar placed in the root's 40 columns.
    const std::vector<std::string> expected{"checkout \\[server\\] ✗", "  load_cart", "    SELECT cart \\[client\\]",
                                            "  charge_card \\[client\\] ✗"};
    for (std::size_t i = 0; i < expected.size(); ++i) {
      CAPTURE(lines[i + 1]);
      CHECK(std::regex_match(lines[i + 1], std::regex(expected[i] + " +[0-9]+\\.[0-9] ms \\|[ █]+\\|")));
    }
    CHECK(lines[1].find("|████████████████████████████████████████|") != std::string::npos);  // the root fills it
    // The spans sleep 30 ms (SELECT cart) and 120 ms (charge_card): at least that long.
    const auto milliseconds = [](const std::string& line) {
      std::smatch match;
      REQUIRE(std::regex_search(line, match, std::regex("([0-9]+\\.[0-9]) ms")));
      return std::stod(match[1]);
    };
    CHECK(milliseconds(lines[3]) >= 30.0);
    CHECK(milliseconds(lines[4]) >= 120.0);
    CHECK(milliseconds(lines[1]) >= milliseconds(lines[2]) + milliseconds(lines[4]));
  }
}
