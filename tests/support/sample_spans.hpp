// Finished spans that exercise every field the Jaeger and Zipkin mappings write.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tracewire/core/resource.hpp"
#include "tracewire/core/span_data.hpp"

namespace tracewire_test {

/// Three spans sharing one resource:
/// - `server`: 128-bit trace id whose high half reads as a negative i64, a span id with the
///   top bit set, a remote parent, sampled+random flags (0x03), tracestate, every attribute
///   type (an `error` attribute the Error status replaces), three events (one with an
///   attribute named `event`, one over the per-event attribute limit), two links kept and
///   one dropped, one event dropped, two attributes dropped, Error status with a message,
///   a named and versioned scope;
/// - `client`: 64-bit trace id, no parent, not sampled, Ok status, peer attributes;
/// - `internal`: child of `client` with nothing else (no tags, no logs, no references).
struct SampleSpans {
  static constexpr std::uint64_t start = 1700000000123456789ULL;

  tracewire::Resource resource{{{"service.name", "checkout"},
                                {"host.name", "web-1"},
                                {"process.pid", 4242},
                                {"cpu.load", 0.75},
                                {"container", false}}};
  tracewire::InstrumentationScope scope{"checkout-lib", "1.2.3", {}, {}};
  tracewire::InstrumentationScope unnamed_scope{};
  tracewire::SpanLimits limits;
  std::vector<std::string_view> tags{"a", "b\"c"};
  std::vector<std::int64_t> ids{1, -2};
  std::vector<double> weights{0.5, 2.0};
  bool flag_values[2] = {true, false};
  tracewire::SpanData server;
  tracewire::SpanData client;
  tracewire::SpanData internal;

  SampleSpans() {
    using namespace tracewire;
    limits.event_count = 3;
    limits.link_count = 2;
    limits.attributes_per_event = 2;

    server.set_origin(&resource, &scope, &limits);
    server.set_name("GET /checkout");
    server.set_kind(SpanKind::server);
    server.set_context(SpanContext{*TraceId::from_hex("fedcba98765432100123456789abcdef"),
                                   *SpanId::from_hex("8000000000000001"), TraceFlags(0x03),
                                   TraceState::parse("vendor=value,other=x"), false});
    server.set_parent(*SpanId::from_hex("00000000000000ff"), true);
    server.set_start_time(start);
    server.set_end_time(start + 2500999);
    server.set_attribute("http.request.method", "GET");
    server.set_attribute("http.response.status_code", 200);
    server.set_attribute("ratio", -0.125);
    server.set_attribute("cached", true);
    server.set_attribute("tags", ArrayView<std::string_view>(tags));
    server.set_attribute("ids", ArrayView<std::int64_t>(ids));
    server.set_attribute("weights", ArrayView<double>(weights));
    server.set_attribute("flags", ArrayView<bool>(flag_values, 2));
    server.set_attribute("error", "old");
    server.add_dropped_attributes(2);
    KeyValue miss[] = {{"key", "user:42"}, {"attempt", 3}, {"over.limit", 1}};
    server.add_event("cache miss", start + 1000, miss);
    KeyValue retry[] = {{"event", "custom"}};
    server.add_event("retry", start + 2000000, retry);
    server.add_event("done", start + 2500000);
    server.add_event("dropped", start + 2500001);
    server.add_link(SpanContext{*TraceId::from_hex("0af7651916cd43dd8448eb211c80319c"),
                                *SpanId::from_hex("b7ad6b7169203331"),
                                TraceFlags(1),
                                {},
                                true});
    server.add_link(SpanContext{*TraceId::from_hex("0000000000000000000000000000abcd"),
                                *SpanId::from_hex("0000000000000def"),
                                TraceFlags(0),
                                {},
                                true});
    server.add_link(SpanContext{*TraceId::from_hex("11111111111111111111111111111111"),
                                *SpanId::from_hex("2222222222222222"),
                                TraceFlags(0),
                                {},
                                true});
    server.set_status(StatusCode::error, "card declined");

    client.set_origin(&resource, &unnamed_scope, &limits);
    client.set_name("SELECT orders");
    client.set_kind(SpanKind::client);
    client.set_context(SpanContext{*TraceId::from_hex("0000000000000000000000000000002a"),
                                   *SpanId::from_hex("0000000000000003"),
                                   TraceFlags(0),
                                   {},
                                   false});
    client.set_start_time(start);
    client.set_end_time(start + 400);  // under a microsecond
    client.set_attribute("db.system", "postgresql");
    client.set_attribute("server.address", "db.internal");
    client.set_attribute("network.peer.address", "10.1.2.3");
    client.set_attribute("network.peer.port", 5432);
    client.set_attribute("peer.service", "orders-db");
    client.set_status(StatusCode::ok);

    internal.set_origin(&resource, &unnamed_scope, &limits);
    internal.set_name("parse");
    internal.set_context(SpanContext{*TraceId::from_hex("0000000000000000000000000000002a"),
                                     *SpanId::from_hex("0000000000000004"),
                                     TraceFlags(1),
                                     {},
                                     false});
    internal.set_parent(*SpanId::from_hex("0000000000000003"), false);
    internal.set_start_time(start + 100000);
    internal.set_end_time(start + 300000);
  }

