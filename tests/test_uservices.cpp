// The microservices demo end to end: the four services on loopback, uservice3 and
// uservice4 exporting OTLP/HTTP to receiver.js (the OpenTelemetry-generated protobufjs
// decoder), one request to uservice3 carrying an uber-trace-id as Traefik would add it;
// uservice4 --postgres against a PostgreSQL server of the test's own.
#include <doctest/doctest.h>

#include <dirent.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include "support/peer_process.hpp"
#ifdef TRACEWIRE_DEMO_POSTGRES
#include "support/postgres_server.hpp"
#endif

using nlohmann::json;
using tracewire_test::ChildProcess;
using tracewire_test::Receiver;
using namespace std::chrono_literals;
namespace http = boost::beast::http;
namespace net = boost::asio;

namespace {

// One service started with `--listen 127.0.0.1:0` (a free port) and extra environment;
// the port is read from the line it prints once it listens.
class Service {
 public:
  Service(const std::string& executable, std::vector<std::string> environment, std::vector<std::string> arguments)
      : process_(command(executable, std::move(environment), std::move(arguments))) {
    const std::string marker = "listening on http://127.0.0.1:";
    for (;;) {
      const auto line = process_.read_line(30s);
      if (!line) throw std::runtime_error(executable + " did not start");
      const std::size_t found = line->find(marker);
      if (found != std::string::npos) {
        port_ = std::stoi(line->substr(found + marker.size()));
        break;
      }
    }
  }

  int port() const { return port_; }
  pid_t pid() const { return process_.pid(); }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/"; }

  // Everything printed up to now (the services print each request and mock call).
  std::string output() {
    std::string text;
    while (auto line = process_.read_line(100ms)) text += *line + "\n";
    return text;
  }

  // SIGTERM, as scripts/demo.sh and container runtimes stop it: it exports and exits 0.
  std::optional<int> stop() {
    ::kill(process_.pid(), SIGTERM);
    output();  // drain stdout so that the service never blocks writing it
    return process_.wait(20s);
  }

 private:
  static std::vector<std::string> command(const std::string& executable, std::vector<std::string> environment,
                                          std::vector<std::string> arguments) {
    std::vector<std::string> argv{"/usr/bin/env"};  // env execs the service: same pid
    argv.insert(argv.end(), environment.begin(), environment.end());
    argv.push_back(executable);
    argv.insert(argv.end(), {"--listen", "127.0.0.1:0"});
    argv.insert(argv.end(), arguments.begin(), arguments.end());
    return argv;
  }

  ChildProcess process_;
  int port_ = 0;
};

http::response<http::string_body> get(int port, const std::string& target,
                                      const std::vector<std::pair<std::string, std::string>>& headers = {}) {
  net::io_context context;
  net::ip::tcp::socket socket(context);
  socket.connect({net::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)});
  http::request<http::empty_body> request{http::verb::get, target, 11};
  request.set(http::field::host, "127.0.0.1:" + std::to_string(port));
  request.set(http::field::user_agent, "tracewire-demo-test");
  for (const auto& [name, value] : headers) request.set(name, value);
  http::write(socket, request);
  boost::beast::flat_buffer buffer;
  http::response<http::string_body> response;
  http::read(socket, buffer, response);
  return response;
}

