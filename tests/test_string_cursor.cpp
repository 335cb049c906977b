// StringCursor: the caller's string ends up holding exactly its earlier contents plus what
// was written, whatever its spare capacity and however far the writes outgrow it.
#include <doctest/doctest.h>

#include <string>

#include "tracewire/export/detail/string_cursor.hpp"

using tracewire::detail::StringCursor;

TEST_SUITE("export") {
  TEST_CASE("StringCursor: appends after the contents; finish and the destructor trim the grown-ahead tail") {
    std::string out = "head:";
    out.reserve(1000);
    {
      StringCursor cursor(out);
      CHECK(cursor.size() == 5);
      cursor.reserve(2);
      cursor.put('a');
      cursor.put('b');
      cursor.write("cd");
      CHECK(cursor.size() == 9);
      cursor.finish();
      CHECK(out == "head:abcd");
      cursor.write("ef");  // writing goes on after finish
    }
    CHECK(out == "head:abcdef");
  }

  TEST_CASE("StringCursor: from a start, writes over the contents there and keeps those before") {
    std::string out = "keep:previous message, longer";
    {
      StringCursor cursor(out, 5);
      CHECK(cursor.size() == 5);
      cursor.write("next");
      cursor.reserve(1);
      *cursor.at(0) = 'K';  // a byte written before, patched
      cursor.put('!');
    }
    CHECK(out == "Keep:next!");
  }

  TEST_CASE("StringCursor: writes far beyond the capacity, direct and through position/advance_to") {
    std::string out;
    const std::string block(1000, 'x');
    {
      StringCursor cursor(out);
      for (int i = 0; i < 300; ++i) cursor.write(block);
      cursor.reserve(3);
      char* at = cursor.position();
      at[0] = '1';
      at[1] = '2';
      cursor.advance_to(at + 2);
      CHECK(cursor.size() == 300002);
    }
    REQUIRE(out.size() == 300002);
    CHECK(out.compare(0, 1000, block) == 0);
    CHECK(out.compare(299000, 1000, block) == 0);
    CHECK(out.substr(300000) == "12");
  }
}
