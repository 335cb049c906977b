#include <doctest/doctest.h>

#include "tracewire/core/span_id.hpp"
#include "tracewire/core/trace_id.hpp"

using namespace tracewire;

TEST_SUITE("core") {
  TEST_CASE("TraceId round-trips lowercase hex and exposes big-endian halves") {
    auto id = TraceId::from_hex("4bf92f3577b34da6a3ce929d0e0e4736");
    REQUIRE(id);
    CHECK(id->is_valid());
    CHECK(id->to_hex() == "4bf92f3577b34da6a3ce929d0e0e4736");
    CHECK(id->high() == 0x4bf92f3577b34da6ULL);
    CHECK(id->low() == 0xa3ce929d0e0e4736ULL);
    CHECK(TraceId::from_halves(id->high(), id->low()) == *id);
  }

  TEST_CASE("TraceId rejects uppercase, wrong lengths and non-hex; all-zero parses but is invalid") {
    CHECK_FALSE(TraceId::from_hex("4BF92F3577B34DA6A3CE929D0E0E4736"));
    CHECK_FALSE(TraceId::from_hex("4bf92f3577b34da6a3ce929d0e0e473"));
    CHECK_FALSE(TraceId::from_hex("4bf92f3577b34da6a3ce929d0e0e47366"));
    CHECK_FALSE(TraceId::from_hex("4bf92f3577b34da6a3ce929d0e0e473g"));
    CHECK_FALSE(TraceId::from_hex(std::string_view("4bf92f3577b34da6a3ce929d0e0e473\0", 32)));
    auto zero = TraceId::from_hex("00000000000000000000000000000000");
    REQUIRE(zero);
    CHECK_FALSE(zero->is_valid());
    CHECK_FALSE(TraceId().is_valid());
  }

  TEST_CASE("SpanId round-trips hex and 64-bit values") {
    auto id = SpanId::from_hex("00f067aa0ba902b7");
    REQUIRE(id);
    CHECK(id->to_u64() == 0x00f067aa0ba902b7ULL);
    CHECK(id->to_hex() == "00f067aa0ba902b7");
    CHECK(SpanId::from_u64(0x00f067aa0ba902b7ULL) == *id);
    CHECK_FALSE(SpanId::from_hex("00F067AA0BA902B7"));
    CHECK_FALSE(SpanId::from_hex("00f067aa0ba902b"));
    CHECK_FALSE(SpanId().is_valid());
  }

  TEST_CASE("from_hex accepts exactly the lowercase hex digits, whatever byte sits at whatever position") {
    const std::string valid = "0123456789abcdeffedcba9876543210";
    for (std::size_t position = 0; position < valid.size(); ++position) {
      for (int byte = 0; byte < 256; ++byte) {
        std::string text = valid;
        text[position] = static_cast<char>(byte);
        const bool hex_digit = (byte >= '0' && byte <= '9') || (byte >= 'a' && byte <= 'f');
        const auto trace_id = TraceId::from_hex(text);
        CHECK(trace_id.has_value() == hex_digit);
        if (trace_id) CHECK(trace_id->to_hex() == text);
        const auto span_id = SpanId::from_hex(std::string_view(text).substr(position / 16 * 16, 16));
        CHECK(span_id.has_value() == hex_digit);
        if (span_id) CHECK(span_id->to_hex() == std::string_view(text).substr(position / 16 * 16, 16));
      }
    }
  }
}