std::string file_contents(const std::string& path) {
  std::ifstream file(path);
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

const json* find_attribute(const json& attributes, const std::string& key) {
  for (const json& attribute : attributes) {
    if (attribute.at("key") == key) return &attribute.at("value");
  }
  return nullptr;
}

std::string string_value(const json& attributes, const std::string& key) {
  const json* value = find_attribute(attributes, key);
  return value && value->contains("stringValue") ? value->at("stringValue").get<std::string>() : "<absent>";
}

double duration_ms(const json& span) {
  const auto start = std::stoull(span.at("startTimeUnixNano").get<std::string>());
  const auto end = std::stoull(span.at("endTimeUnixNano").get<std::string>());
  return static_cast<double>(end - start) / 1e6;
}

// A directory under /tmp, removed with what it holds.
struct TemporaryDirectory {
  std::string path;
  TemporaryDirectory() {
    char name[] = "/tmp/tracewire-demo-XXXXXX";
    if (::mkdtemp(name) == nullptr) throw std::runtime_error("mkdtemp failed");
    path = name;
  }
  ~TemporaryDirectory() {
    if (DIR* directory = ::opendir(path.c_str())) {
      while (const dirent* entry = ::readdir(directory)) {
        const std::string name = entry->d_name;
        if (name != "." && name != "..") std::remove((path + "/" + name).c_str());
      }
      ::closedir(directory);
    }
    ::rmdir(path.c_str());
  }
  TemporaryDirectory(const TemporaryDirectory&) = delete;
  TemporaryDirectory& operator=(const TemporaryDirectory&) = delete;
};

struct ExportedSpan {
  std::string service;
  json resource;  // its attributes
  json span;
};

// The spans the receiver decodes, until there are `count` of them or 30 s have passed.
std::vector<ExportedSpan> receive_spans(Receiver& receiver, std::size_t count) {
  std::vector<ExportedSpan> spans;
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  while (spans.size() < count && std::chrono::steady_clock::now() < deadline) {
    const auto request = receiver.next(1s);
    if (!request) continue;
    REQUIRE((*request)["kind"] == "otlp-proto");
    for (const json& resource_spans : (*request)["body"]["resourceSpans"]) {
      const json& resource = resource_spans["resource"]["attributes"];
      for (const json& scope_spans : resource_spans["scopeSpans"]) {
        for (const json& span : scope_spans["spans"])
          spans.push_back({string_value(resource, "service.name"), resource, span});
      }
    }
  }
  return spans;
}

// The line of `output` that starts with `prefix` (empty if none).
std::string line_starting(const std::string& output, const std::string& prefix) {
  std::istringstream lines(output);
  for (std::string line; std::getline(lines, line);) {
    if (line.compare(0, prefix.size(), prefix) == 0) return line;
  }
  return {};
}

}  // namespace

