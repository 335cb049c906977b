#include <doctest/doctest.h>

#include <string>

#include "tracewire/core/trace_state.hpp"

using namespace tracewire;

TEST_SUITE("core") {
  TEST_CASE("TraceState parses the W3C examples and keeps member order") {
    auto state = TraceState::parse("rojo=00f067aa0ba902b7,congo=t61rcWkgMzE");
    REQUIRE(state.size() == 2);
    CHECK(state.members()[0].key == "rojo");
    CHECK(state.get("congo") == std::string_view("t61rcWkgMzE"));
    CHECK(state.to_header() == "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE");
  }

  TEST_CASE("TraceState skips empty members and optional whitespace") {
    auto state = TraceState::parse(" a=1 ,, \t b=2\t,");
    REQUIRE(state.size() == 2);
    CHECK(state.to_header() == "a=1,b=2");
  }

  TEST_CASE("TraceState accepts multi-tenant keys and rejects bad ones") {
    CHECK(TraceState::parse("fw529a3039@dt=d3d3").size() == 1);
    CHECK(TraceState::parse("1tenant@sys=x").size() == 1);
    CHECK(TraceState::parse("a@b@c=1").empty());
    CHECK(TraceState::parse("Upper=1").empty());
    CHECK(TraceState::parse("_a=1").empty());
    CHECK(TraceState::parse("tenant@1sys=1").empty());
    CHECK(TraceState::parse("tenant@abcdefghijklmno=1").empty());  // system id of 15 characters
    CHECK(TraceState::parse(std::string(256, 'a') + "=1").size() == 1);
    CHECK(TraceState::parse(std::string(257, 'a') + "=1").empty());
  }

  TEST_CASE("TraceState value grammar") {
    CHECK(TraceState::parse("a=hello world").size() == 1);
    CHECK(TraceState::parse("a=trailing ").size() == 1);  // the OWS after a member is trimmed
    CHECK(TraceState::parse("a=x=y").empty());
    CHECK(TraceState::parse("a=").empty());
    CHECK(TraceState::parse("a=\x01").empty());
    CHECK(TraceState::parse("a=caf\xc3\xa9").empty());
    CHECK(TraceState::parse("a=" + std::string(256, 'v')).size() == 1);
    CHECK(TraceState::parse("a=" + std::string(257, 'v')).empty());
  }

  TEST_CASE("TraceState: one invalid member, a duplicate key or 33 members invalidate the header") {
    CHECK(TraceState::parse("a=1,B=2").empty());
    CHECK(TraceState::parse("a=1,a=2").empty());
    std::string header;
    for (int i = 0; i < 32; ++i) header += "k" + std::to_string(i) + "=v,";
    CHECK(TraceState::parse(header).size() == 32);
    CHECK(TraceState::parse(header + "k32=v").empty());
  }

  TEST_CASE("TraceState set moves the key to the front; remove drops it; copies are independent") {
    auto state = TraceState::parse("a=1,b=2,c=3");
    auto updated = state.set("b", "9");
    CHECK(updated.to_header() == "b=9,a=1,c=3");
    CHECK(state.to_header() == "a=1,b=2,c=3");
    CHECK(updated.remove("a").to_header() == "b=9,c=3");
    CHECK(state.set("BAD", "1") == state);
    CHECK(TraceState().set("ot", "th:8").to_header() == "ot=th:8");
  }

  TEST_CASE("TraceState truncation drops whole members, long ones first") {
    std::string long_value(200, 'x');
    std::string header = "a=1,long=" + long_value;
    for (int i = 0; i < 40 && header.size() < 600; ++i) header += ",k" + std::to_string(i) + "=" + std::string(20, 'y');
    auto state = TraceState::parse(header);
    REQUIRE(state.size() > 2);
    std::string truncated = state.to_header(512);
    CHECK(truncated.size() <= 512);
    CHECK(truncated.find("long=") == std::string::npos);
    CHECK(truncated.rfind("a=1,", 0) == 0);
    auto reparsed = TraceState::parse(truncated);
    for (const auto& member : reparsed.members()) CHECK(state.get(member.key) == std::string_view(member.value));
  }
}
