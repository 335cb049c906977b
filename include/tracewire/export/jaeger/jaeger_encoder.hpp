// JaegerEncoder: OpenTelemetry spans as Jaeger Thrift batches, for the agent and the collector.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "tracewire/core/attribute_value.hpp"
#include "tracewire/core/resource.hpp"
#include "tracewire/core/span_data.hpp"
#include "tracewire/export/detail/non_otlp_mapping.hpp"
#include "tracewire/export/jaeger/detail/thrift_writer.hpp"
#include "tracewire/semconv.hpp"

namespace tracewire {
inline namespace v0 {

namespace detail {

/// Calls `fn(resource, spans)` once per distinct Resource in `batch`, in order of first
/// appearance, keeping the spans' order. A Jaeger Batch has one Process, so spans from
/// two providers cannot share one. The common case (one resource) passes `batch` itself;
/// otherwise `scratch` holds each group.
template <class Fn>
void for_each_resource_group(ArrayView<const SpanData*> batch, std::vector<const SpanData*>& scratch, Fn&& fn) {
  if (batch.empty()) return;
  const Resource* first = &batch[0]->resource();
  bool mixed = false;
  for (const SpanData* span : batch) mixed = mixed || &span->resource() != first;
  if (!mixed) {
    fn(*first, batch);
    return;
  }
  for (std::size_t i = 0; i < batch.size(); ++i) {
    const Resource* resource = &batch[i]->resource();
    bool seen = false;
    for (std::size_t k = 0; k < i && !seen; ++k) seen = &batch[k]->resource() == resource;
    if (seen) continue;
    scratch.clear();
    for (std::size_t k = i; k < batch.size(); ++k) {
      if (&batch[k]->resource() == resource) scratch.push_back(batch[k]);
    }
    fn(*resource, ArrayView<const SpanData*>(scratch.data(), scratch.size()));
  }
}

}  // namespace detail

/// Encodes finished spans as Jaeger Thrift (`jaeger.thrift` / `agent.thrift` of
/// jaegertracing/jaeger-idl), in the compact or the binary protocol, mapping the
/// OpenTelemetry model the way the specification's Jaeger and non-OTLP mappings and the
/// Collector's translator do:
///
/// - trace id → `traceIdHigh`/`traceIdLow` (big-endian halves as signed i64; a 64-bit id
///   has high 0), span and parent ids likewise; `flags` 1 when sampled (only the sampled
///   bit: W3C's random bit 0x02 would read as Jaeger's debug bit);
/// - start time and duration in microseconds (truncated);
/// - references: CHILD_OF the parent first, then FOLLOWS_FROM per link;
/// - tags: `otel.scope.name`/`otel.scope.version` and their deprecated aliases
///   `otel.library.*`, the attributes (string/double/bool/long tags; arrays as a JSON
///   list string), `span.kind` in lowercase (none for internal), `otel.status_code`
///   OK/ERROR (none for unset), `error=true` and `otel.status_description` on error,
///   `w3c.tracestate`, and non-zero `otel.dropped_{attributes,events,links}_count`;
/// - events → logs: an `event` field with the name (unless an attribute `event` exists),
///   the attributes, and `otel.dropped_attributes_count`;
/// - Process: `serviceName` from `service.name` (`unknown_service` without one) and the
///   other resource attributes as tags; spans from different resources go to different
///   Batches.
///
/// Spans are encoded once into a reusable buffer and copied into as many packets as the
/// size limit requires, so no span is lost to an oversized datagram; a span that cannot
/// fit alone is skipped and counted. Not thread-safe: one encoder per exporter.
class JaegerEncoder {
 public:
  explicit JaegerEncoder(ThriftProtocol protocol = ThriftProtocol::compact) : protocol_(protocol) {}

  ThriftProtocol protocol() const noexcept { return protocol_; }

  /// Encodes `batch` as one-way `Agent.emitBatch` messages (what an agent reads from one
  /// UDP datagram), none larger than `max_packet_size` bytes, calling
  /// `sink(std::string_view packet, std::size_t span_count)` for each. Returns the number
  /// of spans skipped because one alone exceeds the limit.
  template <class Sink>
  std::size_t encode_agent_packets(ArrayView<const SpanData*> batch, std::size_t max_packet_size, Sink&& sink) {
    return encode(batch, true, max_packet_size, sink);
  }

  /// Encodes `batch` as bare `Batch` structs (a Jaeger collector's `POST /api/traces`
  /// body), one per resource, calling `sink(std::string_view body, std::size_t span_count)`.
  template <class Sink>
  void encode_collector_batches(ArrayView<const SpanData*> batch, Sink&& sink) {
    encode(batch, false, std::numeric_limits<std::size_t>::max(), sink);
  }

  // ---- building blocks, public so tests can drive a writer directly ----

  /// One Tag struct for an attribute value (as a list element).
  template <class Writer>
  void write_tag(Writer& writer, std::string_view key, const AttributeValue& value) {
    value.visit([&](const auto& held) {
      using T = std::decay_t<decltype(held)>;
      if constexpr (std::is_same_v<T, std::string_view>) {
        write_string_tag(writer, key, held);
      } else if constexpr (std::is_same_v<T, bool>) {
        begin_tag(writer, key, TagType::boolean);
        writer.field_bool(5, held);
        writer.struct_end();
      } else if constexpr (std::is_same_v<T, std::int64_t>) {
        write_long_tag(writer, key, held);
      } else if constexpr (std::is_same_v<T, double>) {
        begin_tag(writer, key, TagType::float64);
        writer.field_double(4, held);
        writer.struct_end();
      } else {
        scratch_.clear();
        detail::append_array_json(scratch_, value);
        write_string_tag(writer, key, scratch_);
      }
    });
  }
  template <class Writer>
  static void write_string_tag(Writer& writer, std::string_view key, std::string_view value) {
    begin_tag(writer, key, TagType::string);
    writer.field_binary(3, value);
    writer.struct_end();
  }
  template <class Writer>
  static void write_long_tag(Writer& writer, std::string_view key, std::int64_t value) {
    begin_tag(writer, key, TagType::int64);
    writer.field_i64(6, value);
    writer.struct_end();
  }
  /// A BINARY tag. The OpenTelemetry attribute model has no byte arrays, so spans never
  /// produce one; it is here for Process tags a caller adds and for completeness.
  template <class Writer>
  static void write_binary_tag(Writer& writer, std::string_view key, std::string_view bytes) {
    begin_tag(writer, key, TagType::binary);
    writer.field_binary(7, bytes);
    writer.struct_end();
  }

  /// The Process struct's fields (call between `field_struct_begin(1)` and `struct_end`).
  template <class Writer>
  void write_process_fields(Writer& writer, const Resource& resource) {
    writer.field_binary(1, detail::service_name_or_default(resource));
    std::uint32_t count = 0;
    for (const KeyValue& attribute : resource.attributes()) count += attribute.key != semconv::service::name;
    if (count == 0) return;
    writer.field_list_begin(2, detail::ThriftType::structure, count);
    for (const KeyValue& attribute : resource.attributes()) {
      if (attribute.key != semconv::service::name) write_tag(writer, attribute.key, attribute.value);
    }
  }

  /// One Span struct (as a list element).
  template <class Writer>
  void write_span(Writer& writer, const SpanData& span) {
    using detail::ThriftType;
    writer.struct_begin();
    const TraceId& trace_id = span.trace_id();
    writer.field_i64(1, static_cast<std::int64_t>(trace_id.low()));
    writer.field_i64(2, static_cast<std::int64_t>(trace_id.high()));
    writer.field_i64(3, static_cast<std::int64_t>(span.span_id().to_u64()));
    const bool has_parent = span.parent_span_id().is_valid();
    writer.field_i64(4, static_cast<std::int64_t>(span.parent_span_id().to_u64()));
    writer.field_binary(5, span.name());

    const std::size_t reference_count = (has_parent ? 1 : 0) + span.links().size();
    if (reference_count > 0) {
      writer.field_list_begin(6, ThriftType::structure, static_cast<std::uint32_t>(reference_count));
      if (has_parent) write_reference(writer, ReferenceType::child_of, trace_id, span.parent_span_id());
      for (const SpanLink& link : span.links()) {
        write_reference(writer, ReferenceType::follows_from, link.context.trace_id, link.context.span_id);
      }
    }

    writer.field_i32(7, span.context().sampled() ? 1 : 0);
    const std::uint64_t start = span.start_time_unix_nano();
    const std::uint64_t end = span.end_time_unix_nano();
    writer.field_i64(8, static_cast<std::int64_t>(start / 1000));
    writer.field_i64(9, static_cast<std::int64_t>(end > start ? (end - start) / 1000 : 0));

    write_span_tags(writer, span);

    if (!span.events().empty()) {
      writer.field_list_begin(11, ThriftType::structure, static_cast<std::uint32_t>(span.events().size()));
      for (const SpanEvent& event : span.events()) write_log(writer, event);
    }
    writer.struct_end();
  }

 private:
  enum class TagType : std::int32_t { string = 0, float64 = 1, boolean = 2, int64 = 3, binary = 4 };
  enum class ReferenceType : std::int32_t { child_of = 0, follows_from = 1 };

  template <class Writer>
  static void begin_tag(Writer& writer, std::string_view key, TagType type) {
    writer.struct_begin();
    writer.field_binary(1, key);
    writer.field_i32(2, static_cast<std::int32_t>(type));
  }

  template <class Writer>
  static void write_reference(Writer& writer, ReferenceType type, const TraceId& trace_id, const SpanId& span_id) {
    writer.struct_begin();
    writer.field_i32(1, static_cast<std::int32_t>(type));
    writer.field_i64(2, static_cast<std::int64_t>(trace_id.low()));
    writer.field_i64(3, static_cast<std::int64_t>(trace_id.high()));
    writer.field_i64(4, static_cast<std::int64_t>(span_id.to_u64()));
    writer.struct_end();
  }

  // An `error` attribute is replaced by the `error=true` tag when the status is Error
  // (the mapping says the added tag may override it; two tags with one key would not).
  static bool replaced_by_status(const SpanData& span, const KeyValue& attribute) noexcept {
    return span.status_code() == StatusCode::error && attribute.key == "error";
  }

  template <class Writer>
  void write_span_tags(Writer& writer, const SpanData& span) {
    const InstrumentationScope& scope = span.scope();
    const std::string_view kind = span.kind() == SpanKind::internal ? std::string_view() : to_string(span.kind());
    const StatusCode status = span.status_code();
    const bool has_trace_state = !span.context().trace_state.empty();

    std::uint32_t count = 2 * (!scope.name.empty() + !scope.version.empty());
    for (const KeyValue& attribute : span.attributes()) count += !replaced_by_status(span, attribute);
    count += !kind.empty();
    count += status != StatusCode::unset;
    count += status == StatusCode::error ? 1 + !span.status_message().empty() : 0;
    count += has_trace_state;
    count +=
        (span.dropped_attributes_count() != 0) + (span.dropped_events_count() != 0) + (span.dropped_links_count() != 0);
    if (count == 0) return;

    writer.field_list_begin(10, detail::ThriftType::structure, count);
    if (!scope.name.empty()) {
      write_string_tag(writer, semconv::otel::scope_name, scope.name);
      write_string_tag(writer, "otel.library.name", scope.name);
    }
    if (!scope.version.empty()) {
      write_string_tag(writer, semconv::otel::scope_version, scope.version);
      write_string_tag(writer, "otel.library.version", scope.version);
    }
    for (const KeyValue& attribute : span.attributes()) {
      if (!replaced_by_status(span, attribute)) write_tag(writer, attribute.key, attribute.value);
    }
    if (!kind.empty()) write_string_tag(writer, "span.kind", kind);
    if (status != StatusCode::unset) write_string_tag(writer, semconv::otel::status_code, to_string(status));
    if (status == StatusCode::error) {
      begin_tag(writer, "error", TagType::boolean);
      writer.field_bool(5, true);
      writer.struct_end();
      if (!span.status_message().empty()) {
        write_string_tag(writer, semconv::otel::status_description, span.status_message());
      }
    }
    if (has_trace_state) {
      scratch_ = span.context().trace_state.to_header(std::numeric_limits<std::size_t>::max());
      write_string_tag(writer, "w3c.tracestate", scratch_);
    }
    if (span.dropped_attributes_count() != 0) {
      write_long_tag(writer, "otel.dropped_attributes_count", span.dropped_attributes_count());
    }
    if (span.dropped_events_count() != 0)
      write_long_tag(writer, "otel.dropped_events_count", span.dropped_events_count());
    if (span.dropped_links_count() != 0) write_long_tag(writer, "otel.dropped_links_count", span.dropped_links_count());
  }

  template <class Writer>
  void write_log(Writer& writer, const SpanEvent& event) {
    bool has_event_attribute = false;
    for (const KeyValue& attribute : event.attributes) has_event_attribute |= attribute.key == "event";
    const bool write_name = !event.name.empty() && !has_event_attribute;
    const std::size_t count = write_name + event.attributes.size() + (event.dropped_attributes_count != 0);

    writer.struct_begin();
    writer.field_i64(1, static_cast<std::int64_t>(event.time_unix_nano / 1000));
    writer.field_list_begin(2, detail::ThriftType::structure, static_cast<std::uint32_t>(count));
    if (write_name) write_string_tag(writer, "event", event.name);
    for (const KeyValue& attribute : event.attributes) write_tag(writer, attribute.key, attribute.value);
    if (event.dropped_attributes_count != 0) {
      write_long_tag(writer, "otel.dropped_attributes_count", event.dropped_attributes_count);
    }
    writer.struct_end();
  }

  template <class Sink>
  std::size_t encode(ArrayView<const SpanData*> batch, bool as_message, std::size_t max_size, Sink& sink) {
    std::size_t too_large = 0;
    detail::for_each_resource_group(batch, group_, [&](const Resource& resource, ArrayView<const SpanData*> spans) {
      if (protocol_ == ThriftProtocol::compact) {
        too_large += encode_group<detail::ThriftCompactWriter>(resource, spans, as_message, max_size, sink);
      } else {
        too_large += encode_group<detail::ThriftBinaryWriter>(resource, spans, as_message, max_size, sink);
      }
    });
    return too_large;
  }

  // Every span is written once into `spans_` (a compact struct's field ids are relative
  // to its own struct, so each encoding stands alone); each packet is then the message
  // header, the Batch prefix (process and the spans field header), a list header, the
  // encoded spans that fit, and the stop bytes.
  template <class Writer, class Sink>
  std::size_t encode_group(const Resource& resource, ArrayView<const SpanData*> spans, bool as_message,
                           std::size_t max_size, Sink& sink) {
    prefix_.clear();
    Writer prefix(prefix_);
    prefix.struct_begin();
    prefix.field_struct_begin(1);
    write_process_fields(prefix, resource);
    prefix.struct_end();
    prefix.field_begin(2, detail::ThriftType::list);
    prefix.finish();

    spans_.clear();
    ends_.clear();
    Writer span_writer(spans_);
    for (const SpanData* span : spans) {
      write_span(span_writer, *span);
      ends_.push_back(span_writer.size());
    }
    span_writer.finish();

    const std::size_t stop_bytes = as_message ? 2 : 1;  // Batch stop, then the arguments' stop
    std::size_t too_large = 0;
    std::size_t next = 0;
    while (next < spans.size()) {
      packet_.clear();
      Writer packet(packet_);
      if (as_message) {
        packet.message_begin("emitBatch", detail::ThriftMessageType::oneway,
                             static_cast<std::int32_t>(sequence_id_ + 1));
        packet.struct_begin();
        packet.field_struct_begin(1);
      }
      packet.raw(prefix_);
      // Greedy: take spans in order while they fit; a span that cannot fit even alone is
      // skipped (and counted) without closing the packet.
      const std::size_t fixed = packet.size() + stop_bytes;
      chosen_.clear();
      std::size_t bytes = 0;
      std::size_t index = next;
      for (; index < spans.size(); ++index) {
        const std::size_t span_bytes = ends_[index] - (index == 0 ? 0 : ends_[index - 1]);
        if (fixed + Writer::list_header_size(1) + span_bytes > max_size) {
          ++too_large;
          continue;
        }
        const auto count = static_cast<std::uint32_t>(chosen_.size() + 1);
        if (fixed + Writer::list_header_size(count) + bytes + span_bytes > max_size) break;
        chosen_.push_back(index);
        bytes += span_bytes;
      }
      next = index;
      if (chosen_.empty()) continue;  // only oversized spans were left
      packet.list_begin(detail::ThriftType::structure, static_cast<std::uint32_t>(chosen_.size()));
      for (std::size_t chosen : chosen_) {
        const std::size_t begin = chosen == 0 ? 0 : ends_[chosen - 1];
        packet.raw(std::string_view(spans_).substr(begin, ends_[chosen] - begin));
      }
      packet.raw(std::string_view("\0\0", stop_bytes));
      packet.finish();
      if (as_message) ++sequence_id_;
      sink(std::string_view(packet_), chosen_.size());
    }
    return too_large;
  }

  ThriftProtocol protocol_;
  std::uint32_t sequence_id_ = 0;
  std::string prefix_;
  std::string spans_;
  std::vector<std::size_t> ends_;
  std::vector<std::size_t> chosen_;
  std::string packet_;
  std::string scratch_;
  std::vector<const SpanData*> group_;
};

}  // namespace v0
}  // namespace tracewire
