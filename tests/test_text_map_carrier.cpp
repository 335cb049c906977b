#include <doctest/doctest.h>

#include <map>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "support/headers.hpp"
#include "tracewire/propagation/text_map_carrier.hpp"

using namespace tracewire;
using tracewire_test::Headers;

namespace {
std::vector<std::string> all_values(const TextMapGetter& getter, std::string_view key) {
  std::vector<std::string> values;
  getter.get_all(key, [&](std::string_view value) { values.emplace_back(value); });
  return values;
}
std::vector<std::string> all_keys(const TextMapGetter& getter) {
  std::vector<std::string> keys;
  getter.keys([&](std::string_view key) { keys.emplace_back(key); });
  return keys;
}
}  // namespace

TEST_SUITE("propagation") {
  TEST_CASE_TEMPLATE("ContainerGetter matches header names in any case", Map, std::map<std::string, std::string>,
                     std::unordered_map<std::string, std::string>, Headers) {
    Map headers;
    headers.insert(headers.end(), {"TraceParent", "00-abc"});
    headers.insert(headers.end(), {"content-type", "text/plain"});
    ContainerGetter getter(headers);
    CHECK(getter.get("traceparent") == std::string_view("00-abc"));
    CHECK(getter.get("TRACEPARENT") == std::string_view("00-abc"));
    CHECK(getter.get("trace-parent") == std::nullopt);
    CHECK(getter.get("tracestate") == std::nullopt);
    CHECK(all_keys(getter).size() == 2);
  }

  TEST_CASE("ContainerGetter reports every value of a repeated header, in order") {
    Headers headers{{"tracestate", "a=1"}, {"other", "x"}, {"TraceState", "b=2"}};
    ContainerGetter getter(headers);
    CHECK(all_values(getter, "tracestate") == std::vector<std::string>{"a=1", "b=2"});
    CHECK(getter.get("tracestate") == std::string_view("a=1"));
    CHECK(all_values(getter, "absent").empty());
  }

  TEST_CASE_TEMPLATE("ContainerSetter replaces a value set in any case, leaving one entry", Map,
                     std::map<std::string, std::string>, std::unordered_map<std::string, std::string>, Headers) {
    Map headers;
    headers.insert(headers.end(), {"TraceParent", "old"});
    headers.insert(headers.end(), {"host", "example.com"});
    ContainerSetter setter(headers);
    setter.set("traceparent", "new");
    CHECK(headers.size() == 2);
    CHECK(ContainerGetter(headers).get("traceparent") == std::string_view("new"));
    setter.set("traceparent", "newer");  // the exact key now exists: updated in place
    CHECK(headers.size() == 2);
    CHECK(ContainerGetter(headers).get("TRACEPARENT") == std::string_view("newer"));
    setter.set("tracestate", "a=1");
    CHECK(headers.size() == 3);
  }

  TEST_CASE("ContainerSetter on a header list removes repeated copies") {
    Headers headers{{"baggage", "a=1"}, {"x", "y"}, {"Baggage", "b=2"}};
    ContainerSetter setter(headers);
    setter.set("baggage", "c=3");
    CHECK(headers == Headers{{"baggage", "c=3"}, {"x", "y"}});
  }
}
