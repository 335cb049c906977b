// ThriftCompactWriter and ThriftBinaryWriter at the edges of their encodings (varint
// lengths, zig-zag limits, long list headers, the long field-header form), each message
// shaped as the official Jaeger IDL's Agent.emitBatch so that Apache Thrift's Node library
// (receiver.js) decodes it, never tracewire's own code.
#include <doctest/doctest.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "support/peer_process.hpp"
#include "support/sample_spans.hpp"
#include "tracewire/export/jaeger/detail/thrift_writer.hpp"
#include "tracewire/export/jaeger/jaeger_encoder.hpp"
#include "tracewire/transport/detail/http_auth.hpp"
#include "tracewire/transport/udp_sender.hpp"

using namespace tracewire;
using detail::ThriftBinaryWriter;
using detail::ThriftCompactWriter;
using detail::ThriftMessageType;
using detail::ThriftType;
using nlohmann::json;
using tracewire_test::Receiver;

namespace {

constexpr ThriftProtocol protocols[] = {ThriftProtocol::compact, ThriftProtocol::binary};

// Writes `emitBatch(batch)` with `body(writer)` writing the Batch's fields, sends it to the
// receiver's port for `protocol`, and returns the decoded record.
template <class Body>
json round_trip(Receiver& receiver, ThriftProtocol protocol, std::int32_t sequence_id, Body&& body) {
  std::string packet;
  auto write = [&](auto writer) {
    writer.message_begin("emitBatch", ThriftMessageType::oneway, sequence_id);
    writer.struct_begin();         // emitBatch_args
    writer.field_struct_begin(1);  // 1: Batch batch
    body(writer);
    writer.struct_end();
    writer.struct_end();
  };
  if (protocol == ThriftProtocol::compact) {
    write(ThriftCompactWriter(packet));
  } else {
    write(ThriftBinaryWriter(packet));
  }
  UdpSender sender("127.0.0.1",
                   static_cast<std::uint16_t>(protocol == ThriftProtocol::compact ? receiver.udp_compact_port()
                                                                                  : receiver.udp_binary_port()));
  REQUIRE(sender.send(packet));
  auto record = receiver.next(std::chrono::seconds(10));
  REQUIRE(record);
  REQUIRE_MESSAGE(record->at("kind") != "error", record->dump());
  CHECK(record->at("bytes") == packet.size());
  return *record;
}

// Batch.process with `service` and no tags.
template <class Writer>
void write_process(Writer& writer, std::string_view service) {
  writer.field_struct_begin(1);
  writer.field_binary(1, service);
  writer.struct_end();
}

struct SpanFields {
  std::int64_t trace_id_low;
  std::int64_t trace_id_high;
  std::int64_t span_id;
  std::int64_t parent_span_id;
  std::string operation_name;
  std::int32_t flags;
  std::int64_t start_time;
  std::int64_t duration;
};

// One Span list element with its required fields, in IDL order or reversed.
template <class Writer>
void write_span(Writer& writer, const SpanFields& span, bool reversed) {
  const std::vector<std::function<void()>> fields{
      [&] { writer.field_i64(1, span.trace_id_low); },      [&] { writer.field_i64(2, span.trace_id_high); },
      [&] { writer.field_i64(3, span.span_id); },           [&] { writer.field_i64(4, span.parent_span_id); },
      [&] { writer.field_binary(5, span.operation_name); }, [&] { writer.field_i32(7, span.flags); },
      [&] { writer.field_i64(8, span.start_time); },        [&] { writer.field_i64(9, span.duration); }};
  writer.struct_begin();
  if (reversed) {
    for (auto field = fields.rbegin(); field != fields.rend(); ++field) (*field)();
  } else {
    for (const auto& field : fields) field();
  }
  writer.struct_end();
}

void check_span(const json& decoded, const SpanFields& span) {
  INFO(decoded.dump());
  CHECK(decoded.at("traceIdLow") == std::to_string(span.trace_id_low));
  CHECK(decoded.at("traceIdHigh") == std::to_string(span.trace_id_high));
  CHECK(decoded.at("spanId") == std::to_string(span.span_id));
  CHECK(decoded.at("parentSpanId") == std::to_string(span.parent_span_id));
  CHECK(decoded.at("operationName") == span.operation_name);
  CHECK(decoded.at("flags") == span.flags);
  CHECK(decoded.at("startTime") == std::to_string(span.start_time));
  CHECK(decoded.at("duration") == std::to_string(span.duration));
  CHECK(!decoded.contains("references"));
  CHECK(!decoded.contains("tags"));
  CHECK(!decoded.contains("logs"));
}

// Bytes `write` appends to an empty buffer.
template <class Writer, class Write>
std::size_t bytes_written(Write&& write) {
  std::string buffer;
  Writer writer(buffer);
  write(writer);
  writer.finish();
  return buffer.size();
}

}  // namespace

