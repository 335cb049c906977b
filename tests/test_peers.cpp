// Self-tests of the independent peers in tests/peers/: before tracewire's
// exporters and propagators are judged by them, show that they decode and
// answer correctly. Payloads come from encoders other than the decoder under
// test wherever one exists here: Python's Apache Thrift (Debian python3-thrift)
// against the receiver's Node Thrift, and protobufjs' encoder cross-checked by
// `protoc --decode_raw` against the receiver's protobufjs decoder. Requests go
// over raw POSIX sockets, not through any tracewire code.
//
// Tools used besides node: /usr/bin/python3 with python3-thrift, thrift
// (thrift-compiler), protoc (protobuf-compiler), gzip; openssl and curl for TLS.
// This file has no main(): link it with a doctest main.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "support/peer_process.hpp"

using nlohmann::json;
using namespace tracewire_test;

namespace {

// Debian's interpreter: it sees python3-thrift, a `python3` earlier on PATH may not.
const char* const kPython = "/usr/bin/python3";

struct HttpResponse {
  int status = 0;                              // 0: the connection closed without a response
  std::map<std::string, std::string> headers;  // names lowercased
  std::string body;

  std::string header(const std::string& name) const {
    const auto it = headers.find(name);
    return it == headers.end() ? std::string{} : it->second;
  }
};

std::string lowercase(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

int connect_loopback(int port, int type) {
  const int fd = ::socket(AF_INET, type | SOCK_CLOEXEC, 0);
  REQUIRE(fd >= 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  return fd;
}

// A minimal HTTP/1.1 client: one request per connection, read to the close.
HttpResponse http_post(int port, const std::string& path, const std::string& content_type, const std::string& body,
                       const std::string& extra_headers = {}) {
  const int fd = connect_loopback(port, SOCK_STREAM);
  const std::string request = "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
                              "\r\nContent-Type: " + content_type +
                              "\r\nContent-Length: " + std::to_string(body.size()) + "\r\nConnection: close\r\n" +
                              extra_headers + "\r\n" + body;
  REQUIRE(::send(fd, request.data(), request.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(request.size()));
  std::string raw;
  for (;;) {
    pollfd pfd{fd, POLLIN, 0};
    REQUIRE_MESSAGE(::poll(&pfd, 1, 10000) == 1, "no HTTP response within 10 s");
    char chunk[4096];
    const ssize_t n = ::read(fd, chunk, sizeof chunk);
    if (n <= 0) break;  // closed (a reset counts as closed)
    raw.append(chunk, static_cast<std::size_t>(n));
  }
  ::close(fd);

  HttpResponse response;
  const auto head_end = raw.find("\r\n\r\n");
  if (head_end == std::string::npos) return response;
  response.status = std::stoi(raw.substr(raw.find(' ') + 1, 3));
  std::size_t line = raw.find("\r\n") + 2;
  while (line < head_end) {
    const auto eol = raw.find("\r\n", line);
    const auto colon = raw.find(':', line);
    response.headers[lowercase(raw.substr(line, colon - line))] =
        raw.substr(raw.find_first_not_of(' ', colon + 1), eol - raw.find_first_not_of(' ', colon + 1));
    line = eol + 2;
  }
  response.body = raw.substr(head_end + 4);
  return response;
}

void send_udp(int port, const std::string& datagram) {
  const int fd = connect_loopback(port, SOCK_DGRAM);
  CHECK(::send(fd, datagram.data(), datagram.size(), 0) == static_cast<ssize_t>(datagram.size()));
  ::close(fd);
}

// "" when every member of `expected` is in `actual` with the same value
// (objects may have more members, arrays must match in length); otherwise
// where the first difference is.
std::string first_mismatch(const json& actual, const json& expected, const std::string& path = "$") {
  if (expected.is_object()) {
    if (!actual.is_object()) return path + ": not an object";
    for (const auto& [key, value] : expected.items()) {
      if (!actual.contains(key)) return path + "." + key + ": missing";
      auto m = first_mismatch(actual.at(key), value, path + "." + key);
      if (!m.empty()) return m;
    }
    return {};
  }
  if (expected.is_array()) {
    if (!actual.is_array() || actual.size() != expected.size())
      return path + ": not an array of " + std::to_string(expected.size());
    for (std::size_t i = 0; i < expected.size(); ++i) {
      auto m = first_mismatch(actual[i], expected[i], path + "[" + std::to_string(i) + "]");
      if (!m.empty()) return m;
    }
    return {};
  }
  return actual == expected ? std::string{} : path + ": " + actual.dump() + " != " + expected.dump();
}

json next_record(Receiver& receiver) {
  auto record = receiver.next(10s);
  REQUIRE_MESSAGE(record.has_value(), "the receiver printed nothing within 10 s");
  return *record;
}

// Every field of opentelemetry-proto's Span, Event, Link, Status, Resource,
// InstrumentationScope and each AnyValue kind, written as OTLP/JSON; 64-bit
// values beyond 2^53 show that nothing passes through a double.
json otlp_request() {
  return json::parse(R"({"resourceSpans":[{
  "resource":{"attributes":[
    {"key":"service.name","value":{"stringValue":"checkout"}},
    {"key":"flag","value":{"boolValue":false}},
    {"key":"count","value":{"intValue":"-9007199254740993"}},
    {"key":"ratio","value":{"doubleValue":0.25}},
    {"key":"list","value":{"arrayValue":{"values":[{"stringValue":"a"},{"intValue":"7"}]}}},
    {"key":"map","value":{"kvlistValue":{"values":[{"key":"inner","value":{"stringValue":"x"}}]}}},
    {"key":"raw","value":{"bytesValue":"3q2+7w=="}}],
   "droppedAttributesCount":1},
  "scopeSpans":[{
    "scope":{"name":"tracewire.test","version":"1.2.3","attributes":[{"key":"s","value":{"stringValue":"v"}}],"droppedAttributesCount":2},
    "spans":[{
      "traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174","traceState":"vendor=value",
      "parentSpanId":"aaaaaaaaaaaaaaaa","flags":769,"name":"GET /cart","kind":3,
      "startTimeUnixNano":"1700000000123456789","endTimeUnixNano":"18446744073709551615",
      "attributes":[{"key":"http.status_code","value":{"intValue":"200"}}],"droppedAttributesCount":3,
      "events":[{"timeUnixNano":"1700000000200000000","name":"retry",
                 "attributes":[{"key":"attempt","value":{"intValue":"2"}}],"droppedAttributesCount":4}],
      "droppedEventsCount":5,
      "links":[{"traceId":"0123456789abcdef0123456789abcdef","spanId":"0123456789abcdef","traceState":"k=v",
                "attributes":[{"key":"l","value":{"boolValue":true}}],"droppedAttributesCount":6,"flags":257}],
      "droppedLinksCount":7,
      "status":{"message":"upstream failed","code":2}}],
    "schemaUrl":"https://opentelemetry.io/schemas/1.24.0"}],
  "schemaUrl":"https://example.com/resource"}]})");
}

std::string encode_otlp(const json& request) {
  return run_command({TRACEWIRE_NODE, peers_path("encoders/otlp-encode.js")}, request.dump());
}

std::string without_spaces(std::string s) {
  s.erase(std::remove(s.begin(), s.end(), ' '), s.end());
  return s;
}

// Every Thrift type of the Jaeger IDL: negative and extreme i64, all tag
// kinds, references and logs.
json jaeger_batch() {
  return json::parse(R"({
  "process":{"serviceName":"checkout","tags":[{"key":"hostname","vType":0,"vStr":"h1"}]},
  "spans":[{"traceIdLow":"-1","traceIdHigh":"81985529216486895","spanId":"1311768467463790320","parentSpanId":"0",
    "operationName":"GET /cart","flags":1,"startTime":"1700000000123456","duration":"1500",
    "references":[{"refType":1,"traceIdLow":"5","traceIdHigh":"0","spanId":"6"}],
    "tags":[{"key":"d","vType":1,"vDouble":1.5},{"key":"b","vType":2,"vBool":true},
            {"key":"l","vType":3,"vLong":"-9223372036854775808"},{"key":"bin","vType":4,"vBinary":"AQID"}],
    "logs":[{"timestamp":"1700000000123999","fields":[{"key":"event","vType":0,"vStr":"retry"}]}]}]})");
}

