// ZipkinExporter (and its ZipkinEncoder) against receiver.js: the body is posted over a real
// loopback HTTP connection and read back by a JSON parser, then checked against the Zipkin v2
// model (openzipkin/zipkin-api zipkin2-api.yaml) field by field.
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <regex>
#include <string>
#include <vector>

#include "mocks/recording_logger.hpp"
#include "support/peer_process.hpp"
#include "support/sample_spans.hpp"
#include "tracewire/export/zipkin_exporter.hpp"
#include "tracewire/transport/curl_http_client.hpp"

using namespace tracewire;
using nlohmann::json;
using tracewire_test::CapturedLog;
using tracewire_test::Receiver;

namespace {

ZipkinExporterOptions options_for(const Receiver& receiver) {
  ZipkinExporterOptions options;
  options.endpoint = "http://127.0.0.1:" + std::to_string(receiver.http_port()) + "/api/v2/spans";
  options.timeout = std::chrono::milliseconds(5000);
  return options;
}

// Exports `batch` and returns the spans the receiver parsed from the one request it got.
json post_and_receive(Receiver& receiver, ZipkinExporter& exporter, const std::vector<const SpanData*>& batch) {
  REQUIRE(exporter.export_spans(batch) == ExportResult::success);
  auto request = receiver.next(std::chrono::seconds(10));
  REQUIRE(request);
  REQUIRE_MESSAGE(request->at("kind") == "zipkin", request->dump());
  return request->at("body");
}

// What zipkin2-api.yaml allows, checked on every span we produce (whatever its values).
void check_v2_model(const json& span) {
  INFO(span.dump());
  static const std::regex hex16("[0-9a-f]{16}");
  static const std::regex trace_id("[0-9a-f]{16}([0-9a-f]{16})?");
  REQUIRE(span.is_object());
  CHECK(std::regex_match(span.at("traceId").get<std::string>(), trace_id));
  CHECK(std::regex_match(span.at("id").get<std::string>(), hex16));
  if (span.contains("parentId")) CHECK(std::regex_match(span.at("parentId").get<std::string>(), hex16));
  if (span.contains("kind")) {
    const std::string kind = span.at("kind").get<std::string>();
    CHECK((kind == "CLIENT" || kind == "SERVER" || kind == "PRODUCER" || kind == "CONSUMER"));
  }
  if (span.contains("name")) CHECK(span.at("name").is_string());
  CHECK(span.at("timestamp").is_number_unsigned());
  CHECK(span.at("duration").is_number_unsigned());
  CHECK(span.at("duration").get<std::uint64_t>() >= 1);
  CHECK(span.at("localEndpoint").at("serviceName").is_string());
  if (span.contains("remoteEndpoint")) {
    const json& remote = span.at("remoteEndpoint");
    CHECK(!remote.empty());
    if (remote.contains("port")) CHECK(remote.at("port").is_number_unsigned());
  }
  if (span.contains("annotations")) {
    for (const json& annotation : span.at("annotations")) {
      CHECK(annotation.at("timestamp").is_number_unsigned());
      CHECK(annotation.at("value").is_string());
      CHECK(annotation.size() == 2);
    }
  }
  if (span.contains("tags")) {
    for (const auto& tag : span.at("tags").items()) {
      CAPTURE(tag.key());
      CHECK(tag.value().is_string());  // Zipkin tags are strings only
    }
  }
  for (const char* flag : {"debug", "shared"}) {
    if (span.contains(flag)) CHECK(span.at(flag) == true);  // written only when true
  }
  for (const auto& field : span.items()) {
    const std::string key = field.key();
    CAPTURE(key);
    static const std::vector<std::string> fields{
        "traceId",        "id",          "parentId", "kind",  "name",  "timestamp", "duration", "localEndpoint",
        "remoteEndpoint", "annotations", "tags",     "debug", "shared"};
    CHECK(std::find(fields.begin(), fields.end(), key) != fields.end());
  }
}

// A finished span on `resource` with the given kind and ids; attributes added by the caller.
SpanData make_span(const Resource& resource, SpanKind kind, std::uint64_t span_id) {
  SpanData span;
  span.set_origin(&resource, nullptr, nullptr);
  span.set_name("op");
  span.set_kind(kind);
  span.set_context(SpanContext{TraceId::from_halves(0, 0x77), SpanId::from_u64(span_id), TraceFlags(1), {}, false});
  span.set_start_time(5000000);
  span.set_end_time(9000000);
  return span;
}

}  // namespace

