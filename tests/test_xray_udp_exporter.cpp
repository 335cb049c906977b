// XRayUdpExporter: the datagrams are received on loopback by tests/peers/receiver.js, which
// parses the daemon header and the document with Node's JSON parser; every document is
// checked against AWS's segment document rules.
#include <doctest/doctest.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "mocks/recording_logger.hpp"
#include "support/peer_process.hpp"
#include "support/xray_segment_rules.hpp"
#include "tracewire/export/xray/xray_udp_exporter.hpp"
#include "tracewire/trace/xray_id_generator.hpp"

using namespace tracewire;
using nlohmann::json;
using tracewire_test::Receiver;
using tracewire_test::xray_problems;

namespace {

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

XRayUdpExporterOptions options_for(const Receiver& receiver) {
  XRayUdpExporterOptions options;
  options.port = static_cast<std::uint16_t>(receiver.udp_xray_port());
  return options;
}

// A small trace: a server span, its client child, and an internal grandchild, with X-Ray ids
// of the current time; `padding` bytes in one attribute of the internal span.
struct Trace {
  Resource resource{{{"service.name", "checkout"}, {"service.version", "1.0"}}};
  std::string padding;
  SpanData server, client, internal;

  explicit Trace(std::size_t padding_bytes = 0, std::uint32_t seconds = static_cast<std::uint32_t>(unix_now()))
      : padding(padding_bytes, 'p') {
    const TraceId trace_id = XRayIdGenerator::trace_id_at(seconds);
    const std::uint64_t start = std::uint64_t(seconds) * 1000000000ULL;
    std::uint64_t next_id = 0x100;
    for (SpanData* span : {&server, &client, &internal}) {
      span->set_origin(&resource, nullptr, nullptr);
      span->set_context(SpanContext{trace_id, SpanId::from_u64(next_id++), TraceFlags(1), {}, false});
      span->set_start_time(start);
      span->set_end_time(start + 5000000);
    }
    server.set_name("GET /cart");
    server.set_kind(SpanKind::server);
    server.set_attribute("http.request.method", "GET");
    server.set_attribute("http.response.status_code", 200);
    client.set_name("POST /verify");
    client.set_kind(SpanKind::client);
    client.set_parent(server.span_id(), false);
    client.set_attribute("peer.service", "auth-service");
    internal.set_name("load-cart");
    internal.set_parent(server.span_id(), false);
    if (padding_bytes > 0) internal.set_attribute("padding", padding);
  }
  std::vector<const SpanData*> batch() const { return {&server, &client, &internal}; }
};

std::vector<json> receive(Receiver& receiver, std::size_t count) {
  std::vector<json> records;
  while (records.size() < count) {
    auto record = receiver.next(std::chrono::seconds(10));
    REQUIRE_MESSAGE(record, "only ", records.size(), " of ", count, " datagrams arrived");
    REQUIRE_MESSAGE(record->at("kind") == "xray", record->dump());
    records.push_back(*record);
  }
  return records;
}

}  // namespace