std::string encode_jaeger(const std::string& mode, int seqid = 0) {
  return run_command({kPython, peers_path("encoders/jaeger_encode.py"), mode, "--seqid", std::to_string(seqid)},
                     jaeger_batch().dump());
}

void check_jaeger_hex_ids(const json& batch) {
  const json& span = batch.at("spans").at(0);
  CHECK(span.at("traceIdHex") == "0123456789abcdefffffffffffffffff");
  CHECK(span.at("traceIdHighHex") == "0123456789abcdef");
  CHECK(span.at("traceIdLowHex") == "ffffffffffffffff");
  CHECK(span.at("spanIdHex") == "123456789abcdef0");
  CHECK(span.at("parentSpanIdHex") == "0000000000000000");
  CHECK(span.at("references").at(0).at("traceIdHex") == "00000000000000000000000000000005");
  CHECK(span.at("references").at(0).at("spanIdHex") == "0000000000000006");
}

bool executable(const char* path) { return ::access(path, X_OK) == 0; }

}  // namespace

TEST_CASE("ChildProcess: reads time out and the destructor ends a child that ignores stdin") {
  const auto start = std::chrono::steady_clock::now();
  {
    ChildProcess sleeper({"sleep", "30"});
    CHECK_FALSE(sleeper.read_line(100ms).has_value());
  }
  CHECK(std::chrono::steady_clock::now() - start < 10s);

  ChildProcess cat({"cat"});
  REQUIRE(cat.write_line("hello"));
  CHECK(cat.read_line(5s) == std::optional<std::string>("hello"));
  cat.close_stdin();
  CHECK_FALSE(cat.read_line(5s).has_value());
  CHECK(cat.wait(5s) == std::optional<int>(0));
}

