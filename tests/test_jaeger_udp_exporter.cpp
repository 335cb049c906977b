// JaegerUdpExporter (and JaegerEncoder, UdpSender) checked by Apache Thrift's Node
// library on the official Jaeger IDL, receiving the datagrams on loopback (receiver.js).
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <set>
#include <string>
#include <vector>

#include "mocks/recording_logger.hpp"
#include "support/peer_process.hpp"
#include "support/sample_spans.hpp"
#include "tracewire/export/jaeger/jaeger_udp_exporter.hpp"

using namespace tracewire;
using nlohmann::json;
using tracewire_test::Receiver;

namespace {

JaegerUdpExporterOptions options_for(const Receiver& receiver, ThriftProtocol protocol) {
  JaegerUdpExporterOptions options;
  options.host = "127.0.0.1";
  options.protocol = protocol;
  options.port = static_cast<std::uint16_t>(protocol == ThriftProtocol::compact ? receiver.udp_compact_port()
                                                                                : receiver.udp_binary_port());
  return options;
}

// Reads datagram records until `spans` spans have arrived (or the deadline passes).
std::vector<json> receive_spans(Receiver& receiver, std::size_t spans) {
  std::vector<json> records;
  std::size_t received = 0;
  while (received < spans) {
    auto record = receiver.next(std::chrono::seconds(10));
    REQUIRE_MESSAGE(record, "only " << received << " of " << spans << " spans arrived");
    REQUIRE_MESSAGE(record->at("kind") != "error", record->dump());
    received += record->at("batch").at("spans").size();
    records.push_back(*record);
  }
  return records;
}

// A span carrying `padding` bytes in one attribute, so that packets fill up quickly.
struct PaddedSpans {
  Resource resource{{{"service.name", "bulk"}}};
  std::string padding;
  std::vector<SpanData> spans;
  std::vector<const SpanData*> pointers;

  PaddedSpans(std::size_t count, std::size_t padding_bytes) : padding(padding_bytes, 'x'), spans(count) {
    for (std::size_t i = 0; i < count; ++i) {
      SpanData& span = spans[i];
      span.set_origin(&resource, nullptr, nullptr);
      span.set_name("bulk");
      span.set_context(SpanContext{TraceId::from_halves(7, 9), SpanId::from_u64(i + 1), TraceFlags(1), {}, false});
      span.set_start_time(1000000);
      span.set_end_time(2000000);
      span.set_attribute("padding", padding);
      pointers.push_back(&span);
    }
  }
};

}  // namespace

