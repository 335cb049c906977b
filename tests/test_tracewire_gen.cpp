// tracewire-gen, run as a user runs it: the shop topology over OTLP/HTTP into receiver.js
// (the OpenTelemetry-generated protobuf decoder), whose decoded spans are checked for the
// shape the topology promises; deterministic seeds; bad topology files; exit status.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "support/closed_port.hpp"
#include "support/peer_process.hpp"
#include "support/xray_segment_rules.hpp"
#include "tracewire_gen/shipped_topologies.hpp"
#include "tracewire_gen/topology.hpp"

using nlohmann::json;
using tracewire_test::ChildProcess;
using tracewire_test::Receiver;

namespace {

struct Run {
  int code = -1;
  std::string output;  // stdout and stderr
};

// Runs tracewire-gen with extra environment variables and arguments.
Run run_gen(const std::vector<std::string>& environment, const std::vector<std::string>& arguments) {
  std::vector<std::string> argv{"/bin/sh", "-c", "exec \"$@\" 2>&1", "sh", "/usr/bin/env"};
  argv.insert(argv.end(), environment.begin(), environment.end());
  argv.push_back(TRACEWIRE_GEN_PATH);
  argv.insert(argv.end(), arguments.begin(), arguments.end());
  ChildProcess process(argv);
  process.close_stdin();
  Run run;
  run.output = process.read_to_eof(std::chrono::seconds(180)).value_or("(timed out)");
  run.code = process.wait(std::chrono::seconds(10)).value_or(-1);
  return run;
}

// One decoded span with what the checks need.
struct Span {
  std::string trace_id, span_id, parent_id, name, service;
  int kind = 0;
  int status = 0;
  std::string status_message;
  std::map<std::string, json> attributes;  // key -> the AnyValue object
  json events;
};

std::string string_value(const json& any) { return any.value("stringValue", std::string()); }

// Reads OTLP requests until `count` spans have arrived.
std::vector<Span> receive_spans(Receiver& receiver, std::size_t count) {
  std::vector<Span> spans;
  while (spans.size() < count) {
    auto record = receiver.next(std::chrono::seconds(30));
    REQUIRE_MESSAGE(record, "only ", spans.size(), " of ", count, " spans arrived");
    REQUIRE_MESSAGE(record->at("kind") == "otlp-proto", record->dump().substr(0, 500));
    for (const json& resource_spans : record->at("body")["resourceSpans"]) {
      std::string service;
      for (const json& attribute : resource_spans["resource"]["attributes"]) {
        if (attribute["key"] == "service.name") service = string_value(attribute["value"]);
      }
      for (const json& scope_spans : resource_spans["scopeSpans"]) {
        for (const json& decoded : scope_spans["spans"]) {
          Span span;
          span.trace_id = decoded["traceId"];
          span.span_id = decoded["spanId"];
          span.parent_id = decoded["parentSpanId"];
          span.name = decoded["name"];
          span.service = service;
          span.kind = decoded["kind"];
          span.status = decoded["status"].is_null() ? 0 : decoded["status"]["code"].get<int>();
          span.status_message = decoded["status"].is_null() ? "" : decoded["status"]["message"].get<std::string>();
          for (const json& attribute : decoded["attributes"]) span.attributes[attribute["key"]] = attribute["value"];
          span.events = decoded["events"];
          spans.push_back(std::move(span));
        }
      }
    }
  }
  return spans;
}

// The summary line says how many spans were made.
std::size_t spans_made(const std::string& output) {
  const std::size_t at = output.find("traces, ");
  REQUIRE_MESSAGE(at != std::string::npos, output);
  return std::stoul(output.substr(at + 8));
}

std::string write_file(const std::string& text) {
  char path[] = "/tmp/tracewire-gen-test-XXXXXX";
  const int fd = ::mkstemp(path);
  REQUIRE(fd >= 0);
  REQUIRE(::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()));
  ::close(fd);
  return path;
}