TEST_CASE("receiver: OTLP protobuf from an independent encoder, every field in canonical JSON") {
  const json request = otlp_request();
  const std::string bytes = encode_otlp(request);

  // The encoder agrees with opentelemetry-proto's field numbers and wire
  // types, read by protoc without any schema.
  const std::string raw = without_spaces(run_command({"protoc", "--decode_raw"}, bytes));
  char start[64];
  std::snprintf(start, sizeof start, "7:0x%016" PRIx64 "\n", UINT64_C(1700000000123456789));
  CHECK(raw.find(start) != std::string::npos);                                // Span.start_time_unix_nano fixed64
  CHECK(raw.find("8:0xffffffffffffffff\n") != std::string::npos);             // end_time_unix_nano
  CHECK(raw.find("16:0x00000301\n") != std::string::npos);                    // Span.flags fixed32
  CHECK(raw.find("6:0x00000101\n") != std::string::npos);                     // Link.flags fixed32
  CHECK(raw.find("5:\"GET/cart\"\n6:3\n") != std::string::npos);              // name, kind
  CHECK(raw.find("15{\n2:\"upstreamfailed\"\n3:2\n}") != std::string::npos);  // Status message, code

  Receiver receiver;
  const auto response = http_post(receiver.http_port(), "/v1/traces", "application/x-protobuf", bytes);
  CHECK(response.status == 200);
  CHECK(response.header("content-type") == "application/x-protobuf");
  CHECK(response.body.empty());  // an empty ExportTraceServiceResponse

  const json record = next_record(receiver);
  CHECK(record.at("kind") == "otlp-proto");
  CHECK(record.at("path") == "/v1/traces");
  CHECK(record.at("headers").at("content-type") == "application/x-protobuf");
  CHECK(first_mismatch(record.at("body"), request) == "");
  // Fields the request leaves unset are present with their defaults.
  CHECK(record.at("body")["resourceSpans"][0]["scopeSpans"][0]["spans"][0]["events"][0]["timeUnixNano"] ==
        "1700000000200000000");
  CHECK(record.at("body")["resourceSpans"][0]["resource"]["entityRefs"] == json::array());
}

