// Test support for the OTLP exporters: span records that use every field of the OTLP
// trace schema, and field-by-field checks of what an independent decoder (receiver.js,
// on the OpenTelemetry-generated protobufjs code) read back against those records.
#pragma once

#include <doctest/doctest.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tracewire/core/span_data.hpp"

namespace tracewire_test {

using nlohmann::json;

// Records built once and kept alive for a test; resources and scopes are borrowed by the
// records, so they live here too.
struct OtlpSample {
  tracewire::Resource resource_a{{{"service.name", "checkout"}, {"host.cores", 8}},
                                 "https://opentelemetry.io/schemas/1.24.0"};
  tracewire::Resource resource_b{{{"service.name", "billing"}}};
  tracewire::InstrumentationScope scope_a{"http", "1.2.3", "https://example.com/scope-schema", {{"scope.attr", true}}};
  tracewire::InstrumentationScope scope_b{"db\xff", "", "", {}};  // invalid UTF-8 in a scope name
  std::vector<std::unique_ptr<tracewire::SpanData>> records;

  // Every field set, every attribute kind, a remote parent, an event and a link.
  tracewire::SpanData& add_rich_span(std::uint64_t low) {
    using namespace tracewire;
    auto& span = add(&resource_a, &scope_a);
    span.set_name("GET /cart");
    span.set_kind(SpanKind::server);
    span.set_context({TraceId::from_halves(0x0102030405060708ULL, low), SpanId::from_u64(0xa000 + low), TraceFlags(1),
                      TraceState::parse("vendor=abc,other=x1"), false});
    span.set_parent(SpanId::from_u64(0xbeef), true);
    span.set_start_time(1700000000123456789ULL);
    span.set_end_time(1700000000987654321ULL);
    static const bool bools[] = {true, false};
    static const std::int64_t ints[] = {-1, 0, INT64_MAX};
    static const double doubles[] = {0.5, -2.25};
    static const std::string_view strings[] = {"a", "", "\xc3\xa9t\xc3\xa9"};
    span.set_attribute("http.method", "GET");
    span.set_attribute("http.status_code", 200);
    span.set_attribute("negative", INT64_MIN);
    span.set_attribute("ratio", 0.25);
    span.set_attribute("cached", false);
    span.set_attribute("empty", "");
    span.set_attribute("bad.utf8", "ok\xc3(\xff end");  // invalid sequences get replaced
    span.set_attribute("bools", ArrayView<bool>(bools, 2));
    span.set_attribute("ints", ArrayView<std::int64_t>(ints, 3));
    span.set_attribute("doubles", ArrayView<double>(doubles, 2));
    span.set_attribute("strings", ArrayView<std::string_view>(strings, 3));
    span.set_attribute("empty.array", ArrayView<std::int64_t>());
    span.add_dropped_attributes(2);
    KeyValue event_attributes[] = {{"exception.type", "std::runtime_error"}, {"count", 3}};
    span.add_event("exception", 1700000000500000000ULL, event_attributes);
    span.add_event("no attributes", 1700000000600000000ULL);
    KeyValue link_attributes[] = {{"link.kind", "batch"}};
    span.add_link({TraceId::from_halves(7, 8), SpanId::from_u64(9), TraceFlags(1), TraceState::parse("k=v"), true},
                  link_attributes);
    span.add_link({TraceId::from_halves(10, 11), SpanId::from_u64(12), TraceFlags(0), {}, false});
    span.set_status(StatusCode::error, "payment declined");
    return span;
  }

  // The fewest fields: a root span with nothing but ids, name and times.
  tracewire::SpanData& add_plain_span(const tracewire::Resource* resource, const tracewire::InstrumentationScope* scope,
                                      std::uint64_t low) {
    using namespace tracewire;
    auto& span = add(resource, scope);
    span.set_name("plain");
    span.set_context({TraceId::from_halves(0x42, low), SpanId::from_u64(low), TraceFlags(0), {}, false});
    span.set_start_time(10);
    span.set_end_time(20);
    return span;
  }

  // `count` plain spans of resource_a and scope_a, with span ids 1..count.
  void add_plain_spans(std::uint64_t count) {
    for (std::uint64_t i = 1; i <= count; ++i) add_plain_span(&resource_a, &scope_a, i);
  }

  tracewire::SpanData& add(const tracewire::Resource* resource, const tracewire::InstrumentationScope* scope) {
    records.push_back(std::make_unique<tracewire::SpanData>());
    records.back()->set_origin(resource, scope, nullptr);
    return *records.back();
  }

