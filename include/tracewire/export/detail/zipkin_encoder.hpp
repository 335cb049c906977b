// ZipkinEncoder: OpenTelemetry spans as a Zipkin v2 JSON array.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "tracewire/core/detail/host_port.hpp"
#include "tracewire/core/resource.hpp"
#include "tracewire/core/span_data.hpp"
#include "tracewire/export/detail/json_writer.hpp"
#include "tracewire/export/detail/non_otlp_mapping.hpp"
#include "tracewire/semconv.hpp"

namespace tracewire {
inline namespace v0 {
namespace detail {

/// Writes the body of a Zipkin `POST /api/v2/spans` (openzipkin/zipkin-api
/// `zipkin2-api.yaml`) straight from span records into one reusable buffer, following the
/// specification's Zipkin and non-OTLP mappings:
///
/// - `traceId` as 16 hex characters when its high half is zero (the form Zipkin stores),
///   else 32; `id`, `parentId`; `kind` CLIENT/SERVER/PRODUCER/CONSUMER, none for internal;
/// - `timestamp` and `duration` in whole microseconds (a duration under 1 µs is written as
///   1, the smallest Zipkin accepts, so the span does not read as unfinished);
/// - `localEndpoint.serviceName` from `service.name`; for CLIENT and PRODUCER spans a
///   `remoteEndpoint` named by the specification's ranked attributes (`peer.service`,
///   `server.address`, `net.peer.name`, `network.peer.address`, …) with `ipv4`/`ipv6` and
///   `port` from the peer address attributes when they hold a valid address;
/// - `tags`: the attributes as strings (arrays as JSON lists), the resource attributes
///   other than `service.name` (a span attribute wins over a resource one),
///   `otel.scope.*`/`otel.library.*`, `otel.status_code` OK/ERROR, `error` with the
///   description on error (a boolean-false `error` attribute is removed, since Zipkin reads
///   any `error` tag as failure), non-zero `otel.dropped_*_count`;
/// - `annotations` from events: the name alone, or `"name":{attributes as JSON}` when the
///   event has attributes (the form in the specification and Java's exporter);
/// - `shared: true` for a SERVER span that joined its remote parent's span id (B3's shared
///   span model), in which case `parentId` is left out as Zipkin expects; `debug: true`
///   when asked for. Links have no Zipkin equivalent and are not written.
///
/// Empty fields are omitted. Not thread-safe: one encoder per exporter.
class ZipkinEncoder {
 public:
  /// Encodes `batch` (null entries skipped) and returns the JSON text, valid until the
  /// next call. `debug` marks every span `"debug":true`.
  std::string_view encode(ArrayView<const SpanData*> batch, bool debug = false) {
    buffer_.clear();
    cached_resource_ = nullptr;  // never trust an address across calls
    JsonWriter json(buffer_);
    json.begin_array();
    for (const SpanData* span : batch) {
      write_span(json, *span, debug);
    }
    json.end_array();
    json.finish();
    return buffer_;
  }

 private:
  void write_span(JsonWriter& json, const SpanData& span, bool debug) {
    cache_resource(span.resource());
    json.begin_object();
    json.key("traceId");
    const TraceId& trace_id = span.trace_id();
    if (trace_id.high() == 0) {
      json.value_hex(trace_id.bytes().data() + 8, 8);
    } else {
      json.value_hex(trace_id.bytes().data(), TraceId::size);
    }
    json.key("id");
    json.value_hex(span.span_id().bytes().data(), SpanId::size);
    const bool shared =
        span.kind() == SpanKind::server && span.parent_is_remote() && span.parent_span_id() == span.span_id();
    if (span.parent_span_id().is_valid() && !shared) {
      json.key("parentId");
      json.value_hex(span.parent_span_id().bytes().data(), SpanId::size);
    }
    if (span.kind() != SpanKind::internal) {
      json.key("kind");
      json.value(zipkin_kind(span.kind()));
    }
    if (!span.name().empty()) {
      json.key("name");
      json.value(span.name());
    }
    const std::uint64_t start = span.start_time_unix_nano();
    const std::uint64_t end = span.end_time_unix_nano();
    if (start != 0) {
      json.key("timestamp");
      json.value(static_cast<std::uint64_t>(start / 1000));
      if (end >= start) {
        json.key("duration");
        json.value(std::max<std::uint64_t>(1, (end - start) / 1000));
      }
    }
    json.key("localEndpoint");
    json.begin_object();
    json.key("serviceName");
    json.value(service_name_);
    json.end_object();
    if (span.kind() == SpanKind::client || span.kind() == SpanKind::producer) write_remote_endpoint(json, span);
    if (!span.events().empty()) write_annotations(json, span);
    write_tags(json, span);
    if (debug) {
      json.key("debug");
      json.value(true);
    }
    if (shared) {
      json.key("shared");
      json.value(true);
    }
    json.end_object();
  }

  static std::string_view zipkin_kind(SpanKind kind) noexcept {
    switch (kind) {
      case SpanKind::server:
        return "SERVER";
      case SpanKind::client:
        return "CLIENT";
      case SpanKind::producer:
        return "PRODUCER";
      default:
        return "CONSUMER";
    }
  }

  // The resource's tags are encoded once per resource per batch and copied into each span.
  void cache_resource(const Resource& resource) {
    if (&resource == cached_resource_) return;
    cached_resource_ = &resource;
    service_name_ = service_name_or_default(resource);
    resource_tags_.clear();
    JsonWriter tags(resource_tags_);
    for (const KeyValue& attribute : resource.attributes()) {
      if (attribute.key != semconv::service::name) write_tag(tags, attribute.key, attribute.value);
    }
  }

  void write_tag(JsonWriter& json, std::string_view key, const AttributeValue& value) {
    json.key(key);
    if (const auto* text = value.get_if<std::string_view>()) {
      json.value(*text);
      return;
    }
    scratch_.clear();
    append_attribute_text(scratch_, value);
    json.value(std::string_view(scratch_));
  }

  static bool is_false(const AttributeValue& value) noexcept {
    if (const bool* flag = value.get_if<bool>()) return !*flag;
    const std::string_view* text = value.get_if<std::string_view>();
    return text != nullptr && *text == "false";
  }

  void write_tags(JsonWriter& json, const SpanData& span) {
    const StatusCode status = span.status_code();
    const InstrumentationScope& scope = span.scope();
    json.key("tags");
    json.begin_object();
    for (const KeyValue& attribute : span.attributes()) {
      if (attribute.key == "error" && (status == StatusCode::error || is_false(attribute.value))) continue;
      write_tag(json, attribute.key, attribute.value);
    }
    const Resource& resource = span.resource();
    bool collides = false;
    for (const KeyValue& attribute : resource.attributes()) {
      if (attribute.key != semconv::service::name && span.attribute(attribute.key) != nullptr) collides = true;
    }
    if (!collides) {
      json.raw_members(resource_tags_);
    } else {
      for (const KeyValue& attribute : resource.attributes()) {
        if (attribute.key != semconv::service::name && span.attribute(attribute.key) == nullptr) {
          write_tag(json, attribute.key, attribute.value);
        }
      }
    }
    if (!scope.name.empty()) {
      write_tag(json, semconv::otel::scope_name, std::string_view(scope.name));
      write_tag(json, "otel.library.name", std::string_view(scope.name));
    }
    if (!scope.version.empty()) {
      write_tag(json, semconv::otel::scope_version, std::string_view(scope.version));
      write_tag(json, "otel.library.version", std::string_view(scope.version));
    }
    if (status != StatusCode::unset) write_tag(json, semconv::otel::status_code, to_string(status));
    if (status == StatusCode::error) write_tag(json, "error", span.status_message());
    if (span.dropped_attributes_count() != 0) {
      write_tag(json, "otel.dropped_attributes_count", span.dropped_attributes_count());
    }
    if (span.dropped_events_count() != 0) write_tag(json, "otel.dropped_events_count", span.dropped_events_count());
    if (span.dropped_links_count() != 0) write_tag(json, "otel.dropped_links_count", span.dropped_links_count());
    json.end_object();
  }

  void write_annotations(JsonWriter& json, const SpanData& span) {
    json.key("annotations");
    json.begin_array();
    for (const SpanEvent& event : span.events()) {
      json.begin_object();
      json.key("timestamp");
      json.value(static_cast<std::uint64_t>(event.time_unix_nano / 1000));
      json.key("value");
      if (event.attributes.empty()) {
        json.value(event.name);
      } else {
        // `"name":{attributes}` is built in the scratch string, each writer finishing (at the
        // end of its scope) before the string is appended to or read.
        scratch_.clear();
        {
          JsonWriter value(scratch_);
          value.value(event.name);
        }
        scratch_ += ':';
        {
          JsonWriter attributes(scratch_);
          attributes.begin_object();
          for (const KeyValue& attribute : event.attributes) {
            attributes.key(attribute.key);
            write_attribute_json(attributes, attribute.value);
          }
          attributes.end_object();
        }
        json.value(std::string_view(scratch_));
      }
      json.end_object();
    }
    json.end_array();
  }

  // ---- remote endpoint ----

  static std::string_view string_attribute(const SpanData& span, std::string_view key) noexcept {
    const AttributeValue* value = span.attribute(key);
    const std::string_view* text = value ? value->get_if<std::string_view>() : nullptr;
    return text ? *text : std::string_view();
  }

  void write_remote_endpoint(JsonWriter& json, const SpanData& span) {
    // The specification's ranking for the remote service name.
    static constexpr std::string_view name_keys[] = {"peer.service",
                                                     "server.address",
                                                     "net.peer.name",
                                                     "network.peer.address",
                                                     "server.socket.domain",
                                                     "server.socket.address",
                                                     "net.sock.peer.name",
                                                     "net.sock.peer.addr",
                                                     "peer.hostname",
                                                     "peer.address",
                                                     "db.name"};
    static constexpr std::string_view address_keys[] = {"network.peer.address", "server.socket.address",
                                                        "net.sock.peer.addr", "net.peer.ip", "server.address"};
    static constexpr std::string_view port_keys[] = {"network.peer.port", "server.socket.port", "net.sock.peer.port",
                                                     "server.port", "net.peer.port"};
    std::string_view name;
    for (std::string_view key : name_keys) {
      name = string_attribute(span, key);
      if (!name.empty()) break;
    }
    std::string_view ipv4, ipv6;
    for (std::string_view key : address_keys) {
      const std::string_view address = string_attribute(span, key);
      if (is_ipv4(address)) {
        ipv4 = address;
        break;
      }
      if (is_ipv6(address)) {
        ipv6 = address;
        break;
      }
    }
    std::int64_t port = 0;
    for (std::string_view key : port_keys) {
      const AttributeValue* value = span.attribute(key);
      const std::int64_t* number = value ? value->get_if<std::int64_t>() : nullptr;
      if (number && *number > 0 && *number <= 65535) {
        port = *number;
        break;
      }
    }
    if (name.empty() && ipv4.empty() && ipv6.empty()) return;
    json.key("remoteEndpoint");
    json.begin_object();
    if (!name.empty()) {
      json.key("serviceName");
      json.value(name);
    }
    if (!ipv4.empty()) {
      json.key("ipv4");
      json.value(ipv4);
    }
    if (!ipv6.empty()) {
      json.key("ipv6");
      json.value(ipv6);
    }
    if (port != 0 && (!ipv4.empty() || !ipv6.empty())) {
      json.key("port");
      json.value(port);
    }
    json.end_object();
  }

  std::string buffer_;
  std::string scratch_;
  std::string resource_tags_;
  std::string_view service_name_;
  const Resource* cached_resource_ = nullptr;
};

}  // namespace detail
}  // namespace v0
}  // namespace tracewire