TEST_CASE("receiver: OTLP/JSON and gzip-compressed protobuf give the same canonical form") {
  const json request = otlp_request();
  const std::string bytes = encode_otlp(request);
  Receiver receiver;

  CHECK(http_post(receiver.http_port(), "/v1/traces", "application/x-protobuf", bytes).status == 200);
  const json from_proto = next_record(receiver).at("body");

  const auto json_response = http_post(receiver.http_port(), "/v1/traces", "application/json", request.dump());
  CHECK(json_response.status == 200);
  CHECK(json_response.header("content-type") == "application/json");
  CHECK(json::parse(json_response.body) == json::object());
  const json from_json = next_record(receiver);
  CHECK(from_json.at("kind") == "otlp-json");
  CHECK(from_json.at("body") == from_proto);

  const std::string gzipped = run_command({"gzip", "-c"}, bytes);
  CHECK(http_post(receiver.http_port(), "/v1/traces", "application/x-protobuf", gzipped, "Content-Encoding: gzip\r\n")
            .status == 200);
  const json from_gzip = next_record(receiver);
  CHECK(from_gzip.at("headers").at("content-encoding") == "gzip");
  CHECK(from_gzip.at("body") == from_proto);
}

TEST_CASE("receiver: OTLP/JSON that an exporter must not write is rejected") {
  Receiver receiver;
  const std::vector<std::pair<std::string, std::string>> bad = {
      {R"({"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"5B8EFFF798038103D269B633813FC60C"}]}]}]})",
       "lowercase hex"},
      {R"({"resourceSpans":[{"scopeSpans":[{"spans":[{"spanId":"eee19b7ec3c1b1"}]}]}]})", "16 lowercase hex"},
      {R"({"resourceSpans":[{"scopeSpans":[{"spans":[{"start_time_unix_nano":"1"}]}]}]})", "unknown field"},
      {R"({"resourceSpans":[{"scopeSpans":[{"spans":[{"kind":"SPAN_KIND_CLIENT"}]}]}]})", "does not fit"},
      {R"({"resourceSpans":[{"scopeSpans":[{"spans":[{"startTimeUnixNano":1700000000123456789}]}]}]})",
       "64-bit integer"},
      {R"({"resourceSpans":[{"scopeSpans":[{"spans":[{"endTimeUnixNano":"-1"}]}]}]})", "64-bit integer"},
      {R"({"resourceSpans":[{"scopeSpans":[{"spans":[{"name":5}]}]}]})", "does not fit"},
      {R"([])", "not a JSON object"},
  };
  for (const auto& example : bad) {
    const std::string& body = example.first;  // not a structured binding: CAPTURE is a lambda
    CAPTURE(body);
    CHECK(http_post(receiver.http_port(), "/v1/traces", "application/json", body).status == 400);
    const json record = next_record(receiver);
    CHECK(record.at("kind") == "error");
    CHECK(record.at("message").get<std::string>().find(example.second) != std::string::npos);
  }
  // A safe integer is as good as a string for a 64-bit field.
  CHECK(http_post(receiver.http_port(), "/v1/traces", "application/json",
                  R"({"resourceSpans":[{"scopeSpans":[{"spans":[{"startTimeUnixNano":1700000000}]}]}]})")
            .status == 200);
  CHECK(next_record(receiver)["body"]["resourceSpans"][0]["scopeSpans"][0]["spans"][0]["startTimeUnixNano"] ==
        "1700000000");
}