TEST_SUITE("demo") {
  TEST_CASE("the four services: uservice3 honours the incoming uber-trace-id and the trace spans both services") {
    Receiver receiver;
    // OTLP/HTTP to the receiver, and OTLP/JSON files for trace_tree as scripts/demo.sh uses it.
    const TemporaryDirectory files;
    const std::string file3 = files.path + "/uservice3.traces.jsonl";
    const std::string file4 = files.path + "/uservice4.traces.jsonl";
    const std::vector<std::string> tracing{
        "OTEL_TRACES_EXPORTER=otlp,otlp_file",
        "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT=http://127.0.0.1:" + std::to_string(receiver.http_port()) + "/v1/traces",
        "OTEL_BSP_SCHEDULE_DELAY=100"};
    Service uservice2(USERVICE2_PATH, {}, {"--seed", "7"});
    Service uservice1(USERVICE1_PATH, {}, {"--downstream", uservice2.url()});
    auto with_file = [&](const std::string& file) {
      auto environment = tracing;
      environment.push_back("USERVICE_TRACES_FILE=" + file);
      return environment;
    };
    Service uservice4(USERVICE4_PATH, with_file(file4), {"--seed", "7"});
    Service uservice3(USERVICE3_PATH, with_file(file3), {"--downstream", uservice4.url() + "db?x=1", "--seed", "7"});
    const std::string page = file_contents(USERVICES_HTML);
    REQUIRE_FALSE(page.empty());

    // The uninstrumented pair answers with the page, having waited for uservice2's query.
    const auto started = std::chrono::steady_clock::now();
    const auto plain = get(uservice1.port(), "/");
    CHECK(plain.result_int() == 200);
    CHECK(plain.body() == page);
    CHECK(std::chrono::steady_clock::now() - started >= 1100ms);  // redis ≥ 100 ms + query ≥ 1000 ms
    CHECK(uservice2.output().find("mock database query: ") != std::string::npos);

    const std::string trace_id = "4bf92f3577b34da6a3ce929d0e0e4736";
    const std::string caller_span_id = "00f067aa0ba902b7";
    const auto traced =
        get(uservice3.port(), "/hello?name=x", {{"uber-trace-id", trace_id + ":" + caller_span_id + ":0:1"}});
    CHECK(traced.result_int() == 200);
    CHECK(traced.body() == page);

    // Five spans: three from uservice3, two from uservice4, in any order and batching.
    const std::vector<ExportedSpan> spans = receive_spans(receiver, 5);
    const std::string output3 = uservice3.output();
    const std::string output4 = uservice4.output();
    const auto pid3 = uservice3.pid();
    const auto pid4 = uservice4.pid();
    CHECK(uservice3.stop() == 0);
    CHECK(uservice4.stop() == 0);
    CHECK(uservice1.stop() == 0);
    CHECK(uservice2.stop() == 0);
    CHECK_FALSE(receiver.next(500ms));  // no more spans on shutdown: nothing else was traced
    REQUIRE(spans.size() == 5);

    std::map<std::string, const ExportedSpan*> by_name;  // "service/name"
    for (const ExportedSpan& exported : spans)
      by_name[exported.service + "/" + exported.span.at("name").get<std::string>()] = &exported;
    REQUIRE(by_name.size() == 5);
    const json& server = by_name.at("uservice3/handle_incoming_call")->span;
    const json& redis = by_name.at("uservice3/redis_call")->span;
    const json& client = by_name.at("uservice3/call_other_uservice")->span;
    const json& server4 = by_name.at("uservice4/handle_incoming_call")->span;
    const json& database = by_name.at("uservice4/database_call")->span;
    INFO(json::array({server, redis, client, server4, database}).dump());

    // One trace, continued from the caller's uber-trace-id across both services.
    for (const ExportedSpan& exported : spans) CHECK(exported.span.at("traceId") == trace_id);
    CHECK(server.at("parentSpanId") == caller_span_id);
    CHECK((server.at("flags").get<std::uint32_t>() & 0x300u) == 0x300u);  // the parent is remote
    CHECK(redis.at("parentSpanId") == server.at("spanId"));
    CHECK(client.at("parentSpanId") == server.at("spanId"));
    CHECK(server4.at("parentSpanId") == client.at("spanId"));
    CHECK((server4.at("flags").get<std::uint32_t>() & 0x300u) == 0x300u);
    CHECK(database.at("parentSpanId") == server4.at("spanId"));

    CHECK(server.at("kind") == 2);  // server
    CHECK(redis.at("kind") == 1);   // internal
    CHECK(client.at("kind") == 3);  // client
    CHECK(server4.at("kind") == 2);
    CHECK(database.at("kind") == 1);

    // The lines the instrumented services print about the request carry its trace id and
    // the span id of the service's server span.
    const std::string outputs = output3 + output4;
    INFO(outputs);
    const auto ids = [&](const json& span) {
      return " trace_id=" + trace_id + " span_id=" + span.at("spanId").get<std::string>();
    };
    CHECK(line_starting(output3, "--- request") == "--- request" + ids(server));
    CHECK(line_starting(output3, "mock redis call: ").find(ids(server)) != std::string::npos);
    CHECK(line_starting(output3, "--- response from downstream") == "--- response from downstream" + ids(server));
    CHECK(line_starting(output4, "--- request") == "--- request" + ids(server4));
    CHECK(line_starting(output4, "mock database query: ").find(ids(server4)) != std::string::npos);

    // The event, the status and the HTTP attributes of the server span.
    REQUIRE(server.at("events").size() == 1);
    CHECK(server.at("events")[0].at("name") == "Request decoded!");
    const json* happened = find_attribute(server.at("events")[0].at("attributes"), "happened");
    REQUIRE(happened);
    CHECK(happened->at("boolValue") == true);
    CHECK(server.at("status").at("code") == 1);  // ok
    CHECK(string_value(server.at("attributes"), "http.request.method") == "GET");
    CHECK(string_value(server.at("attributes"), "url.path") == "/hello");
    CHECK(string_value(server.at("attributes"), "server.address") == "127.0.0.1");
    CHECK(find_attribute(server.at("attributes"), "server.port")->at("intValue") == std::to_string(uservice3.port()));
    CHECK(string_value(server.at("attributes"), "user_agent.original") == "tracewire-demo-test");
    CHECK(find_attribute(server.at("attributes"), "http.response.status_code")->at("intValue") == "200");
    CHECK(string_value(server4.at("attributes"), "url.path") == "/db");
    CHECK(find_attribute(server4.at("attributes"), "server.port")->at("intValue") == std::to_string(uservice4.port()));
    CHECK(find_attribute(client.at("attributes"), "http.response.status_code")->at("intValue") == "200");

    CHECK(string_value(redis.at("attributes"), "test-attribute-1") == "test-values-1");
    CHECK(duration_ms(redis) >= 100.0);
    CHECK(duration_ms(server4) >= 1000.0);
    CHECK(duration_ms(server4) < 2000.0);
    CHECK(duration_ms(server) >= duration_ms(redis) + duration_ms(server4));  // sequential calls

    // Resources: service name and the os and process detectors, per process.
    for (const auto& service : {std::pair<std::string, pid_t>{"uservice3", pid3}, {"uservice4", pid4}}) {
      const std::string& name = service.first;
      const pid_t pid = service.second;
      CAPTURE(name);
      const json& resource = by_name.at(name + "/handle_incoming_call")->resource;
      CHECK(string_value(resource, "service.name") == name);
      CHECK(string_value(resource, "os.type") == "linux");
      CHECK(find_attribute(resource, "process.pid")->at("intValue") == std::to_string(pid));
      const json* args = find_attribute(resource, "process.command_args");
      REQUIRE(args);
      const json& values = args->at("arrayValue").at("values");
      REQUIRE(values.size() >= 3);
      CHECK(values[0].at("stringValue").get<std::string>().find(name) != std::string::npos);
      CHECK(values[1].at("stringValue") == "--listen");
      CHECK(values[2].at("stringValue") == "127.0.0.1:0");
    }

    // trace_tree (what scripts/demo.sh prints) reads the same spans back from the two files:
    // one tree, nested across the services, with the durations the receiver decoded.
    const std::string merged = files.path + "/merged.json";
    const std::string tree =
        tracewire_test::run_command({TRACE_TREE_PATH, "--service", "uservice3", "--merge", merged, file3, file4});
    INFO(tree);
    std::vector<std::string> lines;
    std::istringstream tree_lines(tree);
    for (std::string line; std::getline(tree_lines, line);) lines.push_back(line);
    REQUIRE(lines.size() == 6);
    CHECK(lines[0] == "trace " + trace_id + " · service uservice3");
    const auto row = [](const std::string& label, const json& span) {
      char duration[32];
      std::snprintf(duration, sizeof duration, "%.1f ms |", duration_ms(span));
      return std::make_pair(label, std::string(duration));
    };
    const std::vector<std::pair<std::string, std::string>> expected{
        row("handle_incoming_call [server] ", server), row("  redis_call ", redis),
        row("  call_other_uservice [client] ", client), row("    uservice4: handle_incoming_call [server] ", server4),
        row("      uservice4: database_call ", database)};
    for (std::size_t i = 0; i < expected.size(); ++i) {
      CAPTURE(lines[i + 1]);
      CHECK(lines[i + 1].compare(0, expected[i].first.size(), expected[i].first) == 0);
      CHECK(lines[i + 1].find(expected[i].second) != std::string::npos);
    }
    CHECK(lines[1].find("|████████████████████████████████████████|") != std::string::npos);  // the root fills the bar
    // The merged file is one OTLP/JSON request (what Jaeger's UI accepts) with the five spans.
    const json request = json::parse(file_contents(merged));
    std::size_t merged_spans = 0;
    for (const json& resource_spans : request.at("resourceSpans")) {
      for (const json& scope_spans : resource_spans.at("scopeSpans")) merged_spans += scope_spans.at("spans").size();
    }
    CHECK(merged_spans == 5);
  }

#ifdef TRACEWIRE_DEMO_POSTGRES
  TEST_CASE("uservice4 --postgres: its database call is a real query, a PostgreSQL client span of the request") {
    tracewire_test::PostgresServer postgres;
    Receiver receiver;
    Service uservice4(
        USERVICE4_PATH,
        {"OTEL_TRACES_EXPORTER=otlp",
         "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT=http://127.0.0.1:" + std::to_string(receiver.http_port()) + "/v1/traces",
         "OTEL_BSP_SCHEDULE_DELAY=100"},
        {"--seed", "7", "--postgres", postgres.connection_string()});
    const std::string trace_id = "0af7651916cd43dd8448eb211c80319c";
    const auto response = get(uservice4.port(), "/db", {{"traceparent", "00-" + trace_id + "-b7ad6b7169203331-01"}});
    CHECK(response.result_int() == 200);
    CHECK(response.body() == file_contents(USERVICES_HTML));

    const std::vector<ExportedSpan> spans = receive_spans(receiver, 2);
    const std::string output = uservice4.output();
    CHECK(uservice4.stop() == 0);
    CHECK_FALSE(receiver.next(500ms));  // the query's span and the request's, nothing else
    REQUIRE(spans.size() == 2);
    const bool server_first = spans[0].span.at("kind") == 2;
    const json& server = spans[server_first ? 0 : 1].span;
    const json& query = spans[server_first ? 1 : 0].span;
    INFO(json::array({server, query}).dump());
    INFO(output);
    CHECK(server.at("kind") == 2);  // server
    CHECK(query.at("kind") == 3);   // client
    CHECK(server.at("traceId") == trace_id);
    CHECK(query.at("traceId") == trace_id);
    CHECK(query.at("parentSpanId") == server.at("spanId"));
    CHECK(server.at("status").at("code") == 1);                                         // ok
    CHECK((query.at("status").is_null() || query.at("status").value("code", 0) == 0));  // unset: the query succeeded

    // The database conventions, and the query's literal replaced in db.query.text.
    const json& attributes = query.at("attributes");
    CHECK(string_value(attributes, "db.system.name") == "postgresql");
    CHECK(string_value(attributes, "db.namespace") == "postgres");
    CHECK(string_value(attributes, "db.operation.name") == "SELECT");
    CHECK(string_value(attributes, "db.query.text") == "SELECT pg_sleep(?)");
    CHECK(string_value(attributes, "server.address") == "127.0.0.1");
    CHECK(find_attribute(attributes, "server.port")->at("intValue") == std::to_string(postgres.port()));
    CHECK(duration_ms(query) >= 1000.0);  // pg_sleep of the mock's 1000-1999 ms
    CHECK(duration_ms(server) >= duration_ms(query));

    // What the server received (log_statement=all) is the query uservice4 printed, in a line
    // that carries the request's trace id and server span id.
    const std::string printed = line_starting(output, "database query: SELECT pg_sleep(");
    REQUIRE_FALSE(printed.empty());
    const std::string ids = " trace_id=" + trace_id + " span_id=" + server.at("spanId").get<std::string>();
    CHECK(line_starting(output, "--- request") == "--- request" + ids);
    REQUIRE(printed.size() > ids.size());
    CHECK(printed.compare(printed.size() - ids.size(), ids.size(), ids) == 0);
    const std::string sent = printed.substr(std::string("database query: ").size(),
                                            printed.size() - ids.size() - std::string("database query: ").size());
    CHECK(postgres.log().find(sent) != std::string::npos);
    CHECK(output.find("mock database query") == std::string::npos);
  }
#endif

  TEST_CASE("loadgen counts requests, errors and latencies") {
    Service uservice2(USERVICE2_PATH, {}, {"--seed", "3"});
    const std::string report =
        tracewire_test::run_command({LOADGEN_PATH, "--clients", "3", "--requests", "6", uservice2.url()});
    INFO(report);
    CHECK(report.find("6 requests in ") != std::string::npos);
    CHECK(report.find("with 3 clients") != std::string::npos);
    CHECK(report.find(", 0.00 % errors") != std::string::npos);
    const std::size_t p50 = report.find("p50 ");
    REQUIRE(p50 != std::string::npos);
    const double median = std::stod(report.substr(p50 + 4));
    CHECK(median >= 1000.0);  // uservice2's mock query takes 1000-1999 ms
    CHECK(median < 2100.0);
    uservice2.stop();

    ChildProcess refused({LOADGEN_PATH, "--clients", "2", "--requests", "4", uservice2.url()});  // nothing listens now
    const auto output = refused.read_to_eof(30s);
    REQUIRE(output);
    CHECK(output->find("4 requests in ") != std::string::npos);
    CHECK(output->find("100.00 % errors") != std::string::npos);
    CHECK(refused.wait(5s) == 1);
  }
}
