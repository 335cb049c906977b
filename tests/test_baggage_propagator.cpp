#include <doctest/doctest.h>

#include <string>

#include "support/headers.hpp"
#include "tracewire/propagation/baggage_propagator.hpp"

using namespace tracewire;
using tracewire_test::extract;
using tracewire_test::header;
using tracewire_test::Headers;
using tracewire_test::inject;

namespace {
const BaggagePropagator propagator;

Baggage extracted(const Headers& headers) { return extract(propagator, headers).baggage(); }
Baggage extracted(const std::string& value) { return extracted(Headers{{"baggage", value}}); }

std::string member(int i, std::size_t value_size = 1) {
  return "k" + std::to_string(i) + "=" + std::string(value_size, 'v');
}
}  // namespace

TEST_SUITE("propagation") {
  TEST_CASE("Baggage extracts the specification's examples") {
    Baggage bag = extracted("key1=value1;property1;property2, key2 = value2, key3=value3; propertyKey=propertyValue");
    REQUIRE(bag.size() == 3);
    CHECK(bag.find("key1")->value == "value1");
    CHECK(bag.find("key1")->metadata == "property1;property2");
    CHECK(bag.get("key2") == std::string_view("value2"));
    CHECK(bag.find("key3")->metadata == "propertyKey=propertyValue");

    const Baggage single = extracted("userId=alice,serverNode=DF%2028,isProduction=false");
    CHECK(single.get("userId") == std::string_view("alice"));
    CHECK(single.get("serverNode") == std::string_view("DF 28"));
    CHECK(single.get("isProduction") == std::string_view("false"));
    // the same split over two headers, and with spaces around names and values
    CHECK(extracted(Headers{{"baggage", "userId=alice"}, {"baggage", "serverNode=DF%2028,isProduction=false"}}) ==
          single);
    CHECK(extracted(Headers{{"baggage", "userId =   alice"},
                            {"Baggage", "serverNode = DF%2028, isProduction = false"}}) == single);
  }

  TEST_CASE("Baggage values may hold '=' and percent-encoded UTF-8; bad UTF-8 becomes U+FFFD") {
    CHECK(extracted("a=b=c").get("a") == std::string_view("b=c"));
    CHECK(extracted("city=S%C3%A3o%20Paulo").get("city") == std::string_view("S\xc3\xa3o Paulo"));
    CHECK(extracted("bad=%FFx").get("bad") == std::string_view("\xef\xbf\xbdx"));
    CHECK(extracted("empty=").get("empty") == std::string_view(""));
  }

  TEST_CASE("Baggage skips invalid members and keeps the valid ones") {
    for (const char* bad : {"no-equals", "=value", "bad key=1", "k=has space", "k=\"quoted\"", "k=back\\slash", "k=%zz",
                            "k=%4", "k=1;", "k=1;=v", "k=1;p=has space", "k\x01=1", "k=\xc3\xa9"}) {
      CAPTURE(bad);
      const Baggage bag = extracted(std::string("good=1,") + bad + ",also=2");
      CHECK(bag.size() == 2);
      CHECK(bag.get("good") == std::string_view("1"));
      CHECK(bag.get("also") == std::string_view("2"));
    }
    CHECK(extracted(",,a=1, ,").size() == 1);
  }

  TEST_CASE("Baggage: 64 members and 8192 bytes arrive intact; beyond, whole members are dropped") {
    std::string header;
    for (int i = 0; i < 64; ++i) header += (i ? "," : "") + member(i);
    CHECK(extracted(header).size() == 64);
    CHECK(extracted(header + "," + member(64)).size() == 64);
    CHECK_FALSE(extracted(header + "," + member(64)).get("k64"));

    // exactly 8192 bytes: two members of 4095 and 4096 bytes and a comma
    const std::string big = member(1, 4092) + "," + member(2, 4093);
    REQUIRE(big.size() == 8192);
    const Baggage at_limit = extracted(big);
    CHECK(at_limit.size() == 2);
    CHECK(at_limit.get("k2")->size() == 4093);
    const Baggage over = extracted(big + ",k3=x");
    CHECK(over.size() == 2);  // k3 would exceed 8192 bytes: dropped whole
    CHECK_FALSE(over.get("k3"));
  }

  TEST_CASE("Baggage merges over the base context's baggage; a repeated key keeps its last value") {
    const Context base = Context().with_baggage(Baggage().set("tenant", "acme").set("user", "1"));
    const Baggage bag = extract(propagator, {{"baggage", "user=2,extra=x,user=3"}}, base).baggage();
    CHECK(bag.get("tenant") == std::string_view("acme"));
    CHECK(bag.get("user") == std::string_view("3"));
    CHECK(bag.get("extra") == std::string_view("x"));
    CHECK(bag.entries()[1].key == "user");
    CHECK(extract(propagator, {}, base) == base);
  }

  TEST_CASE("Baggage inject percent-encodes values and keeps metadata") {
    const Baggage bag = Baggage()
                            .set("userId", "alice")
                            .set("serverNode", "DF 28")
                            .set("city", "S\xc3\xa3o Paulo")
                            .set("odd", "a,b;c\"d\\e%f")
                            .set("key1", "value1", "property1;p2=v2");
    const Headers headers = inject(propagator, Context().with_baggage(bag));
    CHECK(
        header(headers, "baggage") ==
        "userId=alice,serverNode=DF%2028,city=S%C3%A3o%20Paulo,odd=a%2Cb%3Bc%22d%5Ce%25f,key1=value1;property1;p2=v2");
    CHECK(extracted(headers) == bag);
    CHECK(inject(propagator, Context()).empty());
  }

  TEST_CASE("Baggage inject never writes control characters or an invalid key") {
    const Baggage bag = Baggage()
                            .set("ok", "line\r\nInjected: yes\x7f")
                            .set("bad\r\nkey", "x")
                            .set("meta", "v", "p=\r\nevil")
                            .set("", "empty key");
    const Headers headers = inject(propagator, Context().with_baggage(bag));
    CHECK(tracewire_test::is_clean(headers));
    CHECK(header(headers, "baggage") == "ok=line%0D%0AInjected:%20yes%7F,meta=v");
    CHECK(extracted(headers).get("ok") == std::string_view("line\r\nInjected: yes\x7f"));
  }

  TEST_CASE("Baggage inject drops whole entries beyond 64 members or 8192 bytes") {
    Baggage many;
    for (int i = 0; i < 70; ++i) many = many.set("k" + std::to_string(i), "v");
    const Baggage sent = extracted(inject(propagator, Context().with_baggage(many)));
    CHECK(sent.size() == 64);
    CHECK(sent.get("k63"));
    Baggage large = Baggage().set("a", std::string(5000, 'x')).set("b", std::string(5000, 'y')).set("c", "z");
    const std::string value = header(inject(propagator, Context().with_baggage(large)), "baggage");
    CHECK(value.size() <= 8192);
    const Baggage received = extracted(value);
    CHECK(received.get("a")->size() == 5000);
    CHECK_FALSE(received.get("b"));
    CHECK(received.get("c") == std::string_view("z"));
  }

  TEST_CASE("Baggage survives hostile input") {
    CHECK(extracted(std::string(1 << 20, 'a')).empty());
    CHECK(extracted("a=" + std::string(1 << 20, 'v')).empty());  // one member over 8192 bytes
    CHECK(extracted(std::string(1 << 20, ',')).empty());
    CHECK(extracted(std::string("a=1\0b=2", 7)).empty());
    CHECK(extracted("a=1\r\nb=2").empty());
    std::string many;
    for (int i = 0; i < 100000; ++i) many += "k=v,";
    CHECK(extracted(many).size() == 1);
    CHECK(propagator.fields() == std::vector<std::string>{"baggage"});
  }
}