TEST_CASE("receiver: scripted replies, then normal ones") {
  Receiver::Options options;
  options.script = json::parse(R"([
        {"status":503,"headers":{"retry-after":"1"}},
        {"close":true},
        {"status":200,"partialSuccess":{"rejectedSpans":"3","errorMessage":"too old"}},
        {"status":200,"partialSuccess":{"rejectedSpans":"4","errorMessage":"too new"}},
        {"status":400,"body":"garbage"},
        {"delayMs":400}])");
  Receiver receiver(options);
  const std::string bytes = encode_otlp(otlp_request());
  const auto post = [&](const std::string& type, const std::string& body) {
    return http_post(receiver.http_port(), "/v1/traces", type, body);
  };

  const auto unavailable = post("application/x-protobuf", bytes);
  CHECK(unavailable.status == 503);
  CHECK(unavailable.header("retry-after") == "1");

  CHECK(post("application/x-protobuf", bytes).status == 0);  // dropped without a response

  const auto partial = post("application/x-protobuf", bytes);
  CHECK(partial.status == 200);
  // ExportTraceServiceResponse{partial_success{rejected_spans=3, error_message}}
  CHECK(without_spaces(run_command({"protoc", "--decode_raw"}, partial.body)) == "1{\n1:3\n2:\"tooold\"\n}\n");

  const auto partial_json = post("application/json", otlp_request().dump());
  CHECK(json::parse(partial_json.body) ==
        json::parse(R"({"partialSuccess":{"rejectedSpans":"4","errorMessage":"too new"}})"));

  const auto garbage = post("application/x-protobuf", bytes);
  CHECK(garbage.status == 400);
  CHECK(garbage.body == "garbage");

  const auto before = std::chrono::steady_clock::now();
  CHECK(post("application/x-protobuf", bytes).status == 200);
  CHECK(std::chrono::steady_clock::now() - before >= 400ms);

  CHECK(post("application/x-protobuf", bytes).status == 200);  // script exhausted
  // Every request was decoded and reported, whatever the reply.
  for (int i = 0; i < 7; ++i) CHECK(next_record(receiver).at("kind") != "error");
}

TEST_CASE("receiver: Jaeger Thrift from Python's Apache Thrift over UDP and HTTP") {
  Receiver receiver;
  const json batch = jaeger_batch();

  SUBCASE("compact emitBatch over UDP") {
    const std::string datagram = encode_jaeger("compact", 7);
    send_udp(receiver.udp_compact_port(), datagram);
    const json record = next_record(receiver);
    CHECK(record.at("kind") == "jaeger-udp-compact");
    CHECK(record.at("name") == "emitBatch");
    CHECK(record.at("seqid") == 7);
    CHECK(record.at("mtype") == 4);  // ONEWAY
    CHECK(record.at("bytes") == datagram.size());
    CHECK(first_mismatch(record.at("batch"), batch) == "");
    check_jaeger_hex_ids(record.at("batch"));
  }
  SUBCASE("binary emitBatch over UDP") {
    send_udp(receiver.udp_binary_port(), encode_jaeger("binary", 9));
    const json record = next_record(receiver);
    CHECK(record.at("kind") == "jaeger-udp-binary");
    CHECK(record.at("seqid") == 9);
    CHECK(record.at("mtype") == 4);
    CHECK(first_mismatch(record.at("batch"), batch) == "");
    check_jaeger_hex_ids(record.at("batch"));
  }
  SUBCASE("bare binary Batch over HTTP") {
    const auto response =
        http_post(receiver.http_port(), "/api/traces", "application/vnd.apache.thrift.binary", encode_jaeger("batch"));
    CHECK(response.status == 202);
    const json record = next_record(receiver);
    CHECK(record.at("kind") == "jaeger-http");
    CHECK(first_mismatch(record.at("batch"), batch) == "");
    check_jaeger_hex_ids(record.at("batch"));
  }
  SUBCASE("a message in the other protocol is an error, not a crash") {
    send_udp(receiver.udp_compact_port(), encode_jaeger("binary"));
    CHECK(next_record(receiver).at("kind") == "error");
    send_udp(receiver.udp_compact_port(), encode_jaeger("compact"));
    CHECK(next_record(receiver).at("kind") == "jaeger-udp-compact");
  }
}

TEST_CASE("receiver: Zipkin v2 JSON is reported as sent") {
  Receiver receiver;
  const json spans = json::parse(R"([{"traceId":"5b8efff798038103d269b633813fc60c","id":"eee19b7ec3c1b174",
        "name":"get /cart","kind":"CLIENT","timestamp":1700000000123456,"duration":1500,
        "localEndpoint":{"serviceName":"checkout"},"tags":{"http.method":"GET"}}])");
  CHECK(http_post(receiver.http_port(), "/api/v2/spans", "application/json", spans.dump()).status == 202);
  const json record = next_record(receiver);
  CHECK(record.at("kind") == "zipkin");
  CHECK(record.at("body") == spans);
}