  std::vector<const tracewire::SpanData*> all() const { return {&server, &client, &internal}; }
};

// ---- what an independent Jaeger Thrift decoder must read (receiver.js's JSON form:
// i64 as decimal strings, binary as base64, absent optional fields left out, hex ids) ----

inline std::string i64_text(std::uint64_t bits) { return std::to_string(static_cast<std::int64_t>(bits)); }

inline nlohmann::json jaeger_string_tag(const std::string& key, const std::string& value) {
  return {{"key", key}, {"vType", 0}, {"vStr", value}};
}
inline nlohmann::json jaeger_double_tag(const std::string& key, double value) {
  return {{"key", key}, {"vType", 1}, {"vDouble", value}};
}
inline nlohmann::json jaeger_bool_tag(const std::string& key, bool value) {
  return {{"key", key}, {"vType", 2}, {"vBool", value}};
}
inline nlohmann::json jaeger_long_tag(const std::string& key, std::int64_t value) {
  return {{"key", key}, {"vType", 3}, {"vLong", std::to_string(value)}};
}
inline nlohmann::json jaeger_reference(int type, std::uint64_t high, std::uint64_t low, std::uint64_t span,
                                       const std::string& high_hex, const std::string& low_hex,
                                       const std::string& span_hex) {
  return {{"refType", type},          {"traceIdLow", i64_text(low)},     {"traceIdHigh", i64_text(high)},
          {"spanId", i64_text(span)}, {"traceIdLowHex", low_hex},        {"traceIdHighHex", high_hex},
          {"spanIdHex", span_hex},    {"traceIdHex", high_hex + low_hex}};
}

/// The Batch the sample spans must decode to, field by field.
inline nlohmann::json expected_jaeger_batch() {
  using nlohmann::json;
  json process = {{"serviceName", "checkout"},
                  {"tags", json::array({jaeger_string_tag("host.name", "web-1"), jaeger_long_tag("process.pid", 4242),
                                        jaeger_double_tag("cpu.load", 0.75), jaeger_bool_tag("container", false)})}};
  json server = {
      {"traceIdLow", i64_text(0x0123456789abcdefULL)},
      {"traceIdHigh", i64_text(0xfedcba9876543210ULL)},
      {"spanId", i64_text(0x8000000000000001ULL)},
      {"parentSpanId", "255"},
      {"operationName", "GET /checkout"},
      {"references",
       json::array(
           {jaeger_reference(0, 0xfedcba9876543210ULL, 0x0123456789abcdefULL, 0xff, "fedcba9876543210",
                             "0123456789abcdef", "00000000000000ff"),
            jaeger_reference(1, 0x0af7651916cd43ddULL, 0x8448eb211c80319cULL, 0xb7ad6b7169203331ULL, "0af7651916cd43dd",
                             "8448eb211c80319c", "b7ad6b7169203331"),
            jaeger_reference(1, 0, 0xabcd, 0xdef, "0000000000000000", "000000000000abcd", "0000000000000def")})},
      {"flags", 1},
      {"startTime", "1700000000123456"},
      {"duration", "2500"},
      {"tags", json::array({jaeger_string_tag("otel.scope.name", "checkout-lib"),
                            jaeger_string_tag("otel.library.name", "checkout-lib"),
                            jaeger_string_tag("otel.scope.version", "1.2.3"),
                            jaeger_string_tag("otel.library.version", "1.2.3"),
                            jaeger_string_tag("http.request.method", "GET"),
                            jaeger_long_tag("http.response.status_code", 200),
                            jaeger_double_tag("ratio", -0.125),
                            jaeger_bool_tag("cached", true),
                            jaeger_string_tag("tags", R"(["a","b\"c"])"),
                            jaeger_string_tag("ids", "[1,-2]"),
                            jaeger_string_tag("weights", "[0.5,2]"),
                            jaeger_string_tag("flags", "[true,false]"),
                            jaeger_string_tag("span.kind", "server"),
                            jaeger_string_tag("otel.status_code", "ERROR"),
                            jaeger_bool_tag("error", true),
                            jaeger_string_tag("otel.status_description", "card declined"),
                            jaeger_string_tag("w3c.tracestate", "vendor=value,other=x"),
                            jaeger_long_tag("otel.dropped_attributes_count", 2),
                            jaeger_long_tag("otel.dropped_events_count", 1),
                            jaeger_long_tag("otel.dropped_links_count", 1)})},
      {"logs",
       json::array(
           {{{"timestamp", "1700000000123457"},
             {"fields",
              json::array({jaeger_string_tag("event", "cache miss"), jaeger_string_tag("key", "user:42"),
                           jaeger_long_tag("attempt", 3), jaeger_long_tag("otel.dropped_attributes_count", 1)})}},
            {{"timestamp", "1700000000125456"}, {"fields", json::array({jaeger_string_tag("event", "custom")})}},
            {{"timestamp", "1700000000125956"}, {"fields", json::array({jaeger_string_tag("event", "done")})}}})},
      {"traceIdLowHex", "0123456789abcdef"},
      {"traceIdHighHex", "fedcba9876543210"},
      {"spanIdHex", "8000000000000001"},
      {"traceIdHex", "fedcba98765432100123456789abcdef"},
      {"parentSpanIdHex", "00000000000000ff"}};
  json client = {
      {"traceIdLow", "42"},
      {"traceIdHigh", "0"},
      {"spanId", "3"},
      {"parentSpanId", "0"},
      {"operationName", "SELECT orders"},
      {"flags", 0},
      {"startTime", "1700000000123456"},
      {"duration", "0"},
      {"tags",
       json::array({jaeger_string_tag("db.system", "postgresql"), jaeger_string_tag("server.address", "db.internal"),
                    jaeger_string_tag("network.peer.address", "10.1.2.3"), jaeger_long_tag("network.peer.port", 5432),
                    jaeger_string_tag("peer.service", "orders-db"), jaeger_string_tag("span.kind", "client"),
                    jaeger_string_tag("otel.status_code", "OK")})},
      {"traceIdLowHex", "000000000000002a"},
      {"traceIdHighHex", "0000000000000000"},
      {"spanIdHex", "0000000000000003"},
      {"traceIdHex", "0000000000000000000000000000002a"},
      {"parentSpanIdHex", "0000000000000000"}};
  json internal = {
      {"traceIdLow", "42"},
      {"traceIdHigh", "0"},
      {"spanId", "4"},
      {"parentSpanId", "3"},
      {"operationName", "parse"},
      {"references",
       json::array({jaeger_reference(0, 0, 42, 3, "0000000000000000", "000000000000002a", "0000000000000003")})},
      {"flags", 1},
      {"startTime", "1700000000123556"},
      {"duration", "200"},
      {"traceIdLowHex", "000000000000002a"},
      {"traceIdHighHex", "0000000000000000"},
      {"spanIdHex", "0000000000000004"},
      {"traceIdHex", "0000000000000000000000000000002a"},
      {"parentSpanIdHex", "0000000000000003"}};
  return {{"process", process}, {"spans", json::array({server, client, internal})}};
}