  std::vector<const tracewire::SpanData*> batch() const {
    std::vector<const tracewire::SpanData*> spans;
    for (const auto& record : records) spans.push_back(record.get());
    return spans;
  }
};

inline void check_value(const json& value, const tracewire::AttributeValue& expected) {
  using namespace tracewire;
  INFO("value: ", value.dump());
  expected.visit([&](const auto& held) {
    using T = std::decay_t<decltype(held)>;
    if constexpr (std::is_same_v<T, bool>) {
      CHECK(value.at("boolValue") == held);
    } else if constexpr (std::is_same_v<T, std::int64_t>) {
      CHECK(value.at("intValue") == std::to_string(held));
    } else if constexpr (std::is_same_v<T, double>) {
      CHECK(value.at("doubleValue").get<double>() == held);
    } else if constexpr (std::is_same_v<T, std::string_view>) {
      CHECK(value.at("stringValue") == std::string(held));
    } else {
      const json& values = value.at("arrayValue").at("values");
      REQUIRE(values.size() == held.size());
      for (std::size_t i = 0; i < held.size(); ++i) check_value(values[i], AttributeValue(held[i]));
    }
  });
}

inline void check_attributes(const json& list, tracewire::ArrayView<tracewire::KeyValue> expected) {
  REQUIRE(list.size() == expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    CHECK(list[i].at("key") == std::string(expected[i].key));
    check_value(list[i].at("value"), expected[i].value);
  }
}

inline std::uint32_t expected_flags(tracewire::TraceFlags flags, bool remote) {
  return flags.bits() | 0x100u | (remote ? 0x200u : 0u);
}

// Compares one decoded span (receiver.js canonical form) with the record it came from.
inline void check_span(const json& decoded, const tracewire::SpanData& span) {
  using namespace tracewire;
  INFO("span: ", decoded.dump());
  CHECK(decoded.at("traceId") == span.trace_id().to_hex());
  CHECK(decoded.at("spanId") == span.span_id().to_hex());
  CHECK(decoded.at("parentSpanId") == (span.parent_span_id().is_valid() ? span.parent_span_id().to_hex() : ""));
  CHECK(decoded.at("traceState") == span.context().trace_state.to_header(SIZE_MAX));
  CHECK(decoded.at("flags") == expected_flags(span.context().flags, span.parent_is_remote()));
  CHECK(decoded.at("name") == std::string(span.name()));
  CHECK(decoded.at("kind") == static_cast<int>(span.kind()));
  CHECK(decoded.at("startTimeUnixNano") == std::to_string(span.start_time_unix_nano()));
  CHECK(decoded.at("endTimeUnixNano") == std::to_string(span.end_time_unix_nano()));
  check_attributes(decoded.at("attributes"), span.attributes());
  CHECK(decoded.at("droppedAttributesCount") == span.dropped_attributes_count());
  const json& events = decoded.at("events");
  REQUIRE(events.size() == span.events().size());
  for (std::size_t i = 0; i < events.size(); ++i) {
    CHECK(events[i].at("name") == std::string(span.events()[i].name));
    CHECK(events[i].at("timeUnixNano") == std::to_string(span.events()[i].time_unix_nano));
    check_attributes(events[i].at("attributes"), span.events()[i].attributes);
    CHECK(events[i].at("droppedAttributesCount") == span.events()[i].dropped_attributes_count);
  }
  CHECK(decoded.at("droppedEventsCount") == span.dropped_events_count());
  const json& links = decoded.at("links");
  REQUIRE(links.size() == span.links().size());
  for (std::size_t i = 0; i < links.size(); ++i) {
    const SpanLink& link = span.links()[i];
    CHECK(links[i].at("traceId") == link.context.trace_id.to_hex());
    CHECK(links[i].at("spanId") == link.context.span_id.to_hex());
    CHECK(links[i].at("traceState") == link.context.trace_state.to_header(SIZE_MAX));
    CHECK(links[i].at("flags") == expected_flags(link.context.flags, link.context.is_remote));
    check_attributes(links[i].at("attributes"), link.attributes);
    CHECK(links[i].at("droppedAttributesCount") == link.dropped_attributes_count);
  }
  CHECK(decoded.at("droppedLinksCount") == span.dropped_links_count());
  if (span.status_code() == StatusCode::unset && span.status_message().empty()) {
    CHECK((decoded.at("status").is_null() || decoded.at("status").at("code") == 0));
  } else {
    CHECK(decoded.at("status").at("code") == static_cast<int>(span.status_code()));
    CHECK(decoded.at("status").at("message") == std::string(span.status_message()));
  }
}

// Checks a whole decoded request against the records: grouping by resource and scope,
// resource and scope fields, and every span (found by span id).
inline void check_request(const json& body, const std::vector<const tracewire::SpanData*>& spans) {
  std::size_t seen = 0;
  for (const json& resource_spans : body.at("resourceSpans")) {
    for (const json& scope_spans : resource_spans.at("scopeSpans")) {
      for (const json& decoded : scope_spans.at("spans")) {
        const tracewire::SpanData* record = nullptr;
        for (const tracewire::SpanData* span : spans) {
          if (span->span_id().to_hex() == decoded.at("spanId")) record = span;
        }
        REQUIRE(record != nullptr);
        ++seen;
        check_span(decoded, *record);
        check_attributes(resource_spans.at("resource").at("attributes"), record->resource().attributes().view());
        CHECK(resource_spans.at("schemaUrl") == record->resource().schema_url());
        const json& scope = scope_spans.at("scope");
        // Invalid UTF-8 in a scope name arrives repaired (U+FFFD), never as a rejected request.
        std::string name = record->scope().name;
        if (name == "db\xff") name = "db\xef\xbf\xbd";
        CHECK(scope.at("name") == name);
        CHECK(scope.at("version") == record->scope().version);
        check_attributes(scope.at("attributes"), record->scope().attributes.view());
        CHECK(scope_spans.at("schemaUrl") == record->scope().schema_url);
      }
    }
  }
  CHECK(seen == spans.size());
}

}  // namespace tracewire_test