TEST_CASE("receiver: replies do not wait for the test to read records") {
  // The receiver prints each record before it replies. 20 records of 256 KiB
  // overflow the stdout socket while the test reads none; Node queues what
  // the socket cannot take instead of blocking, so the replies still come.
  constexpr std::size_t kNameSize = std::size_t{256} * 1024;
  Receiver receiver;
  const std::string spans = json::array({{{"name", std::string(kNameSize, 'x')}}}).dump();
  for (int i = 0; i < 20; ++i) {
    CHECK(http_post(receiver.http_port(), "/api/v2/spans", "application/json", spans).status == 202);
  }
  for (int i = 0; i < 20; ++i) {
    CHECK(next_record(receiver).at("body").at(0).at("name").get<std::string>().size() == kNameSize);
  }
  CHECK_FALSE(receiver.next(100ms).has_value());
}

TEST_CASE("receiver: garbage is reported and answered, never fatal") {
  Receiver receiver;
  const int http = receiver.http_port();
  CHECK(http_post(http, "/v1/traces", "application/x-protobuf", "\xff\xff\xff").status == 400);
  CHECK(http_post(http, "/v1/traces", "text/plain", "x").status == 400);
  CHECK(http_post(http, "/v1/traces", "application/x-protobuf", "x", "Content-Encoding: gzip\r\n").status == 400);
  CHECK(http_post(http, "/api/traces", "application/x-thrift", "\x0c").status == 400);  // a truncated field header
  CHECK(http_post(http, "/api/v2/spans", "application/json", "{").status == 400);
  CHECK(http_post(http, "/api/v2/spans", "application/json", "{}").status == 400);
  CHECK(http_post(http, "/nowhere", "application/json", "{}").status == 404);
  for (int i = 0; i < 7; ++i) {
    const json record = next_record(receiver);
    CHECK(record.at("kind") == "error");
    CHECK(record.contains("message"));
  }
  send_udp(receiver.udp_compact_port(), "garbage");
  send_udp(receiver.udp_binary_port(), std::string("\x80\x01\x00\x04", 4));
  CHECK(next_record(receiver).at("kind") == "error");
  CHECK(next_record(receiver).at("kind") == "error");

  CHECK(http_post(http, "/api/v2/spans", "application/json", "[]").status == 202);
  CHECK(next_record(receiver).at("kind") == "zipkin");
}

TEST_CASE("receiver: X-Ray daemon datagrams (header line, newline, document)") {
  Receiver receiver;
  const std::string datagram = "{\"format\":\"json\",\"version\":1}\n{\"name\":\"a\",\"id\":\"70de5b6f19ff9a0a\"}";
  send_udp(receiver.udp_xray_port(), datagram);
  const json record = next_record(receiver);
  CHECK(record.at("kind") == "xray");
  CHECK(record.at("header") == json::parse(R"({"format":"json","version":1})"));
  CHECK(record.at("document") == json::parse(R"({"name":"a","id":"70de5b6f19ff9a0a"})"));
  CHECK(record.at("bytes") == datagram.size());
  send_udp(receiver.udp_xray_port(), "{\"format\":\"json\",\"version\":1}");  // no document
  send_udp(receiver.udp_xray_port(), "{\"format\":\"json\",\"version\":1}\n{\"name\":");
  CHECK(next_record(receiver).at("kind") == "error");
  CHECK(next_record(receiver).at("kind") == "error");
}

TEST_CASE("xray.js: the AWS X-Ray SDK's validation refuses what it should") {
  tracewire_test::ReferenceXRay sdk;
  CHECK(sdk.request({{"op", "traceid"}, {"value", "1-581cf771-a006649127e371903a2de979"}})["accepted"] == true);
  CHECK(sdk.request({{"op", "traceid"}, {"value", "581cf771a006649127e371903a2de979"}})["accepted"] == false);
  CHECK(sdk.request({{"op", "header"}, {"value", "Root=1-581cf771-a006649127e371903a2de979;Sampled=0"}})["sampled"] ==
        "0");
  CHECK_THROWS(sdk.request({{"op", "daemon"}, {"address", "no-port"}}));
  CHECK_THROWS(sdk.request({{"op", "nope"}}));
}