/// The Zipkin v2 spans the sample spans must become, field by field.
inline nlohmann::json expected_zipkin_spans() {
  using nlohmann::json;
  const json resource_tags = {
      {"host.name", "web-1"}, {"process.pid", "4242"}, {"cpu.load", "0.75"}, {"container", "false"}};
  json server_tags = {{"http.request.method", "GET"},
                      {"http.response.status_code", "200"},
                      {"ratio", "-0.125"},
                      {"cached", "true"},
                      {"tags", R"(["a","b\"c"])"},
                      {"ids", "[1,-2]"},
                      {"weights", "[0.5,2]"},
                      {"flags", "[true,false]"},
                      {"otel.scope.name", "checkout-lib"},
                      {"otel.library.name", "checkout-lib"},
                      {"otel.scope.version", "1.2.3"},
                      {"otel.library.version", "1.2.3"},
                      {"otel.status_code", "ERROR"},
                      {"error", "card declined"},
                      {"otel.dropped_attributes_count", "2"},
                      {"otel.dropped_events_count", "1"},
                      {"otel.dropped_links_count", "1"}};
  server_tags.update(resource_tags);
  json server = {
      {"traceId", "fedcba98765432100123456789abcdef"},
      {"id", "8000000000000001"},
      {"parentId", "00000000000000ff"},
      {"kind", "SERVER"},
      {"name", "GET /checkout"},
      {"timestamp", 1700000000123456},
      {"duration", 2500},
      {"localEndpoint", {{"serviceName", "checkout"}}},
      {"annotations",
       json::array({{{"timestamp", 1700000000123457}, {"value", R"("cache miss":{"key":"user:42","attempt":3})"}},
                    {{"timestamp", 1700000000125456}, {"value", R"("retry":{"event":"custom"})"}},
                    {{"timestamp", 1700000000125956}, {"value", "done"}}})},
      {"tags", server_tags}};
  json client_tags = {{"db.system", "postgresql"},          {"server.address", "db.internal"},
                      {"network.peer.address", "10.1.2.3"}, {"network.peer.port", "5432"},
                      {"peer.service", "orders-db"},        {"otel.status_code", "OK"}};
  client_tags.update(resource_tags);
  json client = {{"traceId", "000000000000002a"},
                 {"id", "0000000000000003"},
                 {"kind", "CLIENT"},
                 {"name", "SELECT orders"},
                 {"timestamp", 1700000000123456},
                 {"duration", 1},
                 {"localEndpoint", {{"serviceName", "checkout"}}},
                 {"remoteEndpoint", {{"serviceName", "orders-db"}, {"ipv4", "10.1.2.3"}, {"port", 5432}}},
                 {"tags", client_tags}};
  json internal = {{"traceId", "000000000000002a"},
                   {"id", "0000000000000004"},
                   {"parentId", "0000000000000003"},
                   {"name", "parse"},
                   {"timestamp", 1700000000123556},
                   {"duration", 200},
                   {"localEndpoint", {{"serviceName", "checkout"}}},
                   {"tags", resource_tags}};
  return json::array({server, client, internal});
}

}  // namespace tracewire_test