std::vector<std::string> otlp_to(const Receiver& receiver) {
  return {"OTEL_TRACES_EXPORTER=otlp",
          "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT=http://127.0.0.1:" + std::to_string(receiver.http_port()) + "/v1/traces",
          "OTEL_BSP_SCHEDULE_DELAY=50", "OTEL_BSP_MAX_QUEUE_SIZE=4096"};
}

}  // namespace

TEST_SUITE("tools") {
  TEST_CASE("tracewire-gen: the shop topology over OTLP/HTTP, as the decoder reads it" * doctest::timeout(300)) {
    Receiver receiver;
    const std::size_t traces = 400;
    const Run run = run_gen(otlp_to(receiver), {"--topology", "shop", "--traces", std::to_string(traces),
                                                "--traces-per-second", "0", "--seed", "7", "--quiet"});
    REQUIRE_MESSAGE(run.code == 0, run.output);
    const std::vector<Span> spans = receive_spans(receiver, spans_made(run.output));

    std::map<std::string, std::vector<const Span*>> by_trace;
    for (const Span& span : spans) by_trace[span.trace_id].push_back(&span);
    CHECK(by_trace.size() == traces);

    const std::set<std::string> instrumented{"frontend", "shop-backend", "auth-service", "article-service",
                                             "cart-service"};
    std::size_t verify_spans = 0, verify_failures = 0, pairs = 0;
    std::set<std::string> users, algorithms;
    for (const auto& entry : by_trace) {
      const std::string& trace_id = entry.first;  // not a structured binding: CAPTURE captures it in a lambda
      const std::vector<const Span*>& members = entry.second;
      CAPTURE(trace_id);
      std::map<std::string, const Span*> by_id;
      for (const Span* span : members) by_id[span->span_id] = span;
      REQUIRE(by_id.size() == members.size());  // span ids are unique
      const Span* root = nullptr;
      for (const Span* span : members) {
        if (span->parent_id.empty()) {
          CHECK_MESSAGE(root == nullptr, "two roots");
          root = span;
        } else {
          CHECK_MESSAGE(by_id.count(span->parent_id) == 1, span->name, " has no parent in its trace");
        }
      }
      REQUIRE(root != nullptr);
      CHECK(root->service == "frontend");
      CHECK(root->kind == 2);

      bool verify_failed = false;
      for (const Span* span : members) {
        CHECK(instrumented.count(span->service) == 1);
        if (span->kind == 3) {
          // A client span to an instrumented service has exactly one server child, in that service.
          const std::string peer = string_value(span->attributes.at("peer.service"));
          std::vector<const Span*> children;
          for (const Span* other : members) {
            if (other->parent_id == span->span_id) children.push_back(other);
          }
          if (peer == "postgres") {
            CHECK(children.empty());
            CHECK(string_value(span->attributes.at("db.system")) == "postgresql");
          } else {
            REQUIRE(children.size() == 1);
            CHECK(children[0]->kind == 2);
            CHECK(children[0]->service == peer);
            CHECK(children[0]->service != span->service);
            ++pairs;
          }
        }
        if (span->name == "verify_token") {
          CHECK(span->service == "auth-service");
          ++verify_spans;
          algorithms.insert(string_value(span->attributes.at("auth.token.algorithm")));
          if (span->status == 2) {
            verify_failed = true;
            ++verify_failures;
            CHECK(span->status_message == "token signature has expired");
            REQUIRE(span->events.size() == 1);
            CHECK(span->events[0]["name"] == "exception");
          }
        }
        if (span->service == "frontend" && span->kind == 2)
          users.insert(string_value(span->attributes.at("enduser.id")));
        if (span->name == "GET /articles" && span->kind == 2) {
          const long page = std::stol(span->attributes.at("articles.page")["intValue"].get<std::string>());
          CHECK(page >= 1);
          CHECK(page <= 20);
        }
      }
      // The failure propagates: the frontend answers with an error when verify_token failed.
      CHECK(verify_failed == (root->status == 2));
      if (verify_failed) CHECK(root->attributes.at("http.response.status_code")["intValue"] == "500");
    }
    CHECK(pairs >= 3 * traces);  // frontend->shop-backend->auth and one more service per trace
    // Every trace verifies one token; 8% fail: within four standard deviations of the binomial.
    CHECK(verify_spans == traces);
    const double expected = 0.08 * verify_spans;
    const double sigma = std::sqrt(verify_spans * 0.08 * 0.92);
    CHECK(std::abs(static_cast<double>(verify_failures) - expected) <= 4 * sigma);
    CHECK(verify_failures > 0);
    // Cardinality as configured: 50 distinct users (all of them over 400 traces), 2 algorithms.
    CHECK(users.size() == 50);
    CHECK(algorithms == std::set<std::string>{"ES256", "RS256"});
  }

  TEST_CASE("tracewire-gen: the same seed gives the same traces, ids and times included, whatever the workers" *
            doctest::timeout(300)) {
    const auto spans_of = [](const std::string& seed, const std::string& workers) {
      Receiver receiver;
      const Run run =
          run_gen(otlp_to(receiver), {"--topology", "uservices", "--traces", "60", "--backfill", "30", "--start-time",
                                      "1790000000", "--seed", seed, "--workers", workers, "--quiet"});
      REQUIRE_MESSAGE(run.code == 0, run.output);
      std::map<std::string, json> spans;  // by trace and span id, so arrival order does not matter
      const std::size_t count = spans_made(run.output);
      while (spans.size() < count) {
        auto record = receiver.next(std::chrono::seconds(30));
        REQUIRE(record);
        for (const json& resource_spans : record->at("body")["resourceSpans"]) {
          for (const json& scope_spans : resource_spans["scopeSpans"]) {
            for (json span : scope_spans["spans"]) {
              span["resource"] = resource_spans["resource"];
              spans[span["traceId"].get<std::string>() + span["spanId"].get<std::string>()] = span;
            }
          }
        }
      }
      return spans;
    };
    const auto first = spans_of("42", "1");
    const auto again = spans_of("42", "2");
    const auto other = spans_of("43", "1");
    CHECK(first.size() > 60);
    CHECK(first == again);
    CHECK(first.begin()->second["startTimeUnixNano"].get<std::string>().substr(0, 4) == "1790");
    std::size_t shared = 0;
    for (const auto& [key, span] : other) shared += first.count(key);
    CHECK(shared == 0);
  }

  TEST_CASE("tracewire-gen topologies: a bad file gets the path of the bad field") {
    struct Case {
      const char* json;
      const char* message;
    };
    const std::string service =
        R"({"name": "a", "operations": [{"name": "op", "duration": {"min_ms": 1, "max_ms": 2}}]})";
    const std::string entry = R"("entry_points": [{"service": "a", "operation": "op"}])";
    const Case cases[] = {
        {R"({"services": [SERVICE, SERVICE, {"name": "c", "operations": [{"name": "x", "duration": {"min_ms": "3", "max_ms": 4}}]}], ENTRY})",
         "services[1].name: a second service named \"a\""},
        {R"({"services": [SERVICE, {"name": "b", "operations": [{"name": "x", "duration": {"min_ms": 1, "max_ms": 4}}]},
           {"name": "c", "operations": [{"name": "x", "duration": {"min_ms": "3", "max_ms": 4}}]}], ENTRY})",
         "services[2].operations[0].duration.min_ms: expected a number, found string"},
        {R"({"services": [{"name": "a", "operations": [{"name": "op", "durration": {}}]}], ENTRY})",
         "services[0].operations[0].durration: unknown field (expected one of name, kind, duration, attributes, error, "
         "calls, parallel)"},
        {R"({"services": [SERVICE]})", "(top level): missing field \"entry_points\""},
        {R"({"services": [{"name": "a", "operations": [{"name": "op", "duration": {"min_ms": 1, "max_ms": 2},
           "calls": [{"service": "nope", "operation": "op"}]}]}], ENTRY})",
         "services[0].operations[0].calls[0].service: no service named \"nope\""},
        {R"({"services": [{"name": "a", "operations": [{"name": "op", "duration": {"min_ms": 1, "max_ms": 2},
           "calls": [{"service": "a", "operation": "op"}]}]}], ENTRY})",
         "calls form a loop (a/op -> a/op)"},
        {R"({"services": [{"name": "a", "operations": [{"name": "op", "duration": {"min_ms": 1, "max_ms": 2},
           "error": {"rate": 1.5}}]}], ENTRY})",
         "services[0].operations[0].error.rate: 1.5 is not in [0, 1]"},
        {R"({"services": [{"name": "a", "operations": [{"name": "op", "kind": "servr", "duration": {"min_ms": 1, "max_ms": 2}}]}], ENTRY})",
         "services[0].operations[0].kind: \"servr\" is not a span kind"},
        {R"({"services": [{"name": "a", "operations": [{"name": "op", "duration": {"min_ms": 5, "max_ms": 2}}]}], ENTRY})",
         "services[0].operations[0].duration.max_ms: is less than min_ms"},
        {R"({"services": [{"name": "a", "operations": [{"name": "op", "duration": {"min_ms": 1, "max_ms": 2},
           "attributes": {"user": {"random_string": {"cardinality": 0}}}}]}], ENTRY})",
         "services[0].operations[0].attributes.user.random_string.cardinality: 0 is not in [1, 1000000]"},
        {R"({"services": [{"name": "a", "operations": [{"name": "op", "duration": {"min_ms": 1, "max_ms": 2},
           "attributes": {"tags": [1, 2]}}]}], ENTRY})",
         "services[0].operations[0].attributes.tags: expected a string, number or boolean, found array"},
        {R"({"services": [SERVICE], "entry_points": [{"service": "a", "operation": "op", "weight": 0}]})",
         "entry_points[0].weight: 0 is not in"},
        {R"({"services": [SERVICE], ENTRY)", "not valid JSON"},
    };
    for (const Case& c : cases) {
      std::string text = c.json;
      for (std::size_t at; (at = text.find("SERVICE")) != std::string::npos;) text.replace(at, 7, service);
      for (std::size_t at; (at = text.find("ENTRY")) != std::string::npos;) text.replace(at, 5, entry);
      CAPTURE(text);
      std::string message;
      try {
        tracewire_gen::parse_topology_text(text);
      } catch (const tracewire_gen::TopologyError& error) {
        message = error.what();
      }
      CHECK_MESSAGE(message.find(c.message) != std::string::npos, "got: ", message);
    }
    // The shipped topologies are valid.
    CHECK(tracewire_gen::parse_topology_text(tracewire_gen::shipped_topology("shop")).services.size() == 6);
    CHECK(tracewire_gen::parse_topology_text(tracewire_gen::shipped_topology("uservices")).entry_points.size() == 2);
  }

  TEST_CASE("tracewire-gen: a bad topology file or command line exits 2 with the reason" * doctest::timeout(60)) {
    const std::string path =
        write_file(R"({"services": [{"name": "a", "operations": [{"name": "op", "duration": {"min_ms": true}}]}]})");
    Run run = run_gen({}, {"--topology", path, "--traces", "1"});
    std::remove(path.c_str());
    CHECK(run.code == 2);
    CHECK_MESSAGE(
        run.output.find(path + ": services[0].operations[0].duration.min_ms: expected a number, found boolean") !=
            std::string::npos,
        run.output);
    run = run_gen({}, {"--traces", "5", "--duration", "5"});
    CHECK(run.code == 2);
    CHECK(run.output.find("give --traces or --duration, not both") != std::string::npos);
    run = run_gen({}, {"--topology", "random:0,1,1"});
    CHECK(run.code == 2);
  }

  TEST_CASE("tracewire-gen: spans that cannot be exported make it exit 1, unless --allow-drops" *
            doctest::timeout(120)) {
    const std::vector<std::string> nowhere{"OTEL_TRACES_EXPORTER=otlp",
                                           "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT=http://127.0.0.1:" +
                                               std::to_string(tracewire_test::closed_port()) + "/v1/traces",
                                           "OTEL_EXPORTER_OTLP_TIMEOUT=300", "OTEL_BSP_SCHEDULE_DELAY=20"};
    Run run = run_gen(nowhere, {"--traces", "5", "--traces-per-second", "0", "--quiet"});
    CHECK_MESSAGE(run.code == 1, run.output);
    CHECK(run.output.find("spans were lost (--allow-drops to accept that)") != std::string::npos);
    run = run_gen(nowhere, {"--traces", "5", "--traces-per-second", "0", "--quiet", "--allow-drops"});
    CHECK_MESSAGE(run.code == 0, run.output);
    CHECK(run.output.find("export errors 0") == std::string::npos);
  }

  TEST_CASE("tracewire-gen: the random topology's shape follows SERVICES, DEPTH and FANOUT") {
    const tracewire_gen::Topology topology = tracewire_gen::random_topology(12, 3, 2, 5);
    CHECK(topology.services.size() == 12);
    std::size_t leaves = 0;
    for (const auto& service : topology.services) {
      const auto& server = service.operations[0];
      // Its own work, plus FANOUT calls unless it is in the last layer.
      CHECK((server.calls.size() == 3 || server.calls.size() == 1));
      leaves += server.calls.size() == 1;
      for (std::size_t c = 1; c < server.calls.size(); ++c) CHECK(server.calls[c].service != server.calls[0].service);
    }
    CHECK(leaves == 4);  // the last of 3 layers of 12 services
    CHECK(topology.entry_points.size() == 4);
  }

  TEST_CASE("tracewire-gen: into the X-Ray daemon, with X-Ray ids from the seeded generator" * doctest::timeout(120)) {
    Receiver receiver;
    const std::int64_t before =
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    const Run run =
        run_gen({"OTEL_TRACES_EXPORTER=xray", "OTEL_BSP_SCHEDULE_DELAY=20",
                 "AWS_XRAY_DAEMON_ADDRESS=127.0.0.1:" + std::to_string(receiver.udp_xray_port())},
                {"--topology", "shop", "--traces", "10", "--traces-per-second", "0", "--seed", "3", "--quiet"});
    REQUIRE_MESSAGE(run.code == 0, run.output);
    const std::size_t count = spans_made(run.output);
    std::set<std::string> trace_ids;
    std::size_t segments = 0;
    for (std::size_t i = 0; i < count; ++i) {
      auto record = receiver.next(std::chrono::seconds(10));
      REQUIRE(record);
      REQUIRE_MESSAGE(record->at("kind") == "xray", record->dump());
      const json& document = record->at("document");
      CHECK_MESSAGE(tracewire_test::xray_problems(document, before + 600) == "", document.dump());
      const std::string trace_id = document["trace_id"];
      CHECK(std::stoll(trace_id.substr(2, 8), nullptr, 16) >= before);
      trace_ids.insert(trace_id);
      segments += !document.contains("type");
    }
    CHECK(trace_ids.size() == 10);
    CHECK(segments > 10);  // every server span is a segment
  }

  TEST_CASE("tracewire-gen: otlp_file writes OTLP/JSON lines, one request per batch" * doctest::timeout(60)) {
    const std::string path = write_file("");
    const Run run = run_gen({"OTEL_TRACES_EXPORTER=otlp_file", "TRACEWIRE_GEN_OTLP_FILE=" + path},
                            {"--topology", "uservices", "--traces", "20", "--traces-per-second", "0", "--quiet"});
    REQUIRE_MESSAGE(run.code == 0, run.output);
    std::ifstream file(path);
    std::size_t spans = 0;
    std::set<std::string> services;
    for (std::string line; std::getline(file, line);) {
      const json request = json::parse(line);
      for (const json& resource_spans : request.at("resourceSpans")) {
        for (const json& attribute : resource_spans["resource"]["attributes"]) {
          if (attribute["key"] == "service.name") services.insert(attribute["value"]["stringValue"].get<std::string>());
        }
        for (const json& scope_spans : resource_spans["scopeSpans"]) spans += scope_spans["spans"].size();
      }
    }
    std::remove(path.c_str());
    CHECK(spans == spans_made(run.output));
    CHECK(services.count("traefik") == 1);
    CHECK(services.count("redis") == 0);  // not instrumented: seen only in its callers' spans
  }
}
