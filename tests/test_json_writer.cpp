// JsonWriter: whatever it is given, a JSON parser (nlohmann::json, not ours) reads back
// what was written, and the caller's string holds exactly the text once the writer finishes.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>

#include <nlohmann/json.hpp>

#include "tracewire/export/detail/json_writer.hpp"

using nlohmann::json;
using tracewire::detail::JsonWriter;

namespace {

// One member `{"<text>":"<text>"}`, parsed back.
json member_of(const std::string& text) {
  std::string out;
  JsonWriter writer(out);
  writer.begin_object();
  writer.key(text);
  writer.value(text);
  writer.end_object();
  writer.finish();
  return json::parse(out);
}

}  // namespace

TEST_SUITE("export") {
  TEST_CASE("JsonWriter: every ASCII byte, at every position of the 8-byte blocks it is checked in, round-trips") {
    // Bytes that need escaping (controls, quote, backslash, DEL) are found wherever they sit
    // in a block, including the short tail.
    for (int byte = 0; byte < 0x80; ++byte) {
      for (std::size_t position = 0; position < 19; ++position) {
        std::string text(19, 'x');
        text[position] = static_cast<char>(byte);
        CAPTURE(byte);
        CAPTURE(position);
        const json parsed = member_of(text);
        REQUIRE(parsed.size() == 1);
        CHECK(parsed.begin().key() == text);
        CHECK(parsed.begin().value() == text);
      }
    }
  }

  TEST_CASE("JsonWriter: an empty string, even a default string_view with no data, is written as \"\"") {
    // A default-constructed string_view holds a null pointer (an unset attribute value, an
    // empty tag): copying from it must not reach memcpy (undefined behaviour, UBSan aborts).
    std::string out;
    JsonWriter writer(out);
    writer.begin_object();
    writer.key(std::string_view());
    writer.value(std::string_view());
    writer.end_object();
    writer.finish();
    const json parsed = json::parse(out);
    REQUIRE(parsed.size() == 1);
    CHECK(parsed.begin().key().empty());
    CHECK(parsed.begin().value() == "");
  }

  TEST_CASE("JsonWriter: valid UTF-8 passes through, each invalid byte becomes U+FFFD") {
    const std::string valid = "caf\xc3\xa9 \xe2\x9c\x93 \xf0\x9f\x98\x80 and more after the block";
    CHECK(member_of(valid).begin().value() == valid);
    const std::string invalid = std::string("12345678a\xff") + "\xc3" + "z";
    CHECK(member_of(invalid).begin().value() == "12345678a\xef\xbf\xbd\xef\xbf\xbdz");
  }

  TEST_CASE("JsonWriter: numbers keep their value; int64 as strings; NaN and infinities as OTLP spells them") {
    std::string out;
    JsonWriter writer(out);
    writer.begin_array();
    writer.value(std::numeric_limits<std::int64_t>::min());
    writer.value(std::numeric_limits<std::uint64_t>::max());
    writer.value_as_string(std::numeric_limits<std::int64_t>::max());
    writer.value_as_string(std::uint64_t{0});
    writer.value(0.1);
    writer.value(-2.2250738585072014e-308);
    writer.value(std::nan(""));
    writer.value(-std::numeric_limits<double>::infinity());
    writer.value(true);
    writer.end_array();
    writer.finish();
    const json parsed = json::parse(out);
    CHECK(parsed[0].get<std::int64_t>() == std::numeric_limits<std::int64_t>::min());
    CHECK(parsed[1].get<std::uint64_t>() == std::numeric_limits<std::uint64_t>::max());
    CHECK(parsed[2] == "9223372036854775807");
    CHECK(parsed[3] == "0");
    CHECK(parsed[4].get<double>() == 0.1);
    CHECK(parsed[5].get<double>() == -2.2250738585072014e-308);
    CHECK(parsed[6] == "NaN");
    CHECK(parsed[7] == "-Infinity");
    CHECK(parsed[8] == true);
  }

  TEST_CASE("JsonWriter: appends to the string's contents and leaves exactly the text, however often it is reused") {
    std::string out = "prefix ";
    out.reserve(4096);  // spare capacity must not show up as content
    {
      JsonWriter writer(out);
      writer.begin_object();
      writer.key("id");
      writer.value_hex(reinterpret_cast<const std::uint8_t*>("\x01\xab"), 2);
      writer.end_object();
    }  // the destructor finishes
    CHECK(out == "prefix {\"id\":\"01ab\"}");

    // A value far larger than the string's capacity, and writing on after finish().
    const std::string large(100000, 'v');
    out.clear();
    JsonWriter writer(out);
    writer.begin_array();
    writer.value(large);
    writer.finish();
    writer.value(std::int64_t{7});
    writer.end_array();
    writer.finish();
    CHECK(json::parse(out) == json::array({large, 7}));
  }
}