TEST_SUITE("export") {
  TEST_CASE("Thrift writers: integers at their limits, doubles, booleans and strings, as Apache Thrift reads them") {
    constexpr std::int64_t min64 = std::numeric_limits<std::int64_t>::min();
    constexpr std::int64_t max64 = std::numeric_limits<std::int64_t>::max();
    constexpr std::int32_t min32 = std::numeric_limits<std::int32_t>::min();
    // Values at the zig-zag varint byte boundaries, and the extremes.
    const std::vector<std::int64_t> longs{0, -1, 1, 63, -64, 64, -65, 8191, -8192, 8192, min64, max64};
    const std::vector<double> doubles{0.1, -2.5, 1e308, -4.9406564584124654e-324, 123456789.0};
    const std::string long_text(200, 'm');      // a two-byte length varint
    const std::string longer_text(20000, 'L');  // a three-byte length varint
    const std::string with_nul("a\0b", 3);
    std::string all_bytes;
    for (int i = 0; i < 256; ++i) all_bytes += static_cast<char>(i);
    const SpanFields span{min64, max64, -1, 1, "", min32, max64, 0};

    Receiver receiver;
    for (ThriftProtocol protocol : protocols) {
      CAPTURE(to_string(protocol));
      JaegerEncoder encoder(protocol);
      const json record = round_trip(receiver, protocol, 2147483647, [&](auto& writer) {
        writer.field_struct_begin(1);  // Process
        writer.field_binary(1, "s\xc3\xa9rvice \xe2\x9c\x93");
        const auto count = static_cast<std::uint32_t>(longs.size() + doubles.size() + 6);
        writer.field_list_begin(2, ThriftType::structure, count);
        for (std::int64_t value : longs) encoder.write_tag(writer, "long", AttributeValue(value));
        for (double value : doubles) encoder.write_tag(writer, "double", AttributeValue(value));
        encoder.write_tag(writer, "true", AttributeValue(true));
        encoder.write_tag(writer, "false", AttributeValue(false));
        encoder.write_tag(writer, "long text", AttributeValue(std::string_view(long_text)));
        encoder.write_tag(writer, "longer text", AttributeValue(std::string_view(longer_text)));
        encoder.write_tag(writer, "nul", AttributeValue(std::string_view(with_nul)));
        JaegerEncoder::write_binary_tag(writer, "bytes", all_bytes);
        writer.struct_end();
        writer.field_list_begin(2, ThriftType::structure, 1);
        write_span(writer, span, false);
      });
      CHECK(record.at("seqid") == 2147483647);
      const json& process = record.at("batch").at("process");
      CHECK(process.at("serviceName") == "s\xc3\xa9rvice \xe2\x9c\x93");
      json expected_tags = json::array();
      for (std::int64_t value : longs) expected_tags.push_back(tracewire_test::jaeger_long_tag("long", value));
      for (double value : doubles) expected_tags.push_back(tracewire_test::jaeger_double_tag("double", value));
      expected_tags.push_back(tracewire_test::jaeger_bool_tag("true", true));
      expected_tags.push_back(tracewire_test::jaeger_bool_tag("false", false));
      expected_tags.push_back(tracewire_test::jaeger_string_tag("long text", long_text));
      expected_tags.push_back(tracewire_test::jaeger_string_tag("longer text", longer_text));
      expected_tags.push_back(tracewire_test::jaeger_string_tag("nul", with_nul));
      expected_tags.push_back({{"key", "bytes"}, {"vType", 4}, {"vBinary", detail::base64_encode(all_bytes)}});
      REQUIRE(process.at("tags").size() == expected_tags.size());
      for (std::size_t i = 0; i < expected_tags.size(); ++i) {
        CAPTURE(i);
        CHECK(process.at("tags")[i] == expected_tags[i]);
      }
      REQUIRE(record.at("batch").at("spans").size() == 1);
      check_span(record.at("batch").at("spans")[0], span);
    }
  }

  TEST_CASE("JaegerEncoder: a BINARY tag (which spans never produce) decodes with Apache Thrift") {
    // Put together from the encoder's own pieces: a Process with a BINARY and a LONG tag.
    Receiver receiver;
    for (ThriftProtocol protocol : protocols) {
      CAPTURE(to_string(protocol));
      JaegerEncoder encoder(protocol);
      const json record = round_trip(receiver, protocol, 77, [&](auto& writer) {
        writer.field_struct_begin(1);
        writer.field_binary(1, "svc");
        writer.field_list_begin(2, ThriftType::structure, 2);
        JaegerEncoder::write_binary_tag(writer, "raw", std::string_view("\x00\x01\xfe\xff", 4));
        encoder.write_tag(writer, "n", AttributeValue(-5));
        writer.struct_end();
        writer.field_list_begin(2, ThriftType::structure, 0);
      });
      CHECK(record.at("seqid") == 77);
      CHECK(record.at("batch") == json{{"process",
                                        {{"serviceName", "svc"},
                                         {"tags", json::array({{{"key", "raw"}, {"vType", 4}, {"vBinary", "AAH+/w=="}},
                                                               tracewire_test::jaeger_long_tag("n", -5)})}}},
                                       {"spans", json::array()}});
    }
  }

  TEST_CASE("Thrift writers: lists of 15 and more elements take the long list header") {
    Receiver receiver;
    for (ThriftProtocol protocol : protocols) {
      for (std::uint32_t size : {14u, 15u, 127u, 128u, 300u}) {
        CAPTURE(to_string(protocol));
        CAPTURE(size);
        const json record = round_trip(receiver, protocol, 1, [&](auto& writer) {
          writer.field_struct_begin(1);
          writer.field_binary(1, "lists");
          writer.field_list_begin(2, ThriftType::structure, size);
          for (std::uint32_t i = 0; i < size; ++i) JaegerEncoder::write_long_tag(writer, "i", i);
          writer.struct_end();
          writer.field_list_begin(2, ThriftType::structure, 0);
        });
        const json& tags = record.at("batch").at("process").at("tags");
        REQUIRE(tags.size() == size);
        for (std::uint32_t i = 0; i < size; ++i) {
          if (tags[i] != tracewire_test::jaeger_long_tag("i", i)) FAIL_CHECK("tag " << i << ": " << tags[i].dump());
        }
        CHECK(record.at("batch").at("spans") == json::array());
      }
    }
  }

  TEST_CASE("Thrift writers: list_header_size is exactly what list_begin writes (packet sizing relies on it)") {
    for (std::uint32_t size : {0u, 1u, 14u, 15u, 127u, 128u, 142u, 16383u, 16384u, 2097152u}) {
      CAPTURE(size);
      CHECK(bytes_written<ThriftCompactWriter>([&](auto& writer) { writer.list_begin(ThriftType::structure, size); }) ==
            ThriftCompactWriter::list_header_size(size));
      CHECK(bytes_written<ThriftBinaryWriter>([&](auto& writer) { writer.list_begin(ThriftType::structure, size); }) ==
            ThriftBinaryWriter::list_header_size(size));
    }
  }

  TEST_CASE("Thrift writers: fields out of order (the compact long field-header form) decode the same") {
    const SpanFields first{42, 0, 7, 0, "first", 1, 1700000000000000, 1500};
    const SpanFields second{-42, -7, 8, 7, "second", 0, 1700000000000001, 0};
    Receiver receiver;
    for (ThriftProtocol protocol : protocols) {
      CAPTURE(to_string(protocol));
      // Batch.spans before Batch.process, and each span's fields from last to first.
      const json record = round_trip(receiver, protocol, 9, [&](auto& writer) {
        writer.field_list_begin(2, ThriftType::structure, 2);
        write_span(writer, first, true);
        write_span(writer, second, true);
        write_process(writer, "reversed");
      });
      CHECK(record.at("batch").at("process") == json{{"serviceName", "reversed"}});
      REQUIRE(record.at("batch").at("spans").size() == 2);
      check_span(record.at("batch").at("spans")[0], first);
      check_span(record.at("batch").at("spans")[1], second);
    }
    // The compact writer spends one header byte on an id delta of 1 to 15 and falls back to
    // type byte + zig-zag id otherwise.
    const auto ascending = bytes_written<ThriftCompactWriter>([](auto& writer) {
      writer.field_i32(1, 0);
      writer.field_i32(16, 0);
    });
    const auto descending = bytes_written<ThriftCompactWriter>([](auto& writer) {
      writer.field_i32(16, 0);
      writer.field_i32(1, 0);
    });
    CHECK(ascending == (1 + 1) + (1 + 1));           // a delta of 1, then of 15: both short
    CHECK(descending == (1 + 1 + 1) + (1 + 1 + 1));  // 16 from 0: long; 1 after 16: long
  }

  TEST_CASE("Thrift writers: a struct's field ids restart inside nested structs and resume after them") {
    // Span.references (6) holds a SpanRef ending at field 4, Span.tags (10) Tags ending at 7:
    // Span.flags (7) and Span.logs (11) must still be read as themselves.
    Receiver receiver;
    for (ThriftProtocol protocol : protocols) {
      CAPTURE(to_string(protocol));
      const json record = round_trip(receiver, protocol, 3, [&](auto& writer) {
        write_process(writer, "nested");
        writer.field_list_begin(2, ThriftType::structure, 1);
        writer.struct_begin();
        writer.field_i64(1, 5);
        writer.field_i64(2, 0);
        writer.field_i64(3, 6);
        writer.field_i64(4, 0);
        writer.field_binary(5, "op");
        writer.field_list_begin(6, ThriftType::structure, 1);
        writer.struct_begin();  // SpanRef, whose last field (4) is above the next span field's delta base
        writer.field_i32(1, 1);
        writer.field_i64(2, 5);
        writer.field_i64(3, 0);
        writer.field_i64(4, 9);
        writer.struct_end();
        writer.field_i32(7, 3);
        writer.field_i64(8, 10);
        writer.field_i64(9, 20);
        writer.field_list_begin(10, ThriftType::structure, 1);
        JaegerEncoder::write_binary_tag(writer, "raw", std::string_view("\x01", 1));
        writer.field_list_begin(11, ThriftType::structure, 1);
        writer.struct_begin();  // Log
        writer.field_i64(1, 15);
        writer.field_list_begin(2, ThriftType::structure, 1);
        JaegerEncoder::write_string_tag(writer, "event", "e");
        writer.struct_end();
        writer.struct_end();
      });
      const json& span = record.at("batch").at("spans").at(0);
      CHECK(span.at("tags") == json::array({{{"key", "raw"}, {"vType", 4}, {"vBinary", "AQ=="}}}));
      CHECK(span.at("logs") ==
            json::array(
                {{{"timestamp", "15"}, {"fields", json::array({tracewire_test::jaeger_string_tag("event", "e")})}}}));
      CHECK(span.at("references").size() == 1);
      CHECK(span.at("references")[0].at("refType") == 1);
      CHECK(span.at("references")[0].at("spanId") == "9");
      CHECK(span.at("flags") == 3);
      CHECK(span.at("duration") == "20");
    }
  }
}