TEST_CASE("receiver: HTTPS with --tls-cert/--tls-key") {
  // Both come with scripts/install-deps.sh test: a machine without them cannot check TLS,
  // which is a failure, not a pass.
  REQUIRE_MESSAGE(executable("/usr/bin/openssl"), "openssl is missing (Debian package openssl): TLS not checked");
  REQUIRE_MESSAGE(executable("/usr/bin/curl"), "curl is missing (Debian package curl): TLS not checked");
  char dir_template[] = "/tmp/tracewire-tls-XXXXXX";
  const std::string dir = ::mkdtemp(dir_template);
  const std::string cert = dir + "/cert.pem", key = dir + "/key.pem";
  run_command({"openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
               "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key, "-out",
               cert});
  {
    Receiver::Options options;
    options.tls_cert = cert;
    options.tls_key = key;
    Receiver receiver(options);
    const std::string status = run_command({"curl", "-sS", "--cacert", cert, "-o", "/dev/null", "-w", "%{http_code}",
                                            "-H", "Content-Type: application/json", "--data-binary", "@-",
                                            "https://127.0.0.1:" + std::to_string(receiver.http_port()) + "/v1/traces"},
                                           otlp_request().dump());
    CHECK(status == "200");
    const json record = next_record(receiver);
    CHECK(record.at("kind") == "otlp-json");
    CHECK(first_mismatch(record.at("body"), otlp_request()) == "");
  }
  std::remove(cert.c_str());
  std::remove(key.c_str());
  ::rmdir(dir.c_str());
}

namespace {
const std::string kTrace = "0af7651916cd43dd8448eb211c80319c";
const std::string kSpan = "b7ad6b7169203331";
}  // namespace

TEST_CASE("reference propagators: inject writes the formats of the specifications") {
  ReferencePropagators ref;
  CHECK(ref.inject("tracecontext", kTrace, kSpan, true, std::string("rojo=00f067aa0ba902b7,congo=t61rcWkgMzE")) ==
        json{{"traceparent", "00-" + kTrace + "-" + kSpan + "-01"},
             {"tracestate", "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE"}});
  CHECK(ref.inject("tracecontext", kTrace, kSpan, false) ==
        json{{"traceparent", "00-" + kTrace + "-" + kSpan + "-00"}});
  CHECK(ref.inject("baggage", kTrace, kSpan, true, std::nullopt,
                   {{"k", "v w"}, {"m", {{"value", "1"}, {"metadata", "p=1"}}}}) ==
        json{{"baggage", "k=v%20w,m=1;p=1"}});
  CHECK(ref.inject("b3", kTrace, kSpan, true) == json{{"b3", kTrace + "-" + kSpan + "-1"}});
  CHECK(ref.inject("b3multi", kTrace, kSpan, false) ==
        json{{"x-b3-traceid", kTrace}, {"x-b3-spanid", kSpan}, {"x-b3-sampled", "0"}});
  CHECK(ref.inject("jaeger", kTrace, kSpan, true, std::nullopt, {{"k", "v w"}}) ==
        json{{"uber-trace-id", kTrace + ":" + kSpan + ":0:01"}, {"uberctx-k", "v%20w"}});
  CHECK(ref.inject("xray", kTrace, kSpan, true) ==
        json{{"x-amzn-trace-id", "Root=1-0af76519-16cd43dd8448eb211c80319c;Parent=" + kSpan + ";Sampled=1"}});
  CHECK(ref.request({{"op", "fields"}, {"format", "b3multi"}}).at("fields").size() == 5);
  CHECK_THROWS(ref.request({{"op", "inject"}, {"format", "nope"}}));
}

