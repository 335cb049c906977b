#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "support/resident_memory.hpp"
#include "tracewire/core/span_data.hpp"

using namespace tracewire;

TEST_SUITE("core") {
  TEST_CASE("SpanData enforces attribute, event and link limits and counts what it drops") {
    SpanLimits limits;
    limits.attribute_count = 2;
    limits.event_count = 1;
    limits.link_count = 1;
    limits.attributes_per_event = 1;
    limits.attribute_value_length = 3;
    SpanData record;
    record.set_origin(nullptr, nullptr, &limits);
    record.set_attribute("a", "abcdef");
    record.set_attribute("b", 2);
    record.set_attribute("c", 3);
    record.set_attribute("a", "xy");  // overwrite does not count against the limit
    record.set_attribute("", 1);      // ignored
    CHECK(record.attributes().size() == 2);
    CHECK(*record.attribute("a")->get_if<std::string_view>() == "xy");
    CHECK(record.dropped_attributes_count() == 1);

    KeyValue event_attributes[] = {{"k1", "long value"}, {"k2", 2}};
    record.add_event("e1", 10, event_attributes);
    record.add_event("e2", 20);
    REQUIRE(record.events().size() == 1);
    CHECK(record.dropped_events_count() == 1);
    CHECK(record.events()[0].attributes.size() == 1);
    CHECK(*record.events()[0].attributes[0].value.get_if<std::string_view>() == "lon");
    CHECK(record.events()[0].dropped_attributes_count == 1);

    SpanContext linked{TraceId::from_halves(1, 2), SpanId::from_u64(3), TraceFlags(1), {}, true};
    record.add_link(linked);
    record.add_link(linked);
    CHECK(record.links().size() == 1);
    CHECK(record.dropped_links_count() == 1);
  }

  TEST_CASE("attribute keys are unique on spans, events and links: a repeated key keeps its first position") {
    SpanLimits limits;
    limits.attribute_count = limits.attributes_per_event = limits.attributes_per_link = 2;
    limits.attribute_value_length = 4;
    SpanData record;
    record.set_origin(nullptr, nullptr, &limits);
    record.set_attribute("first", 1);
    record.set_attribute("second", 2);
    record.set_attribute("first", "replaced value");  // full, but an existing key is not a new one
    REQUIRE(record.attributes().size() == 2);
    CHECK(record.attributes()[0].key == "first");
    CHECK(*record.attributes()[0].value.get_if<std::string_view>() == "repl");
    CHECK(record.attributes()[1].key == "second");
    CHECK(record.dropped_attributes_count() == 0);

    // An event's and a link's list from the caller may repeat a key: the last value wins, in
    // the first one's place, and only new keys beyond the limit are dropped.
    KeyValue given[] = {{"a", 1}, {"", 9}, {"b", 2}, {"a", "three"}, {"c", 4}, {"b", 5}};
    record.add_event("e", 10, given);
    SpanContext linked{TraceId::from_halves(1, 2), SpanId::from_u64(3), TraceFlags(1), {}, true};
    record.add_link(linked, given);
    for (const auto& [attributes, dropped] :
         {std::make_pair(record.events()[0].attributes, record.events()[0].dropped_attributes_count),
          std::make_pair(record.links()[0].attributes, record.links()[0].dropped_attributes_count)}) {
      REQUIRE(attributes.size() == 2);
      CHECK(attributes[0].key == "a");
      CHECK(*attributes[0].value.get_if<std::string_view>() == "thre");
      CHECK(attributes[1].key == "b");
      CHECK(*attributes[1].value.get_if<std::int64_t>() == 5);
      CHECK(dropped == 1);  // "c"; the empty key is ignored, not dropped
    }
  }

  TEST_CASE("SpanData copies strings of every length byte-exact, repairing only invalid UTF-8") {
    // Short ASCII strings take the arena's inline path; others, and those that no longer
    // fit in the record's inline bytes, take the general one.
    SpanData record;
    std::vector<std::string> values;
    for (std::size_t length = 1; length <= 300; length += 11) values.push_back(std::string(length, 'v') + "\xc3\xa9");
    for (std::size_t i = 0; i < values.size(); ++i) {
      record.set_attribute("ascii." + std::to_string(i), std::string(i + 1, 'a'));
      record.set_attribute("utf8." + std::to_string(i), values[i]);
      record.set_attribute("bad." + std::to_string(i), std::string(i + 1, 'b') + "\xff");
    }
    REQUIRE(record.attributes().size() == 3 * values.size());  // within the default count limit
    for (std::size_t i = 0; i < values.size(); ++i) {
      CHECK(*record.attribute("ascii." + std::to_string(i))->get_if<std::string_view>() == std::string(i + 1, 'a'));
      CHECK(*record.attribute("utf8." + std::to_string(i))->get_if<std::string_view>() == values[i]);
      CHECK(*record.attribute("bad." + std::to_string(i))->get_if<std::string_view>() ==
            std::string(i + 1, 'b') + "\xEF\xBF\xBD");
    }
    SpanLimits limits;
    limits.attribute_value_length = 3;
    SpanData limited;
    limited.set_origin(nullptr, nullptr, &limits);
    limited.set_attribute("k", "abcdef");
    CHECK(*limited.attribute("k")->get_if<std::string_view>() == "abc");
  }

  TEST_CASE("SpanData status: Unset ignored, Ok final, message kept only for Error") {
    SpanData record;
    record.set_status(StatusCode::unset, "ignored");
    CHECK(record.status_code() == StatusCode::unset);
    record.set_status(StatusCode::error, "boom");
    CHECK(record.status_code() == StatusCode::error);
    CHECK(record.status_message() == "boom");
    record.set_status(StatusCode::ok, "no message for ok");
    CHECK(record.status_code() == StatusCode::ok);
    CHECK(record.status_message().empty());
    record.set_status(StatusCode::error, "too late");
    CHECK(record.status_code() == StatusCode::ok);
  }

  TEST_CASE("SpanData keeps NaN, infinities, empty and huge names without failing") {
    SpanData record;
    record.set_name(std::string(1 << 20, 'n'));
    record.set_attribute("nan", std::nan(""));
    record.set_attribute("inf", std::numeric_limits<double>::infinity());
    record.set_attribute(std::string(100000, 'k'), "v");
    CHECK(record.name().size() == (1u << 20));
    CHECK(std::isnan(*record.attribute("nan")->get_if<double>()));
    CHECK(record.attributes().size() == 3);
    record.reset();
    record.set_name("");
    CHECK(record.name().empty());
    CHECK(record.attributes().empty());
  }

  TEST_CASE("SpanData copies are deep and SpanDataPtr returns records to their pool") {
    struct Pool : detail::SpanDataPool {
      int recycled = 0;
      void recycle(SpanData* record) noexcept override {
        ++recycled;
        delete record;
      }
    } pool;
    auto* record = new SpanData();
    detail::set_record_pool(*record, &pool);
    record->set_name("original");
    record->set_attribute("key", "value");
    KeyValue event_attributes[] = {{"ek", 1}};
    record->add_event("event", 5, event_attributes);
    {
      SpanDataPtr owner = SpanDataPtr::first_owner(record);
      SpanDataPtr second = owner;
      SpanData copy = *owner;
      owner->reset();
      CHECK(copy.name() == "original");
      CHECK(*copy.attribute("key")->get_if<std::string_view>() == "value");
      CHECK(copy.events()[0].attributes[0].key == "ek");
      CHECK(pool.recycled == 0);
    }
    CHECK(pool.recycled == 1);
  }
}

