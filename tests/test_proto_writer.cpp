#include <doctest/doctest.h>

#include <string>

#include "support/peer_process.hpp"
#include "tracewire/export/otlp/detail/proto_reader.hpp"
#include "tracewire/export/otlp/detail/proto_writer.hpp"

using tracewire::detail::ProtoReader;
using tracewire::detail::ProtoWriter;

namespace {
std::string bytes(std::initializer_list<int> values) {
  std::string out;
  for (int value : values) out += static_cast<char>(value);
  return out;
}
}  // namespace

TEST_SUITE("export") {
  TEST_CASE("ProtoWriter writes varints, negative int64, fixed64, fixed32 and doubles in wire format") {
    std::string buffer;
    ProtoWriter out(buffer);
    out.write_varint(1, 150);  // the protobuf documentation's example: 08 96 01
    out.write_int64(2, -1);    // ten bytes, two's complement
    out.write_fixed64(7, 0x0102030405060708ULL);
    out.write_fixed32(16, 0x301);
    out.write_double(4, 1.0);
    out.finish();
    CHECK(buffer == bytes({0x08, 0x96, 0x01,                                                  //
                           0x10, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01,  //
                           0x39, 0x08, 0x07, 0x06, 0x05, 0x04, 0x03, 0x02, 0x01,              //
                           0x85, 0x01, 0x01, 0x03, 0x00, 0x00,                                //
                           0x21, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xf0, 0x3f}));
  }

  TEST_CASE("ProtoWriter back-patches nested lengths canonically whatever the reserved size") {
    for (std::uint32_t reserved = 1; reserved <= 5; ++reserved) {
      for (std::size_t body : {0u, 5u, 127u, 128u, 300u, 20000u}) {
        std::string buffer;
        ProtoWriter out(buffer);
        const auto outer = out.begin_message(1, reserved);
        const auto inner = out.begin_message(2, reserved);
        out.write_string(3, std::string(body, 'x'));
        out.end_message(inner);
        out.end_message(outer);
        out.finish();
        const std::size_t inner_size = 1 + ProtoWriter::varint_size(body) + body;
        const std::size_t outer_size = 1 + ProtoWriter::varint_size(inner_size) + inner_size;
        CAPTURE(reserved);
        CAPTURE(body);
        REQUIRE(buffer.size() == 1 + ProtoWriter::varint_size(outer_size) + outer_size);
        ProtoReader reader(buffer);
        REQUIRE(reader.next());
        CHECK(reader.field() == 1);
        ProtoReader nested(reader.bytes());
        REQUIRE(nested.next());
        CHECK(nested.field() == 2);
        ProtoReader string(nested.bytes());
        REQUIRE(string.next());
        CHECK(string.bytes() == std::string(body, 'x'));
      }
    }
  }

  TEST_CASE("ProtoWriter output is read by protoc --decode_raw (an independent decoder)") {
    std::string buffer;
    ProtoWriter out(buffer);
    const auto span = out.begin_message(2, 1);  // too small on purpose: the body moves
    out.write_string(5, std::string(200, 'n'));
    out.write_fixed64(7, 42);
    const auto status = out.begin_message(15, 3);  // too large on purpose
    out.write_varint(3, 2);
    out.end_message(status);
    out.end_message(span);
    out.finish();
    const std::string decoded = tracewire_test::run_command({"protoc", "--decode_raw"}, buffer);
    INFO(decoded);
    CHECK(decoded.find("2 {") == 0);
    CHECK(decoded.find("5: \"" + std::string(200, 'n') + "\"") != std::string::npos);
    CHECK(decoded.find("7: 0x000000000000002a") != std::string::npos);
    CHECK(decoded.find("15 {\n    3: 2\n  }") != std::string::npos);
  }

  TEST_CASE("ProtoWriter repairs invalid UTF-8 in strings from outside the records") {
    std::string buffer;
    ProtoWriter out(buffer);
    out.write_string_checked(1,
                             "a\xff"
                             "b");
    out.write_string_checked(2, std::string(100, '\xfe'));
    out.finish();
    ProtoReader reader(buffer);
    REQUIRE(reader.next());
    CHECK(reader.bytes() ==
          "a\xef\xbf\xbd"
          "b");
    REQUIRE(reader.next());
    CHECK(reader.bytes().size() == 300);
    CHECK(tracewire::detail::is_valid_utf8(reader.bytes()));
  }

  TEST_CASE("ProtoWriter reuses its buffer: a second message of the same size does not reallocate") {
    std::string buffer;
    for (int round = 0; round < 2; ++round) {
      ProtoWriter out(buffer, 0);  // over the previous message, as the OTLP encoder writes
      for (int i = 0; i < 1000; ++i) out.write_string(1, "some attribute value");
      out.finish();
    }
    const char* data = buffer.data();
    const std::size_t size = buffer.size();
    ProtoWriter out(buffer, 0);
    for (int i = 0; i < 1000; ++i) out.write_string(1, "some attribute value");
    out.finish();
    CHECK(buffer.data() == data);
    CHECK(buffer.size() == size);
  }

  TEST_CASE("ProtoWriter appends after the buffer's contents, nested lengths included") {
    std::string buffer = "prefix";
    {
      ProtoWriter out(buffer);
      CHECK(out.size() == 6);
      const auto message = out.begin_message(1, 1);  // too small: the body moves
      out.write_string(2, std::string(200, 'b'));
      out.end_message(message);
    }  // the destructor trims, as finish() does
    REQUIRE(buffer.compare(0, 6, "prefix") == 0);
    ProtoReader reader(std::string_view(buffer).substr(6));
    REQUIRE(reader.next());
    CHECK(reader.field() == 1);
    ProtoReader nested(reader.bytes());
    REQUIRE(nested.next());
    CHECK(nested.bytes() == std::string(200, 'b'));
    CHECK_FALSE(reader.next());
    CHECK(reader.ok());
  }

  TEST_CASE("ProtoReader stops on truncated or garbage input without reading past the end") {
    for (const std::string& garbage : {bytes({0x0a, 0x05, 0x01}), bytes({0xff, 0xff, 0xff}), bytes({0x00}),
                                       bytes({0x0f}), bytes({0x09, 0x01}), std::string(3, '\x80')}) {
      ProtoReader reader(garbage);
      while (reader.next()) {}
      CHECK_FALSE(reader.ok());
    }
  }

  TEST_CASE("ProtoReader::prefix returns the beginning of a field cut by the end of the data, then stops") {
    // field 1 varint 7, then field 2 of 5 bytes of which 2 are there
    const std::string data = bytes({0x08, 0x07, 0x12, 0x05, 'a', 'b'});  // the reader keeps a view
    ProtoReader reader = ProtoReader::prefix(data);
    REQUIRE(reader.next());
    CHECK(reader.varint() == 7);
    CHECK_FALSE(reader.cut());
    REQUIRE(reader.next());
    CHECK(reader.field() == 2);
    CHECK(reader.cut());
    CHECK(reader.bytes() == "ab");
    CHECK_FALSE(reader.next());
    // a varint cut in the middle is not a value, prefix or not
    const std::string cut_varint = bytes({0x08, 0x87});
    ProtoReader varint = ProtoReader::prefix(cut_varint);
    CHECK_FALSE(varint.next());
    CHECK_FALSE(varint.ok());
    // without prefix, the same cut field is malformed input
    const std::string cut_field = bytes({0x12, 0x05, 'a', 'b'});
    ProtoReader whole(cut_field);
    CHECK_FALSE(whole.next());
    CHECK_FALSE(whole.ok());
  }

  TEST_CASE("ProtoReader refuses field numbers beyond 2^29 - 1 instead of wrapping them (fuzz_proto_reader)") {
    const auto varint = [](std::uint64_t value) {
      std::string out;
      for (; value >= 0x80; value >>= 7) out += static_cast<char>((value & 0x7f) | 0x80);
      return out + static_cast<char>(value);
    };
    // field 2^32 + 1 with a varint 7: its low 32 bits say field 1
    const std::string wrapping = varint(((std::uint64_t{1} << 32) + 1) << 3) + varint(7);  // the reader keeps a view
    ProtoReader wrapped(wrapping);
    CHECK_FALSE(wrapped.next());
    CHECK_FALSE(wrapped.ok());
    const std::string largest_field = varint(std::uint64_t{ProtoReader::max_field_number} << 3) + varint(7);
    ProtoReader largest(largest_field);
    REQUIRE(largest.next());
    CHECK(largest.field() == ProtoReader::max_field_number);
    CHECK(largest.varint() == 7);
    const std::string beyond_field = varint((std::uint64_t{ProtoReader::max_field_number} + 1) << 3) + varint(7);
    ProtoReader beyond(beyond_field);
    CHECK_FALSE(beyond.next());
  }
}
