#include <doctest/doctest.h>

#include "tracewire/core/baggage.hpp"

using namespace tracewire;

TEST_SUITE("core") {
  TEST_CASE("Baggage set/get/remove are value operations") {
    Baggage empty;
    auto one = empty.set("tenant", "acme", "ttl=30");
    auto two = one.set("user", "42");
    CHECK(empty.empty());
    CHECK(one.size() == 1);
    CHECK(two.get("tenant") == std::string_view("acme"));
    CHECK(two.find("tenant")->metadata == "ttl=30");
    auto replaced = two.set("tenant", "globex");
    CHECK(replaced.get("tenant") == std::string_view("globex"));
    CHECK(replaced.entries()[0].key == "tenant");  // replaced in place
    CHECK(two.get("tenant") == std::string_view("acme"));
    CHECK(two.remove("tenant").get("tenant") == std::nullopt);
    CHECK(two.remove("absent") == two);
  }
}