TEST_CASE("reference propagators: extract") {
  ReferencePropagators ref;
  SUBCASE("tracecontext: mixed-case names, repeated tracestate headers") {
    const json r = ref.extract("tracecontext", {{"TraceParent", "00-" + kTrace + "-" + kSpan + "-01"},
                                                {"tracestate", json::array({"a=1", "b=2"})}});
    CHECK(r.at("valid") == true);
    CHECK(r.at("traceId") == kTrace);
    CHECK(r.at("spanId") == kSpan);
    CHECK(r.at("sampled") == true);
    CHECK(r.at("isRemote") == true);
    CHECK(r.at("traceState") == "a=1,b=2");
  }
  SUBCASE("tracecontext: all-zero trace id and version ff are invalid") {
    CHECK(ref.extract("tracecontext", {{"traceparent", "00-00000000000000000000000000000000-" + kSpan + "-01"}})
              .at("valid") == false);
    CHECK(ref.extract("tracecontext", {{"traceparent", "ff-" + kTrace + "-" + kSpan + "-01"}}).at("valid") == false);
  }
  SUBCASE("baggage: percent-decoding and properties") {
    const json r = ref.extract("baggage", {{"baggage", "k=v%20w;p=1, m = 2"}});
    CHECK(r.at("baggage") == json{{"k", "v w"}, {"m", "2"}});
    CHECK(r.at("baggageMetadata") == json{{"k", "p=1"}});
    CHECK(r.at("valid") == false);
  }
  SUBCASE("b3 single header, with and without a parent") {
    const json r = ref.extract("b3", {{"b3", kTrace + "-" + kSpan + "-1-05e3ac9a4f6e3b90"}});
    CHECK(r.at("valid") == true);
    CHECK(r.at("sampled") == true);
    CHECK(ref.extract("b3", {{"b3", kTrace + "-" + kSpan + "-0"}}).at("sampled") == false);
    CHECK(ref.extract("b3", {{"b3", kTrace + "-" + kSpan + "-d"}}).at("sampled") == true);
    // the debug state the B3 propagators keep next to the span context
    CHECK(ref.extract("b3", {{"b3", kTrace + "-" + kSpan + "-d"}}).at("b3Debug") == "d");
    CHECK(ref.extract("b3", {{"b3", kTrace + "-" + kSpan + "-1"}}).at("b3Debug").is_null());
    CHECK(ref.request({{"op", "inject"},
                       {"format", "b3"},
                       {"traceId", kTrace},
                       {"spanId", kSpan},
                       {"sampled", true},
                       {"b3Debug", "d"}})
              .at("headers") == json{{"b3", kTrace + "-" + kSpan + "-d"}});
  }
  SUBCASE("b3 multi header with a 64-bit trace id") {
    const json r =
        ref.extract("b3multi", {{"X-B3-TraceId", "463ac35c9f6413ad"}, {"X-B3-SpanId", kSpan}, {"X-B3-Sampled", "1"}});
    CHECK(r.at("traceId") == "0000000000000000463ac35c9f6413ad");
    CHECK(r.at("sampled") == true);
  }
  SUBCASE("jaeger: URL-encoded, short ids left-padded, uberctx baggage") {
    const json r = ref.extract("jaeger", {{"uber-trace-id", "463ac35c9f6413ad%3A1%3A0%3A1"}, {"uberctx-k", "v%20w"}});
    CHECK(r.at("valid") == true);
    CHECK(r.at("traceId") == "0000000000000000463ac35c9f6413ad");
    CHECK(r.at("spanId") == "0000000000000001");
    CHECK(r.at("sampled") == true);
    CHECK(r.at("baggage") == json{{"k", "v w"}});
  }
  SUBCASE("xray") {
    const json r = ref.extract(
        "xray", {{"X-Amzn-Trace-Id", "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=0"}});
    CHECK(r.at("valid") == true);
    CHECK(r.at("traceId") == "5759e988bd862e3fe1be46a994272793");
    CHECK(r.at("spanId") == "53995c3f42cd8ad8");
    CHECK(r.at("sampled") == false);
  }
  SUBCASE("round trip through every format") {
    for (const char* format : {"tracecontext", "b3", "b3multi", "jaeger", "xray"}) {
      CAPTURE(format);
      const json r = ref.extract(format, ref.inject(format, kTrace, kSpan, true));
      CHECK(r.at("traceId") == kTrace);
      CHECK(r.at("spanId") == kSpan);
      CHECK(r.at("sampled") == true);
    }
  }
}
