// OtlpEncoder: finished spans to an OTLP ExportTraceServiceRequest, as protobuf or JSON.
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "tracewire/core/attribute_value.hpp"
#include "tracewire/core/span_data.hpp"
#include "tracewire/export/detail/json_writer.hpp"
#include "tracewire/export/otlp/detail/proto_writer.hpp"

namespace tracewire {
inline namespace v0 {

/// The two OTLP encodings of a request body.
enum class OtlpEncoding { protobuf, json };

namespace detail {

// The OTLP span flags bits (opentelemetry/proto/trace/v1/trace.proto, SpanFlags): the low
// byte is the W3C trace flags (the bits W3C defines: tracewire's debug bit is not one of
// them); 0x100 says the exporter knows whether the parent (or the
// linked context) is remote, and 0x200 says it is.
inline constexpr std::uint32_t otlp_flags_has_is_remote = 0x100;
inline constexpr std::uint32_t otlp_flags_is_remote = 0x200;

inline std::uint32_t otlp_span_flags(TraceFlags flags, bool is_remote) noexcept {
  return (flags.bits() & TraceFlags::w3c_bits) | otlp_flags_has_is_remote | (is_remote ? otlp_flags_is_remote : 0);
}

/// Protobuf output for the OTLP traversal: field numbers are used, JSON names ignored.
/// The request is written from the start of `buffer`, over the previous one.
class OtlpProtoSink {
 public:
  using Mark = ProtoWriter::Mark;
  explicit OtlpProtoSink(std::string& buffer) : out_(buffer, 0) {}
  void finish() { out_.finish(); }

  Mark begin_message(std::uint32_t field, std::string_view /*json_name*/, std::uint32_t length_bytes) {
    return out_.begin_message(field, length_bytes);
  }
  void end_message(const Mark& mark) { out_.end_message(mark); }
  // A repeated message field is just the field written once per element.
  void begin_list(std::uint32_t /*field*/, std::string_view /*json_name*/) noexcept {}
  void end_list() noexcept {}
  Mark begin_item(std::uint32_t field, std::uint32_t length_bytes) { return out_.begin_message(field, length_bytes); }
  void end_item(const Mark& mark) { out_.end_message(mark); }

  void string(std::uint32_t field, std::string_view /*json_name*/, std::string_view text) {
    out_.write_string(field, text);
  }
  void string_checked(std::uint32_t field, std::string_view /*json_name*/, std::string_view text) {
    out_.write_string_checked(field, text);
  }
  void id(std::uint32_t field, std::string_view /*json_name*/, const std::uint8_t* bytes, std::size_t size) {
    out_.write_bytes(field, bytes, size);
  }
  void boolean(std::uint32_t field, std::string_view /*json_name*/, bool value) { out_.write_bool(field, value); }
  void int64(std::uint32_t field, std::string_view /*json_name*/, std::int64_t value) {
    out_.write_int64(field, value);
  }
  void uint32(std::uint32_t field, std::string_view /*json_name*/, std::uint32_t value) {
    out_.write_varint(field, value);
  }
  void enumeration(std::uint32_t field, std::string_view /*json_name*/, int value) { out_.write_int64(field, value); }
  void fixed32(std::uint32_t field, std::string_view /*json_name*/, std::uint32_t value) {
    out_.write_fixed32(field, value);
  }
  void fixed64(std::uint32_t field, std::string_view /*json_name*/, std::uint64_t value) {
    out_.write_fixed64(field, value);
  }
  void float64(std::uint32_t field, std::string_view /*json_name*/, double value) { out_.write_double(field, value); }

 private:
  ProtoWriter out_;
};

/// OTLP/JSON output for the same traversal (the protobuf JSON mapping with OTLP's
/// exceptions): lowerCamelCase names, ids as lowercase hex, enums as integers, 64-bit
/// integers as decimal strings. The request is written from the start of `buffer`, over
/// the previous one.
class OtlpJsonSink {
 public:
  struct Mark {};
  explicit OtlpJsonSink(std::string& buffer) : out_(buffer, 0) {}
  void finish() { out_.finish(); }

  Mark begin_message(std::uint32_t /*field*/, std::string_view json_name, std::uint32_t /*length_bytes*/) {
    out_.schema_key(json_name);
    out_.begin_object();
    return {};
  }
  void end_message(const Mark&) { out_.end_object(); }
  void begin_list(std::uint32_t /*field*/, std::string_view json_name) {
    out_.schema_key(json_name);
    out_.begin_array();
  }
  void end_list() { out_.end_array(); }
  Mark begin_item(std::uint32_t /*field*/, std::uint32_t /*length_bytes*/) {
    out_.begin_object();
    return {};
  }
  void end_item(const Mark&) { out_.end_object(); }

  void string(std::uint32_t, std::string_view json_name, std::string_view text) {
    out_.schema_key(json_name);
    out_.value(text);
  }
  void string_checked(std::uint32_t field, std::string_view json_name, std::string_view text) {
    string(field, json_name, text);  // JsonWriter repairs every string it writes
  }
  void id(std::uint32_t, std::string_view json_name, const std::uint8_t* bytes, std::size_t size) {
    out_.schema_key(json_name);
    out_.value_hex(bytes, size);
  }
  void boolean(std::uint32_t, std::string_view json_name, bool value) {
    out_.schema_key(json_name);
    out_.value(value);
  }
  void int64(std::uint32_t, std::string_view json_name, std::int64_t value) {
    out_.schema_key(json_name);
    out_.value_as_string(value);
  }
  void uint32(std::uint32_t, std::string_view json_name, std::uint32_t value) {
    out_.schema_key(json_name);
    out_.value(static_cast<std::uint64_t>(value));
  }
  void enumeration(std::uint32_t, std::string_view json_name, int value) {
    out_.schema_key(json_name);
    out_.value(value);
  }
  void fixed32(std::uint32_t, std::string_view json_name, std::uint32_t value) {
    out_.schema_key(json_name);
    out_.value(static_cast<std::uint64_t>(value));
  }
  void fixed64(std::uint32_t, std::string_view json_name, std::uint64_t value) {
    out_.schema_key(json_name);
    out_.value_as_string(value);
  }
  void float64(std::uint32_t, std::string_view json_name, double value) {
    out_.schema_key(json_name);
    out_.value(value);
  }

  JsonWriter& writer() noexcept { return out_; }

 private:
  JsonWriter out_;
};

/// One span of a batch, with the keys it is grouped by.
struct OtlpSpanRef {
  const Resource* resource;
  const InstrumentationScope* scope;
  const SpanData* span;
  std::uint32_t position;  // in the batch, so spans keep their order within a group
};

/// The one traversal of the OTLP trace schema, shared by both encodings: every field of
/// ExportTraceServiceRequest → ResourceSpans → ScopeSpans → Span (with events, links,
/// status and AnyValue of every kind), written through `Sink` in field-number order.
/// Fields holding their default value are omitted, as proto3 does, except inside an
/// AnyValue, whose oneof member is always written.
template <class Sink>
class OtlpTraversal {
 public:
  using Mark = typename Sink::Mark;

  explicit OtlpTraversal(Sink& sink) noexcept : sink_(sink) {}

  /// Writes the request; `spans` must be sorted by resource, then scope.
  void write_request(const std::vector<OtlpSpanRef>& spans) {
    if (spans.empty()) return;
    sink_.begin_list(1, "resourceSpans");
    std::size_t i = 0;
    while (i < spans.size()) {
      std::size_t resource_end = i;
      while (resource_end < spans.size() && spans[resource_end].resource == spans[i].resource) ++resource_end;
      write_resource_spans(spans, i, resource_end);
      i = resource_end;
    }
    sink_.end_list();
  }

 private:
  void write_resource_spans(const std::vector<OtlpSpanRef>& spans, std::size_t begin, std::size_t end) {
    const Resource& resource = *spans[begin].resource;
    const Mark resource_spans = sink_.begin_item(1, 3);
    const Mark resource_mark = sink_.begin_message(1, "resource", 2);
    write_attributes(1, resource.attributes().view());
    sink_.end_message(resource_mark);
    sink_.begin_list(2, "scopeSpans");
    std::size_t i = begin;
    while (i < end) {
      std::size_t scope_end = i;
      while (scope_end < end && spans[scope_end].scope == spans[i].scope) ++scope_end;
      write_scope_spans(spans, i, scope_end);
      i = scope_end;
    }
    sink_.end_list();
    if (!resource.schema_url().empty()) sink_.string_checked(3, "schemaUrl", resource.schema_url());
    sink_.end_item(resource_spans);
  }

  void write_scope_spans(const std::vector<OtlpSpanRef>& spans, std::size_t begin, std::size_t end) {
    const InstrumentationScope& scope = *spans[begin].scope;
    const Mark scope_spans = sink_.begin_item(2, 3);
    const Mark scope_mark = sink_.begin_message(1, "scope", 1);
    if (!scope.name.empty()) sink_.string_checked(1, "name", scope.name);
    if (!scope.version.empty()) sink_.string_checked(2, "version", scope.version);
    write_attributes(3, scope.attributes.view());
    sink_.end_message(scope_mark);
    sink_.begin_list(2, "spans");
    for (std::size_t i = begin; i < end; ++i) write_span(*spans[i].span);
    sink_.end_list();
    if (!scope.schema_url.empty()) sink_.string_checked(3, "schemaUrl", scope.schema_url);
    sink_.end_item(scope_spans);
  }

  void write_span(const SpanData& span) {
    const Mark mark = sink_.begin_item(2, 2);
    const SpanContext& context = span.context();
    sink_.id(1, "traceId", context.trace_id.bytes().data(), TraceId::size);
    sink_.id(2, "spanId", context.span_id.bytes().data(), SpanId::size);
    const std::string_view trace_state = context.trace_state.header();
    if (!trace_state.empty()) sink_.string(3, "traceState", trace_state);
    if (span.parent_span_id().is_valid()) {
      sink_.id(4, "parentSpanId", span.parent_span_id().bytes().data(), SpanId::size);
    }
    if (!span.name().empty()) sink_.string(5, "name", span.name());
    sink_.enumeration(6, "kind", static_cast<int>(span.kind()));
    sink_.fixed64(7, "startTimeUnixNano", span.start_time_unix_nano());
    sink_.fixed64(8, "endTimeUnixNano", span.end_time_unix_nano());
    write_attributes(9, span.attributes());
    if (span.dropped_attributes_count() != 0)
      sink_.uint32(10, "droppedAttributesCount", span.dropped_attributes_count());
    if (!span.events().empty()) {
      sink_.begin_list(11, "events");
      for (const SpanEvent& event : span.events()) write_event(event);
      sink_.end_list();
    }
    if (span.dropped_events_count() != 0) sink_.uint32(12, "droppedEventsCount", span.dropped_events_count());
    if (!span.links().empty()) {
      sink_.begin_list(13, "links");
      for (const SpanLink& link : span.links()) write_link(link);
      sink_.end_list();
    }
    if (span.dropped_links_count() != 0) sink_.uint32(14, "droppedLinksCount", span.dropped_links_count());
    if (span.status_code() != StatusCode::unset || !span.status_message().empty()) {
      const Mark status = sink_.begin_message(15, "status", 1);
      if (!span.status_message().empty()) sink_.string(2, "message", span.status_message());
      if (span.status_code() != StatusCode::unset) sink_.enumeration(3, "code", static_cast<int>(span.status_code()));
      sink_.end_message(status);
    }
    sink_.fixed32(16, "flags", otlp_span_flags(context.flags, span.parent_is_remote()));
    sink_.end_item(mark);
  }

  void write_event(const SpanEvent& event) {
    const Mark mark = sink_.begin_item(11, 1);
    sink_.fixed64(1, "timeUnixNano", event.time_unix_nano);
    if (!event.name.empty()) sink_.string(2, "name", event.name);
    write_attributes(3, event.attributes);
    if (event.dropped_attributes_count != 0) sink_.uint32(4, "droppedAttributesCount", event.dropped_attributes_count);
    sink_.end_item(mark);
  }

  void write_link(const SpanLink& link) {
    const Mark mark = sink_.begin_item(13, 1);
    sink_.id(1, "traceId", link.context.trace_id.bytes().data(), TraceId::size);
    sink_.id(2, "spanId", link.context.span_id.bytes().data(), SpanId::size);
    const std::string_view trace_state = link.context.trace_state.header();
    if (!trace_state.empty()) sink_.string(3, "traceState", trace_state);
    write_attributes(4, link.attributes);
    if (link.dropped_attributes_count != 0) sink_.uint32(5, "droppedAttributesCount", link.dropped_attributes_count);
    sink_.fixed32(6, "flags", otlp_span_flags(link.context.flags, link.context.is_remote));
    sink_.end_item(mark);
  }

  void write_attributes(std::uint32_t field, ArrayView<KeyValue> attributes) {
    if (attributes.empty()) return;
    sink_.begin_list(field, "attributes");
    for (const KeyValue& attribute : attributes) {
      const Mark mark = sink_.begin_item(field, length_guess(attribute));
      sink_.string(1, "key", attribute.key);
      write_any_value(attribute.value);
      sink_.end_item(mark);
    }
    sink_.end_list();
  }

  // KeyValue.value (field 2) as an AnyValue.
  void write_any_value(const AttributeValue& value) {
    const Mark mark = sink_.begin_message(2, "value", length_guess_value(value));
    value.visit([this](const auto& held) {
      using T = std::decay_t<decltype(held)>;
      if constexpr (std::is_same_v<T, ArrayView<bool>> || std::is_same_v<T, ArrayView<std::int64_t>> ||
                    std::is_same_v<T, ArrayView<double>> || std::is_same_v<T, ArrayView<std::string_view>>) {
        const Mark array = sink_.begin_message(5, "arrayValue", held.size() < 12 ? 1 : 2);
        if (!held.empty()) {
          sink_.begin_list(1, "values");
          for (const auto& element : held) {
            const Mark item = sink_.begin_item(1, 1);
            write_scalar(element);
            sink_.end_item(item);
          }
          sink_.end_list();
        }
        sink_.end_message(array);
      } else {
        write_scalar(held);
      }
    });
    sink_.end_message(mark);
  }

  // The members of AnyValue's oneof, written even when they hold the default value.
  void write_scalar(std::string_view text) { sink_.string(1, "stringValue", text); }
  void write_scalar(bool flag) { sink_.boolean(2, "boolValue", flag); }
  void write_scalar(std::int64_t number) { sink_.int64(3, "intValue", number); }
  void write_scalar(double number) { sink_.float64(4, "doubleValue", number); }

  // How many bytes a nested message's length will need, guessed cheaply; a wrong guess
  // only costs a move of the message body (see ProtoWriter).
  static std::uint32_t length_guess_value(const AttributeValue& value) noexcept {
    const std::string_view* text = value.get_if<std::string_view>();
    if (text) return ProtoWriter::varint_size(text->size() + 2 + ProtoWriter::varint_size(text->size()));
    return value.type() <= AttributeType::floating ? 1 : 2;
  }
  static std::uint32_t length_guess(const KeyValue& attribute) noexcept {
    const std::string_view* text = attribute.value.get_if<std::string_view>();
    const std::size_t value_size = text ? text->size() + 4 : 12;
    return ProtoWriter::varint_size(attribute.key.size() + 4 + value_size);
  }

  Sink& sink_;
};

}  // namespace detail

/// Encodes batches of finished spans as OTLP `ExportTraceServiceRequest` bodies, in
/// protobuf (`application/x-protobuf`) or OTLP/JSON (`application/json`). Spans are
/// grouped by resource and then by instrumentation scope, keeping their order within a
/// group. Both encodings come from one traversal of the records into one buffer that the
/// encoder keeps, so after the first batches an encode allocates nothing. No libprotobuf.
/// Not thread-safe: one encoder per exporter.
///
/// **Example**:
/// ```
/// tracewire::OtlpEncoder encoder;
/// std::string_view body = encoder.encode(batch, tracewire::OtlpEncoding::protobuf);
/// ```
class OtlpEncoder {
 public:
  /// The request body; valid until the next call.
  std::string_view encode(ArrayView<const SpanData*> batch, OtlpEncoding encoding) {
    group(batch);
    if (encoding == OtlpEncoding::json) {
      detail::OtlpJsonSink sink(buffer_);
      sink.writer().begin_object();
      detail::OtlpTraversal<detail::OtlpJsonSink>(sink).write_request(order_);
      sink.writer().end_object();
      sink.finish();
    } else {
      detail::OtlpProtoSink sink(buffer_);
      detail::OtlpTraversal<detail::OtlpProtoSink>(sink).write_request(order_);
      sink.finish();
    }
    return buffer_;
  }

  /// How many spans the last `encode` wrote.
  std::size_t span_count() const noexcept { return order_.size(); }

  /// The MIME type of an encoding, for Content-Type.
  static constexpr std::string_view content_type(OtlpEncoding encoding) noexcept {
    return encoding == OtlpEncoding::json ? "application/json" : "application/x-protobuf";
  }

 private:
  void group(ArrayView<const SpanData*> batch) {
    order_.clear();
    order_.reserve(batch.size());
    bool one_group = true;
    for (const SpanData* span : batch) {
      detail::OtlpSpanRef ref{&span->resource(), &span->scope(), span, static_cast<std::uint32_t>(order_.size())};
      if (!order_.empty() && !same_group(order_.back(), ref)) one_group = false;
      order_.push_back(ref);
    }
    // The usual batch (one provider, one scope) is one group already: no sort at all.
    if (one_group) return;
    std::sort(order_.begin(), order_.end(), [](const detail::OtlpSpanRef& a, const detail::OtlpSpanRef& b) {
      if (a.resource != b.resource) return std::less<const Resource*>()(a.resource, b.resource);
      if (a.scope != b.scope) return std::less<const InstrumentationScope*>()(a.scope, b.scope);
      return a.position < b.position;
    });
  }
  static bool same_group(const detail::OtlpSpanRef& a, const detail::OtlpSpanRef& b) noexcept {
    return a.resource == b.resource && a.scope == b.scope;
  }

  std::string buffer_;
  std::vector<detail::OtlpSpanRef> order_;
};

}  // namespace v0
}  // namespace tracewire