TEST_SUITE("export") {
  TEST_CASE("JaegerUdpExporter: every field survives compact and binary Thrift, as Apache Thrift decodes it") {
    for (ThriftProtocol protocol : {ThriftProtocol::compact, ThriftProtocol::binary}) {
      CAPTURE(to_string(protocol));
      Receiver receiver;
      tracewire_test::SampleSpans sample;
      JaegerUdpExporter exporter(options_for(receiver, protocol));
      const auto batch = sample.all();
      REQUIRE(exporter.export_spans(batch) == ExportResult::success);

      auto record = receiver.next(std::chrono::seconds(10));
      REQUIRE(record);
      CHECK(record->at("kind") == (protocol == ThriftProtocol::compact ? "jaeger-udp-compact" : "jaeger-udp-binary"));
      CHECK(record->at("name") == "emitBatch");
      CHECK(record->at("mtype") == 4);  // oneway
      const json expected = tracewire_test::expected_jaeger_batch();
      const json& actual = record->at("batch");
      CHECK(actual.at("process") == expected.at("process"));
      REQUIRE(actual.at("spans").size() == 3);
      for (std::size_t i = 0; i < 3; ++i) {
        CAPTURE(i);
        CHECK(actual.at("spans")[i] == expected.at("spans")[i]);
      }
      CHECK(actual == expected);  // nothing else (no stray optional fields)

      const ExportStats stats = exporter.stats();
      CHECK(stats.spans_exported == 3);
      CHECK(stats.spans_failed == 0);
      CHECK(stats.spans_too_large == 0);
      CHECK(stats.requests_sent == 1);
    }
  }

  TEST_CASE("JaegerUdpExporter: datagrams carry increasing sequence ids") {
    Receiver receiver;
    tracewire_test::SampleSpans sample;
    JaegerUdpExporter exporter(options_for(receiver, ThriftProtocol::compact));
    const auto batch = sample.all();
    REQUIRE(exporter.export_spans(batch) == ExportResult::success);
    REQUIRE(exporter.export_spans(batch) == ExportResult::success);
    auto first = receiver.next(std::chrono::seconds(10));
    auto second = receiver.next(std::chrono::seconds(10));
    REQUIRE(first);
    REQUIRE(second);
    CHECK(second->at("seqid").get<int>() == first->at("seqid").get<int>() + 1);
  }

  TEST_CASE("JaegerUdpExporter: a batch over the packet limit is split with no span lost") {
    for (ThriftProtocol protocol : {ThriftProtocol::compact, ThriftProtocol::binary}) {
      CAPTURE(to_string(protocol));
      Receiver receiver;
      // 60 spans of ~1 KB under an 8000-byte limit: at least 8 datagrams. (Kept well under
      // the receiver's socket buffer, so the kernel cannot drop what the test waits for.)
      PaddedSpans bulk(60, 1000);
      JaegerUdpExporterOptions options = options_for(receiver, protocol);
      options.max_packet_size = 8000;
      JaegerUdpExporter exporter(options);
      REQUIRE(exporter.export_spans(bulk.pointers) == ExportResult::success);

      const std::vector<json> records = receive_spans(receiver, 60);
      CHECK(records.size() >= 8);
      std::set<std::string> span_ids;
      for (std::size_t i = 0; i < records.size(); ++i) {
        const json& record = records[i];
        CHECK(record.at("bytes").get<std::size_t>() <= 8000);
        // Packets are filled: each but the last had no room for one more ~1 KB span.
        if (i + 1 < records.size()) CHECK(record.at("bytes").get<std::size_t>() > 8000 - 1100);
        CHECK(record.at("batch").at("process").at("serviceName") == "bulk");
        for (const json& span : record.at("batch").at("spans")) {
          CHECK(span.at("tags").at(0).at("vStr").get<std::string>().size() == 1000);
          span_ids.insert(span.at("spanIdHex").get<std::string>());
        }
      }
      CHECK(span_ids.size() == 60);  // every span exactly once
      const ExportStats stats = exporter.stats();
      CHECK(stats.spans_exported == 60);
      CHECK(stats.spans_too_large == 0);
      CHECK(stats.requests_sent == records.size());
    }
  }

  TEST_CASE("JaegerUdpExporter: the default 65000-byte limit splits a large batch") {
    Receiver receiver;
    PaddedSpans bulk(12, 9000);  // ~108 KB: two datagrams
    JaegerUdpExporter exporter(options_for(receiver, ThriftProtocol::compact));
    REQUIRE(exporter.export_spans(bulk.pointers) == ExportResult::success);
    const std::vector<json> records = receive_spans(receiver, 12);
    REQUIRE(records.size() == 2);
    for (const json& record : records) CHECK(record.at("bytes").get<std::size_t>() <= 65000);
    CHECK(records[0].at("bytes").get<std::size_t>() > 60000);  // the first is filled before the second starts
    CHECK(exporter.stats().spans_exported == 12);
    // bytes_sent counts what the agent received, through the SpanExporter interface too.
    const SpanExporter& any = exporter;
    CHECK(any.stats().bytes_sent ==
          records[0].at("bytes").get<std::uint64_t>() + records[1].at("bytes").get<std::uint64_t>());
  }

  TEST_CASE("JaegerUdpExporter: a span too large for any datagram is dropped, counted and reported") {
    tracewire_test::CapturedLog logs;
    Receiver receiver;
    PaddedSpans bulk(3, 100);
    std::string huge(70000, 'h');
    bulk.spans[1].set_attribute("padding", huge);
    JaegerUdpExporter exporter(options_for(receiver, ThriftProtocol::compact));
    CHECK(exporter.export_spans(bulk.pointers) == ExportResult::success);

    const std::vector<json> records = receive_spans(receiver, 2);
    REQUIRE(records.size() == 1);
    const json& spans = records[0].at("batch").at("spans");
    REQUIRE(spans.size() == 2);
    CHECK(spans[0].at("spanIdHex") == "0000000000000001");
    CHECK(spans[1].at("spanIdHex") == "0000000000000003");
    const ExportStats stats = exporter.stats();
    CHECK(stats.spans_exported == 2);
    CHECK(stats.spans_too_large == 1);
    CHECK(stats.spans_failed == 0);
    CHECK(logs.contains("dropped 1 span(s) whose encoding alone exceeds the 65000-byte UDP packet limit"));
  }

  TEST_CASE("JaegerUdpExporter: spans from two resources go out as two batches with their own process") {
    Receiver receiver;
    tracewire_test::SampleSpans sample;
    Resource other({{"service.name", "billing"}});
    SpanData billing = sample.internal;
    billing.set_origin(&other, nullptr, nullptr);
    std::vector<const SpanData*> batch{&sample.client, &billing, &sample.internal};
    JaegerUdpExporter exporter(options_for(receiver, ThriftProtocol::binary));
    REQUIRE(exporter.export_spans(batch) == ExportResult::success);
    const std::vector<json> records = receive_spans(receiver, 3);
    REQUIRE(records.size() == 2);
    CHECK(records[0].at("batch").at("process").at("serviceName") == "checkout");
    CHECK(records[0].at("batch").at("spans").size() == 2);
    CHECK(records[0].at("batch").at("spans")[0].at("spanId") == "3");
    CHECK(records[0].at("batch").at("spans")[1].at("spanId") == "4");
    CHECK(records[1].at("batch").at("process") == json{{"serviceName", "billing"}});
    CHECK(records[1].at("batch").at("spans").size() == 1);
  }

  TEST_CASE("JaegerUdpExporter: the default host name localhost reaches an agent listening on IPv4 only") {
    Receiver receiver;  // binds 127.0.0.1, as an agent published by Docker on IPv4 does
    tracewire_test::SampleSpans sample;
    JaegerUdpExporterOptions options = options_for(receiver, ThriftProtocol::compact);
    options.host = "localhost";
    JaegerUdpExporter exporter(options);
    REQUIRE(exporter.export_spans(sample.all()) == ExportResult::success);
    const std::vector<json> records = receive_spans(receiver, 3);
    CHECK(records.size() == 1);
  }

  TEST_CASE("JaegerUdpExporter: a datagram the kernel refuses counts its spans as failed") {
    tracewire_test::CapturedLog logs;
    Receiver receiver;
    PaddedSpans bulk(1, 70000);
    JaegerUdpExporterOptions options = options_for(receiver, ThriftProtocol::compact);
    options.max_packet_size = 100000;  // beyond what UDP can carry: the send fails (EMSGSIZE)
    JaegerUdpExporter exporter(options);
    CHECK(exporter.export_spans(bulk.pointers) == ExportResult::failure);
    const ExportStats stats = exporter.stats();
    CHECK(stats.spans_failed == 1);
    CHECK(stats.spans_exported == 0);
    CHECK(stats.requests_failed == 1);
    CHECK(logs.contains("JaegerUdpExporter: 1 spans lost"));
  }

  TEST_CASE("JaegerUdpExporter: after shutdown exports fail and are counted; describe names the agent") {
    JaegerUdpExporterOptions options;
    options.host = "127.0.0.1";
    options.port = 9;
    JaegerUdpExporter exporter(options);
    CHECK(exporter.describe() == "JaegerUdpExporter{agent=udp://127.0.0.1:9, protocol=compact, max_packet_size=65000}");
    CHECK(exporter.shutdown(std::chrono::milliseconds(100)));
    CHECK(exporter.shutdown(std::chrono::milliseconds(100)));  // twice is fine
    tracewire_test::SampleSpans sample;
    CHECK(exporter.export_spans(sample.all()) == ExportResult::failure);
    CHECK(exporter.stats().spans_failed == 3);
  }
}