TEST_SUITE("export") {
  TEST_CASE("ZipkinExporter: every v2 field of the sample spans, as a JSON parser reads them") {
    Receiver receiver;
    tracewire_test::SampleSpans sample;
    ZipkinExporter exporter(options_for(receiver));
    REQUIRE(exporter.export_spans(sample.all()) == ExportResult::success);
    auto request = receiver.next(std::chrono::seconds(10));
    REQUIRE(request);
    INFO(request->dump());
    CHECK(request->at("kind") == "zipkin");
    CHECK(request->at("path") == "/api/v2/spans");
    CHECK(request->at("headers").at("content-type") == "application/json");

    const json& spans = request->at("body");
    const json expected = tracewire_test::expected_zipkin_spans();
    REQUIRE(spans.size() == 3);
    for (std::size_t i = 0; i < 3; ++i) {
      CAPTURE(i);
      check_v2_model(spans[i]);
      CHECK(spans[i] == expected[i]);
    }
    // The points a backend relies on, spelled out.
    CHECK(spans[0].at("traceId").get<std::string>().size() == 32);  // 128-bit id
    CHECK(spans[1].at("traceId").get<std::string>().size() == 16);  // 64-bit id: the form Zipkin stores
    CHECK(spans[0].at("tags").at("otel.status_code") == "ERROR");
    CHECK(spans[0].at("tags").at("error") == "card declined");  // the status, not the "old" attribute
    CHECK(!spans[1].contains("parentId"));
    CHECK(!spans[2].contains("kind"));    // internal spans carry no kind
    CHECK(spans[1].at("duration") == 1);  // 400 ns rounds up to Zipkin's smallest duration

    const ExportStats stats = exporter.stats();
    CHECK(stats.spans_exported == 3);
    CHECK(stats.spans_failed == 0);
    CHECK(stats.requests_sent == 1);
  }

  TEST_CASE("ZipkinExporter: kinds, shared server spans and debug") {
    Receiver receiver;
    Resource resource({{"service.name", "kinds"}});
    SpanData producer = make_span(resource, SpanKind::producer, 1);
    SpanData consumer = make_span(resource, SpanKind::consumer, 2);
    consumer.set_parent(SpanId::from_u64(1), true);
    // A server span that joined its caller's span id (B3's shared span model).
    SpanData joined = make_span(resource, SpanKind::server, 3);
    joined.set_parent(SpanId::from_u64(3), true);
    // A server span with its own id under a remote parent: an ordinary child.
    SpanData child = make_span(resource, SpanKind::server, 4);
    child.set_parent(SpanId::from_u64(3), true);

    ZipkinExporterOptions options = options_for(receiver);
    options.debug = true;
    ZipkinExporter exporter(options);
    const json spans = post_and_receive(receiver, exporter, {&producer, &consumer, &joined, &child});
    REQUIRE(spans.size() == 4);
    for (const json& span : spans) {
      check_v2_model(span);
      CHECK(span.at("debug") == true);
      CHECK(span.at("localEndpoint") == json{{"serviceName", "kinds"}});
      CHECK(span.at("timestamp") == 5000);
      CHECK(span.at("duration") == 4000);
    }
    CHECK(spans[0].at("kind") == "PRODUCER");
    CHECK(spans[1].at("kind") == "CONSUMER");
    CHECK(spans[1].at("parentId") == "0000000000000001");
    CHECK(spans[2].at("kind") == "SERVER");
    CHECK(spans[2].at("shared") == true);
    CHECK(!spans[2].contains("parentId"));  // the shared span has its caller's id, not a parent
    CHECK(!spans[3].contains("shared"));
    CHECK(spans[3].at("parentId") == "0000000000000003");
    CHECK(exporter.describe().find(", debug") != std::string::npos);
  }

  TEST_CASE("ZipkinExporter: remoteEndpoint from server.address and the older net.peer.* attributes") {
    Receiver receiver;
    Resource resource({{"service.name", "edges"}});
    // Old semantic conventions: name, IPv4 and port.
    SpanData old_client = make_span(resource, SpanKind::client, 1);
    old_client.set_attribute("net.peer.name", "cache.local");
    old_client.set_attribute("net.peer.ip", "192.168.0.9");
    old_client.set_attribute("net.peer.port", 6379);
    // Current conventions with an IPv6 peer.
    SpanData v6_producer = make_span(resource, SpanKind::producer, 2);
    v6_producer.set_attribute("server.address", "queue.local");
    v6_producer.set_attribute("network.peer.address", "2001:db8::1");
    v6_producer.set_attribute("network.peer.port", 5672);
    // A host name only: no address, so no port either.
    SpanData named = make_span(resource, SpanKind::client, 3);
    named.set_attribute("server.address", "api.example.com");
    named.set_attribute("server.port", 443);
    // Not an address Zipkin can take, and no name attribute: no remote endpoint at all.
    SpanData bad_address = make_span(resource, SpanKind::client, 4);
    bad_address.set_attribute("network.peer.address", "300.1.2.3");
    // Server spans describe themselves, not a remote endpoint.
    SpanData server = make_span(resource, SpanKind::server, 5);
    server.set_attribute("server.address", "self.local");

    ZipkinExporter exporter(options_for(receiver));
    const json spans = post_and_receive(receiver, exporter, {&old_client, &v6_producer, &named, &bad_address, &server});
    REQUIRE(spans.size() == 5);
    for (const json& span : spans) check_v2_model(span);
    CHECK(spans[0].at("remoteEndpoint") ==
          json{{"serviceName", "cache.local"}, {"ipv4", "192.168.0.9"}, {"port", 6379}});
    CHECK(spans[1].at("remoteEndpoint") ==
          json{{"serviceName", "queue.local"}, {"ipv6", "2001:db8::1"}, {"port", 5672}});
    CHECK(spans[2].at("remoteEndpoint") == json{{"serviceName", "api.example.com"}});
    CHECK(spans[3].at("remoteEndpoint") == json{{"serviceName", "300.1.2.3"}});  // named by it, not addressed
    CHECK(!spans[4].contains("remoteEndpoint"));
    // The attributes themselves stay as tags.
    CHECK(spans[0].at("tags").at("net.peer.port") == "6379");
    CHECK(spans[4].at("tags").at("server.address") == "self.local");
  }

  TEST_CASE("ZipkinExporter: tags are strings; status, error and resource tags follow the mapping") {
    Receiver receiver;
    Resource resource({{"service.name", "tags"}, {"deployment.environment", "prod"}, {"region", "eu"}});
    InstrumentationScope scope{"lib", "", {}, {}};
    SpanData ok = make_span(resource, SpanKind::internal, 1);
    ok.set_origin(&resource, &scope, nullptr);
    ok.set_attribute("count", std::int64_t{-7});
    ok.set_attribute("ratio", 1e-7);
    ok.set_attribute("yes", true);
    ok.set_attribute("error", false);  // Zipkin reads any error tag as failure: left out
    ok.set_attribute("region", "us");  // the span's value wins over the resource's
    ok.set_status(StatusCode::ok);
    SpanData failed = make_span(resource, SpanKind::internal, 2);
    failed.set_status(StatusCode::error);  // no description
    SpanData unset = make_span(resource, SpanKind::internal, 3);
    unset.set_attribute("error", "timeout");  // an application's own error tag stays

    ZipkinExporter exporter(options_for(receiver));
    const json spans = post_and_receive(receiver, exporter, {&ok, &failed, &unset});
    REQUIRE(spans.size() == 3);
    for (const json& span : spans) check_v2_model(span);
    CHECK(spans[0].at("tags") == json{{"count", "-7"},
                                      {"ratio", "1e-07"},
                                      {"yes", "true"},
                                      {"region", "us"},
                                      {"deployment.environment", "prod"},
                                      {"otel.scope.name", "lib"},
                                      {"otel.library.name", "lib"},
                                      {"otel.status_code", "OK"}});
    CHECK(spans[1].at("tags") ==
          json{{"deployment.environment", "prod"}, {"region", "eu"}, {"otel.status_code", "ERROR"}, {"error", ""}});
    CHECK(spans[2].at("tags") == json{{"error", "timeout"}, {"deployment.environment", "prod"}, {"region", "eu"}});
  }

  TEST_CASE("ZipkinExporter: any text in names, tags and annotations arrives intact as JSON") {
    Receiver receiver;
    Resource resource({{"service.name", "svc \"quoted\""}});
    const std::string awkward = std::string("plain \"q\" back\\slash\nline\ttab\x01\x1f del\x7f ") +
                                "\xc3\xa9\xe2\x9c\x93\xf0\x9f\x98\x80" + std::string(1, '\0') + "end";
    SpanData span = make_span(resource, SpanKind::internal, 1);
    span.set_name(awkward);
    span.set_attribute(awkward, std::string_view(awkward));
    span.set_attribute("broken utf-8", "a\xff\xc3z");  // not UTF-8: each bad byte becomes U+FFFD
    KeyValue attributes[] = {{"k", std::string_view(awkward)}};
    span.add_event(awkward, 6000000, attributes);
    span.add_event(awkward, 7000000);

    ZipkinExporter exporter(options_for(receiver));
    const json spans = post_and_receive(receiver, exporter, {&span});
    REQUIRE(spans.size() == 1);
    check_v2_model(spans[0]);
    CHECK(spans[0].at("name") == awkward);
    CHECK(spans[0].at("localEndpoint").at("serviceName") == "svc \"quoted\"");
    CHECK(spans[0].at("tags").at(awkward) == awkward);
    CHECK(spans[0].at("tags").at("broken utf-8") == "a\xef\xbf\xbd\xef\xbf\xbdz");
    const json& annotations = spans[0].at("annotations");
    REQUIRE(annotations.size() == 2);
    // `"name":{attributes}`: the annotation value is itself JSON text naming the event.
    const std::string with_attributes = annotations[0].at("value").get<std::string>();
    CHECK(json::parse("{" + with_attributes + "}") == json{{awkward, {{"k", awkward}}}});
    CHECK(annotations[1].at("value") == awkward);
  }

  TEST_CASE("ZipkinExporter: an empty batch sends nothing; a rejected post counts its spans and is reported") {
    CapturedLog log;
    Receiver::Options receiver_options;
    receiver_options.script = json::array({{{"status", 400}, {"body", "bad span"}}});
    Receiver receiver(receiver_options);
    ZipkinExporterOptions options = options_for(receiver);
    options.endpoint = "http://user:hunter2@127.0.0.1:" + std::to_string(receiver.http_port()) + "/api/v2/spans";
    ZipkinExporter exporter(options);
    CHECK(exporter.export_spans({}) == ExportResult::success);
    CHECK(exporter.stats().requests_sent == 0);

    tracewire_test::SampleSpans sample;
    CHECK(exporter.export_spans(sample.all()) == ExportResult::failure);
    auto request = receiver.next(std::chrono::seconds(10));
    REQUIRE(request);
    CHECK(request->at("kind") == "zipkin");  // it did arrive, and was refused
    const ExportStats stats = exporter.stats();
    CHECK(stats.spans_failed == 3);
    CHECK(stats.spans_exported == 0);
    CHECK(stats.requests_failed == 1);
    CHECK(log.contains("ZipkinExporter: export to http://***@127.0.0.1:"));
    CHECK(log.contains("3 spans lost: HTTP 400: bad span"));
    CHECK(!log.contains("hunter2"));
    CHECK(exporter.describe().find("hunter2") == std::string::npos);

    CHECK(exporter.shutdown(std::chrono::milliseconds(1000)));
    CHECK(exporter.export_spans(sample.all()) == ExportResult::failure);
    CHECK(exporter.stats().spans_failed == 6);
    CHECK(!receiver.next(std::chrono::milliseconds(200)));  // nothing sent after shutdown
  }
}