TEST_SUITE("core") {
  TEST_CASE("overwriting an attribute keeps memory bounded: replaced values are compacted away") {
    SpanData record;
    const std::string first(1024, 'a');
    const std::string second(1024, 'b');
    record.set_name("overwritten");
    record.set_attribute("kept", "stays valid through compactions");
    const std::size_t before = tracewire_test::resident_bytes();
    for (int i = 0; i < 100000; ++i)
      record.set_attribute("value", i % 2 ? std::string_view(first) : std::string_view(second));
    const std::size_t growth = tracewire_test::resident_bytes() - std::min(before, tracewire_test::resident_bytes());
    CHECK(record.storage_bytes() < 512 * 1024);  // was 100 MB: every value stayed
    if (tracewire_test::resident_memory_is_meaningful) CHECK(growth < 16u * 1024 * 1024);
    CHECK(record.attribute("value")->get_if<std::string_view>()->front() == 'a');  // the last value written
    CHECK(*record.attribute("kept")->get_if<std::string_view>() == "stays valid through compactions");
    CHECK(record.name() == "overwritten");
    CHECK(record.attributes().size() == 2);
  }

  TEST_CASE("a reused record keeps a small arena whatever size of span it once held") {
    SpanData record;
    record.set_name(std::string(256 * 1024, 'n'));
    record.set_attribute("big", std::string(300 * 1024, 'v'));
    CHECK(record.storage_bytes() > 512 * 1024);
    record.reset();
    CHECK(record.storage_bytes() <= 8 * 1024 + 256);
  }
}
