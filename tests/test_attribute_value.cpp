#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "tracewire/core/attribute_set.hpp"
#include "tracewire/core/attribute_value.hpp"
#include "tracewire/core/detail/utf8.hpp"

using namespace tracewire;

TEST_SUITE("core") {
  TEST_CASE("AttributeValue picks the intended type for literals") {
    CHECK(AttributeValue(true).type() == AttributeType::boolean);
    CHECK(AttributeValue(42).type() == AttributeType::int64);
    CHECK(AttributeValue(42u).type() == AttributeType::int64);
    CHECK(AttributeValue(short{4}).type() == AttributeType::int64);
    CHECK(AttributeValue(1.5f).type() == AttributeType::floating);
    CHECK(AttributeValue("text").type() == AttributeType::string);  // not bool
    CHECK(AttributeValue(std::string("s")).type() == AttributeType::string);
    CHECK(AttributeValue(static_cast<const char*>(nullptr)) == AttributeValue(std::string_view()));
    CHECK(*AttributeValue(std::numeric_limits<std::uint64_t>::max()).get_if<std::int64_t>() == INT64_MAX);
    std::vector<std::int64_t> numbers{1, 2, 3};
    CHECK(AttributeValue(numbers).type() == AttributeType::int64_array);
    CHECK(AttributeValue(ArrayView<bool>({true, false})).type() == AttributeType::bool_array);
  }

  TEST_CASE("AttributeValue equality compares contents") {
    std::vector<double> a{1.0, 2.0};
    std::vector<double> b{1.0, 2.0};
    CHECK(AttributeValue(a) == AttributeValue(b));
    b[1] = 3.0;
    CHECK(AttributeValue(a) != AttributeValue(b));
    CHECK(AttributeValue(1) != AttributeValue(1.0));
  }

  TEST_CASE("AttributeSet owns copies, replaces keys in place, ignores empty keys") {
    AttributeSet set;
    {
      std::string key = "service.name";
      std::string value = "checkout";
      std::vector<std::string_view> tags{"a", "b"};
      set.set(key, value);
      set.set("tags", ArrayView<std::string_view>(tags));
      key.assign("XXXXXXXXXXXX");
      value.assign("YYYYYYYY");
    }
    set.set("", 1);
    set.set("service.name", "payments");
    REQUIRE(set.size() == 2);
    CHECK(set.begin()->key == "service.name");
    CHECK(*set.get("service.name")->get_if<std::string_view>() == "payments");
    const auto& tags = *set.get("tags")->get_if<ArrayView<std::string_view>>();
    CHECK(tags.size() == 2);
    CHECK(tags[1] == "b");
    AttributeSet copy = set;
    set.set("tags", 0);
    CHECK(copy.get("tags")->type() == AttributeType::string_array);
  }

  TEST_CASE("a moved-from AttributeSet is empty and independent of the one it moved to") {
    AttributeSet set{{"service.name", "checkout"}, {"region", "eu-west-1"}};
    AttributeSet moved = std::move(set);
    // The moved-from set reuses nothing of what it gave away: writing to it must not touch
    // the strings the other set now owns.
    for (int i = 0; i < 100; ++i) set.set("k" + std::to_string(i), std::string(40, 'x'));
    CHECK(*moved.get("service.name")->get_if<std::string_view>() == "checkout");
    CHECK(*moved.get("region")->get_if<std::string_view>() == "eu-west-1");
    CHECK(set.size() == 100);
    AttributeSet assigned;
    assigned.set("a", "b");
    assigned = std::move(moved);
    moved.set("service.name", std::string(64, 'y'));
    CHECK(*assigned.get("service.name")->get_if<std::string_view>() == "checkout");
    CHECK(assigned.get("a") == nullptr);
  }

  TEST_CASE("UTF-8 checks find a non-ASCII byte at any position of short and long strings") {
    // The ASCII check reads words (8 bytes, then 4, then single bytes) with overlapping
    // tails: every length up to 40 and every position must still be seen.
    for (std::size_t length = 1; length <= 40; ++length) {
      const std::string ascii(length, 'a');
      CHECK(detail::is_ascii(ascii));
      CHECK(detail::is_valid_utf8(ascii));
      for (std::size_t at = 0; at < length; ++at) {
        std::string invalid = ascii;
        invalid[at] = '\xff';
        CHECK_FALSE(detail::is_ascii(invalid));
        CHECK_FALSE(detail::is_valid_utf8(invalid));
        if (at + 1 < length) {
          std::string accented = ascii;
          accented[at] = '\xc3';
          accented[at + 1] = '\xa9';  // é
          CHECK_FALSE(detail::is_ascii(accented));
          CHECK(detail::is_valid_utf8(accented));
        }
      }
    }
    CHECK(detail::is_ascii(""));
  }

  TEST_CASE("Invalid UTF-8 is repaired with U+FFFD and truncation never cuts a character") {
    char out[64];
    std::string_view bad(
        "a\xff"
        "b\xc3",
        4);
    std::size_t written = detail::repair_utf8(bad, out);
    CHECK(std::string_view(out, written) ==
          "a\xEF\xBF\xBD"
          "b\xEF\xBF\xBD");
    CHECK(detail::is_valid_utf8("caf\xc3\xa9"));
    CHECK_FALSE(detail::is_valid_utf8("\xed\xa0\x80"));  // surrogate
    CHECK_FALSE(detail::is_valid_utf8("\xc0\xaf"));      // overlong
    CHECK(detail::truncate_utf8("caf\xc3\xa9!", 4) == "caf\xc3\xa9");
    CHECK(detail::truncate_utf8("abc", 0) == "");
  }

  TEST_CASE("Arena keeps addresses stable while it grows and reuses blocks after reset") {
    detail::Arena arena;
    std::vector<std::string_view> copies;
    for (int i = 0; i < 2000; ++i) copies.push_back(arena.copy_string("value-" + std::to_string(i)));
    for (int i = 0; i < 2000; ++i) CHECK(copies[static_cast<std::size_t>(i)] == "value-" + std::to_string(i));
    const std::size_t capacity = arena.capacity();
    arena.reset();
    for (int i = 0; i < 2000; ++i) arena.copy_string("value-" + std::to_string(i));
    CHECK(arena.capacity() == capacity);
  }

  TEST_CASE("Arena fills its initial buffer first, spills to the heap, and returns to it after reset") {
    alignas(16) unsigned char buffer[64];
    detail::Arena arena(buffer, sizeof(buffer));
    const auto inside = [&](std::string_view text) {
      return reinterpret_cast<const unsigned char*>(text.data()) >= buffer &&
             reinterpret_cast<const unsigned char*>(text.data()) < buffer + sizeof(buffer);
    };
    const std::string_view first = arena.copy_string(std::string(40, 'a'));
    const std::string_view spilled = arena.copy_string(std::string(40, 'b'));  // does not fit
    const std::string_view later = arena.copy_string("c");                     // the heap block now, not the gap
    CHECK(inside(first));
    CHECK_FALSE(inside(spilled));
    CHECK_FALSE(inside(later));
    CHECK(first == std::string(40, 'a'));
    CHECK(spilled == std::string(40, 'b'));
    CHECK(later == "c");
    const std::size_t capacity = arena.capacity();
    arena.reset();
    CHECK(inside(arena.copy_string(std::string(60, 'd'))));
    CHECK_FALSE(inside(arena.copy_string(std::string(300, 'e'))));  // larger than the first block
    CHECK(arena.capacity() >= capacity);
  }
}