TEST_SUITE("export") {
  TEST_CASE("XRayUdpExporter: one datagram per span, the daemon's header, valid segment documents" *
            doctest::timeout(60)) {
    Receiver receiver;
    XRayUdpExporter exporter(options_for(receiver));
    Trace trace;
    const auto batch = trace.batch();
    CHECK(exporter.export_spans(batch) == ExportResult::success);
    const std::vector<json> records = receive(receiver, 3);

    std::map<std::string, json> by_id;
    std::uint64_t bytes = 0;
    for (const json& record : records) {
      CHECK(record["header"] == json::parse(R"({"format":"json","version":1})"));
      CHECK_MESSAGE(xray_problems(record["document"], unix_now()) == "", record["document"].dump());
      CHECK(record["bytes"].get<std::size_t>() <= 65507);
      bytes += record["bytes"].get<std::uint64_t>();
      by_id[record["document"]["id"].get<std::string>()] = record["document"];
    }
    const json& server = by_id.at(trace.server.span_id().to_hex());
    const json& client = by_id.at(trace.client.span_id().to_hex());
    const json& internal = by_id.at(trace.internal.span_id().to_hex());
    CHECK_FALSE(server.contains("type"));
    CHECK(server["name"] == "checkout");
    CHECK(client["type"] == "subsegment");
    CHECK(client["namespace"] == "remote");
    CHECK(client["parent_id"] == server["id"]);
    CHECK(internal["parent_id"] == server["id"]);
    CHECK(client["trace_id"] == server["trace_id"]);

    const ExportStats stats = exporter.stats();
    CHECK(stats.spans_exported == 3);
    CHECK(stats.requests_sent == 3);
    CHECK(stats.spans_failed == 0);
    CHECK(stats.bytes_sent == bytes);
    CHECK(exporter.describe() ==
          fmt::format("XRayUdpExporter{{daemon=udp://127.0.0.1:{}, indexed_attributes=0}}", receiver.udp_xray_port()));
  }

  TEST_CASE("XRayUdpExporter: a span over the 64 KiB limit is dropped and counted, the rest of the batch is sent" *
            doctest::timeout(60)) {
    Receiver receiver;
    tracewire_test::CapturedLog log;
    XRayUdpExporter exporter(options_for(receiver));
    Trace big(70000);
    CHECK(exporter.export_spans(big.batch()) == ExportResult::success);  // a drop is not a failure
    const std::vector<json> records = receive(receiver, 2);
    for (const json& record : records) CHECK(record["document"]["id"] != big.internal.span_id().to_hex());
    ExportStats stats = exporter.stats();
    CHECK(stats.spans_exported == 2);
    CHECK(stats.spans_too_large == 1);
    CHECK(log.contains("XRayUdpExporter: dropped span \"load-cart\""));
    CHECK(log.contains("over the 65507-byte UDP limit"));

    // Just under the limit still goes out whole: find the padding that fills a datagram.
    std::string probe;
    probe.assign(XRayUdpExporter::header);
    XRayEncoder().encode(Trace(0).internal, probe);
    const std::size_t overhead = probe.size() + std::string(R"(,"metadata":{"default":{"padding":""}})").size();
    Trace fits(65507 - overhead);
    const SpanData* one[] = {&fits.internal};
    CHECK(exporter.export_spans(one) == ExportResult::success);
    const json record = receive(receiver, 1).front();
    CHECK(record["bytes"] == 65507);
    CHECK(record["document"]["metadata"]["default"]["padding"].get<std::string>().size() == 65507 - overhead);
    CHECK(exporter.stats().spans_too_large == 1);
  }

  TEST_CASE("XRayUdpExporter: a trace id X-Ray would reject is sent, and said once" * doctest::timeout(60)) {
    Receiver receiver;
    tracewire_test::CapturedLog log;
    XRayUdpExporter exporter(options_for(receiver));
    Trace old(0, 1000);  // 1970: a random id's time part is as far off
    CHECK(exporter.export_spans(old.batch()) == ExportResult::success);
    CHECK(exporter.export_spans(old.batch()) == ExportResult::success);
    CHECK(receive(receiver, 6).size() == 6);
    CHECK(log.count() == 1);
    CHECK(log.contains("cannot be an X-Ray trace id"));
    CHECK(log.contains("OTEL_TRACES_ID_GENERATOR=xray"));
  }

  TEST_CASE("XRayUdpExporter: after shutdown every span fails and is counted") {
    XRayUdpExporter exporter;
    CHECK(exporter.shutdown(std::chrono::milliseconds(100)));
    CHECK(exporter.shutdown(std::chrono::milliseconds(100)));
    Trace trace;
    CHECK(exporter.export_spans(trace.batch()) == ExportResult::failure);
    CHECK(exporter.stats().spans_failed == 3);
    CHECK(exporter.stats().spans_exported == 0);
  }
}
