// XRayEncoder: an OpenTelemetry span as an AWS X-Ray segment document.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "tracewire/core/attribute_value.hpp"
#include "tracewire/core/detail/hex.hpp"
#include "tracewire/core/detail/utf8.hpp"
#include "tracewire/core/span_data.hpp"
#include "tracewire/export/detail/json_writer.hpp"
#include "tracewire/export/detail/non_otlp_mapping.hpp"

namespace tracewire {
inline namespace v0 {

/// What the X-Ray mapping indexes.
struct XRayEncoderOptions {
  /// Attribute keys recorded as X-Ray annotations (indexed, usable in filter expressions);
  /// every other attribute goes to `metadata.default`. A resource attribute is indexed by
  /// its metadata name, `otel.resource.<key>`. `OTEL_EXPORTER_XRAY_INDEXED_ATTRIBUTES`.
  std::vector<std::string> indexed_attributes;
  /// Index every attribute of an annotatable type (`*` in the variable).
  bool index_all_attributes = false;
};

namespace detail {

/// Whether `c` (ASCII) may appear in a segment name: letters, digits, whitespace and
/// `_ . : / % & # = + \ - @` (AWS's segment document rules).
constexpr bool is_xray_name_char(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == ' ' || c == '\t' ||
         c == '_' || c == '.' || c == ':' || c == '/' || c == '%' || c == '&' || c == '#' || c == '=' || c == '+' ||
         c == '\\' || c == '-' || c == '@';
}

/// A segment name X-Ray accepts: characters it does not allow are removed and the rest is
/// cut to 200 characters; an empty result becomes `span` (the collector's rule). Characters
/// beyond ASCII are kept: X-Ray allows Unicode letters and digits, and telling them from
/// Unicode symbols would need the Unicode tables.
inline std::string xray_segment_name(std::string_view text) {
  std::string name;
  name.reserve(text.size());
  std::size_t characters = 0;
  for (std::size_t i = 0; i < text.size() && characters < 200;) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte < 0x80) {
      if (is_xray_name_char(text[i])) {
        name += text[i];
        ++characters;
      }
      ++i;
      continue;
    }
    const std::size_t length = utf8_sequence_length(text, i);
    if (length == 0) {  // not UTF-8: dropped like any other character X-Ray refuses
      ++i;
      continue;
    }
    name.append(text.substr(i, length));
    ++characters;
    i += length;
  }
  return name.empty() ? std::string("span") : name;
}

/// An annotation key X-Ray indexes: letters and digits kept, anything else replaced by `_`
/// (AWS: "keys must be alphanumeric ... underscore is allowed").
inline std::string xray_annotation_key(std::string_view key) {
  std::string out(key);
  for (char& c : out) {
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) c = '_';
  }
  return out;
}

/// The X-Ray form of a trace id, `1-{first 8 hex digits}-{other 24}` (35 characters).
inline void write_xray_trace_id(const TraceId& trace_id, char* out) noexcept {
  char hex[32];
  trace_id.write_hex(hex);
  out[0] = '1';
  out[1] = '-';
  for (int i = 0; i < 8; ++i) out[2 + i] = hex[i];
  out[10] = '-';
  for (int i = 0; i < 24; ++i) out[11 + i] = hex[8 + i];
}

/// Whether X-Ray would accept `trace_id` at `now_unix_seconds`: the time in its first 4
/// bytes is at most 30 days old and not in the future (5 minutes of clock skew allowed).
inline bool is_xray_trace_id(const TraceId& trace_id, std::int64_t now_unix_seconds) noexcept {
  const auto epoch = static_cast<std::int64_t>(trace_id.high() >> 32);
  const std::int64_t age = now_unix_seconds - epoch;
  return age <= 30LL * 24 * 3600 && age >= -5 * 60;
}

}  // namespace detail

/// Writes the segment document AWS X-Ray reads for one span, following the OpenTelemetry
/// Collector's `awsxrayexporter` translator:
///
/// - a SERVER span, or a span without a parent, is a **segment** named by `service.name`;
///   any other span is a **subsegment** (`"type":"subsegment"` with `parent_id`, sent on
///   its own) named by `peer.service`, `aws.service`, `db.name` (`@` the host of
///   `db.connection_string`), `rpc.service`, `http.host`/`server.address`,
///   `net.peer.name`, else the span name; names are sanitised to X-Ray's characters and
///   200 characters. CLIENT spans get `"namespace":"remote"`, AWS SDK calls (`rpc.system`
///   `aws-api`, or `aws.service`) `"aws"`;
/// - `id`, `parent_id` (16 hex), `trace_id` (`1-{8 hex}-{24 hex}`), `start_time` and
///   `end_time` in epoch seconds with exactly 6 decimals (microseconds);
/// - `http.request` (`method`, `url`, `client_ip`, `x_forwarded_for`, `user_agent`) and
///   `http.response` (`status`, `content_length`) from the HTTP semantic conventions, the
///   current names (`http.request.method`, `url.full`, `client.address`, ...) first, then
///   the older ones (`http.method`, `http.url`, `http.client_ip`, ...); a URL is built from
///   scheme, host, port and target when no full URL is given;
/// - `error` (4xx), `throttle` (429), `fault` (5xx, or status Error without a 4xx/5xx),
///   always written; `cause.exceptions` from the `exception` events (`type`, `message`,
///   `remote` for CLIENT/PRODUCER spans), or one exception with the status description
///   when the status is Error and there is no exception event;
/// - `annotations`: the attributes named in the options (and those listed in a span's
///   `aws.xray.annotations` string array), strings, numbers and booleans only, keys
///   sanitised to `[A-Za-z0-9_]`; everything else in `metadata.default` under its own key
///   (arrays as arrays), and on segments the resource attributes as `otel.resource.<key>`;
/// - on segments: `aws` (`xray.sdk` "<telemetry.sdk.name> for <language>", `sdk_version`,
///   `account_id`, `ec2`/`ecs`/`eks`/`elastic_beanstalk` from the resource's cloud
///   attributes), `origin` (`AWS::EC2::Instance`, ...), `service.version`, `user` from
///   `enduser.id`; on every document `aws.operation`/`region`/`request_id`/`queue_url`/
///   `table_name` from the AWS span attributes; no `aws` block when `cloud.provider` is
///   another cloud;
/// - `links` as the collector writes them (`trace_id`, `id`, `attributes`).
///
/// Attributes that fill a block (HTTP, AWS, `enduser.id`) are not repeated in metadata.
/// Exception stack traces are not parsed into X-Ray frames (the collector does so per
/// language); they stay on the span's event, which X-Ray does not receive. Not
/// thread-safe: one encoder per exporter.
///
/// **Example**: `std::string document; XRayEncoder().encode(span, document);`
class XRayEncoder {
 public:
  explicit XRayEncoder(XRayEncoderOptions options = {}) : options_(std::move(options)) {}

  /// True if `span` maps to a subsegment (it is not a SERVER span and has a parent).
  static bool is_subsegment(const SpanData& span) noexcept {
    return span.kind() != SpanKind::server && span.parent_span_id().is_valid();
  }

  /// Appends the segment document of `span` (one JSON object, no daemon header) to `out`.
  void encode(const SpanData& span, std::string& out) {
    const bool subsegment = is_subsegment(span);
    consumed_.clear();
    annotation_keys_.clear();
    detail::JsonWriter json(out);
    json.begin_object();
    json.schema_key("name");
    json.value(detail::xray_segment_name(subsegment ? subsegment_name(span)
                                                    : detail::service_name_or_default(span.resource())));
    json.schema_key("id");
    json.value_hex(span.span_id().bytes().data(), SpanId::size);
    char trace_id[35];
    detail::write_xray_trace_id(span.trace_id(), trace_id);
    json.schema_key("trace_id");
    json.value(std::string_view(trace_id, sizeof trace_id));
    json.schema_key("start_time");
    write_seconds(json, span.start_time_unix_nano());
    json.schema_key("end_time");
    write_seconds(json, std::max(span.end_time_unix_nano(), span.start_time_unix_nano()));
    if (span.parent_span_id().is_valid()) {
      json.schema_key("parent_id");
      json.value_hex(span.parent_span_id().bytes().data(), SpanId::size);
    }
    if (subsegment) {
      json.schema_key("type");
      json.value("subsegment");
    }
    if (const std::string_view ns = namespace_of(span); !ns.empty()) {
      json.schema_key("namespace");
      json.value(ns);
    }
    if (!subsegment) write_segment_fields(json, span);
    const std::int64_t status = write_http(json, span);
    write_flags_and_cause(json, span, status);
    write_aws(json, span, subsegment);
    write_annotations(json, span, subsegment);
    write_metadata(json, span, subsegment);
    write_links(json, span);
    json.end_object();
    json.finish();
  }

  const XRayEncoderOptions& options() const noexcept { return options_; }

 private:
  // ---- naming ----

  static std::string_view string_attribute(const SpanData& span, std::string_view key) noexcept {
    const AttributeValue* value = span.attribute(key);
    const std::string_view* text = value ? value->get_if<std::string_view>() : nullptr;
    return text ? *text : std::string_view();
  }
  static std::string_view resource_string(const SpanData& span, std::string_view key) noexcept {
    const AttributeValue* value = span.resource().attributes().get(key);
    const std::string_view* text = value ? value->get_if<std::string_view>() : nullptr;
    return text ? *text : std::string_view();
  }

  static bool is_aws_sdk_span(const SpanData& span) noexcept {
    return string_attribute(span, "rpc.system") == "aws-api";
  }

  // The collector's order: the remote service's name first, the operation's last.
  static std::string subsegment_name(const SpanData& span) {
    for (std::string_view key : {"peer.service", "aws.service"}) {
      if (const std::string_view name = string_attribute(span, key); !name.empty()) return std::string(name);
    }
    if (const std::string_view database = string_attribute(span, "db.name"); !database.empty()) {
      std::string name(database);
      const std::string_view host = url_host(string_attribute(span, "db.connection_string"));
      if (!host.empty()) name.append("@").append(host);
      return name;
    }
    for (std::string_view key : {"rpc.service", "http.host", "server.address", "net.peer.name"}) {
      if (const std::string_view name = string_attribute(span, key); !name.empty()) return std::string(name);
    }
    return std::string(span.name());
  }

  // The host of `scheme://host[:port]/...` (a `jdbc:` prefix ignored), or empty.
  static std::string_view url_host(std::string_view url) noexcept {
    if (url.substr(0, 5) == "jdbc:") url.remove_prefix(5);
    const std::size_t scheme = url.find("://");
    if (scheme == std::string_view::npos) return {};
    url.remove_prefix(scheme + 3);
    url = url.substr(0, url.find_first_of("/?#"));
    if (const std::size_t at = url.rfind('@'); at != std::string_view::npos) url.remove_prefix(at + 1);
    if (!url.empty() && url.front() == '[') return url.substr(1, url.find(']') - 1);
    return url.substr(0, url.find(':'));
  }

  static std::string_view namespace_of(const SpanData& span) noexcept {
    if (is_aws_sdk_span(span)) return "aws";
    if (span.attribute("aws.service") && string_attribute(span, "peer.service").empty()) return "aws";
    return span.kind() == SpanKind::client ? "remote" : std::string_view();
  }

  // ---- segment-only fields: origin, service, user ----

  void write_segment_fields(detail::JsonWriter& json, const SpanData& span) {
    if (const std::string_view origin = aws_origin(span); !origin.empty()) {
      json.schema_key("origin");
      json.value(origin);
    }
    std::string_view version = resource_string(span, "service.version");
    if (version.empty()) version = resource_string(span, "container.image.tag");
    if (!version.empty()) {
      json.schema_key("service");
      json.begin_object();
      json.schema_key("version");
      json.value(version);
      json.end_object();
    }
    if (const std::string_view user = string_attribute(span, "enduser.id"); !user.empty()) {
      json.schema_key("user");
      json.value(user);
      consumed_.push_back("enduser.id");
    }
  }

  static std::string_view aws_origin(const SpanData& span) noexcept {
    const std::string_view provider = resource_string(span, "cloud.provider");
    if (!provider.empty() && provider != "aws") return {};
    const std::string_view platform = resource_string(span, "cloud.platform");
    if (platform == "aws_ec2") return "AWS::EC2::Instance";
    if (platform == "aws_eks") return "AWS::EKS::Container";
    if (platform == "aws_elastic_beanstalk") return "AWS::ElasticBeanstalk::Environment";
    if (platform == "aws_app_runner") return "AWS::AppRunner::Service";
    if (platform == "aws_ecs") {
      const std::string_view launch = resource_string(span, "aws.ecs.launchtype");
      return launch == "ec2" ? "AWS::ECS::EC2" : launch == "fargate" ? "AWS::ECS::Fargate" : "AWS::ECS::Container";
    }
    return {};
  }

  // ---- http ----

  // The first of `keys` the span has (the current semantic-convention name first); it is
  // remembered so that metadata does not repeat it.
  const AttributeValue* take(const SpanData& span, std::initializer_list<std::string_view> keys) {
    for (std::string_view key : keys) {
      if (const AttributeValue* value = span.attribute(key)) {
        pending_http_.push_back(key);
        return value;
      }
    }
    return nullptr;
  }
  static std::string_view text_of(const AttributeValue* value) noexcept {
    const std::string_view* text = value ? value->get_if<std::string_view>() : nullptr;
    return text ? *text : std::string_view();
  }
  static const std::int64_t* int_of(const AttributeValue* value) noexcept {
    return value ? value->get_if<std::int64_t>() : nullptr;
  }

  /// Writes the `http` block if the span has HTTP attributes; returns the response status
  /// (0 if none).
  std::int64_t write_http(detail::JsonWriter& json, const SpanData& span) {
    pending_http_.clear();
    const bool server = span.kind() == SpanKind::server;
    const AttributeValue* method = take(span, {"http.request.method", "http.method"});
    const AttributeValue* full_url = take(span, {"url.full", "http.url"});
    const AttributeValue* forwarded_ip = take(span, {"http.client_ip"});
    const AttributeValue* client_ip = forwarded_ip ? forwarded_ip : take(span, {"client.address"});
    if (!client_ip && server) client_ip = take(span, {"network.peer.address", "net.sock.peer.addr", "net.peer.ip"});
    const AttributeValue* user_agent = take(span, {"user_agent.original", "http.user_agent"});
    const AttributeValue* status = take(span, {"http.response.status_code", "http.status_code"});
    const AttributeValue* length = take(span, {"http.response.body.size", "http.response_content_length"});
    const std::int64_t* status_code = int_of(status);
    const bool has_http = method || full_url || client_ip || user_agent || status;
    if (!has_http) return 0;  // the URL parts below stay in metadata

    std::string url(text_of(full_url));
    if (url.empty()) {
      const AttributeValue* scheme = take(span, {"url.scheme", "http.scheme"});
      const AttributeValue* host =
          server ? take(span, {"http.host", "server.address", "http.server_name", "net.host.name"})
                 : take(span, {"http.host", "server.address", "net.peer.name", "network.peer.address", "net.peer.ip"});
      const AttributeValue* port =
          server ? take(span, {"server.port", "net.host.port"}) : take(span, {"server.port", "net.peer.port"});
      const AttributeValue* target = take(span, {"http.target"});
      const AttributeValue* path = target ? nullptr : take(span, {"url.path"});
      const AttributeValue* query = target ? nullptr : take(span, {"url.query"});
      if (!text_of(host).empty()) {
        const std::string_view scheme_text = text_of(scheme).empty() ? "http" : text_of(scheme);
        url.append(scheme_text).append("://").append(text_of(host));
        std::string port_text(text_of(port));
        if (const std::int64_t* number = int_of(port)) port_text = std::to_string(*number);
        if (!port_text.empty() && !(scheme_text == "http" && port_text == "80") &&
            !(scheme_text == "https" && port_text == "443")) {
          url.append(":").append(port_text);
        }
        if (target) {
          url.append(text_of(target));
        } else if (!text_of(path).empty()) {
          url.append(text_of(path));
          if (!text_of(query).empty()) url.append("?").append(text_of(query));
        } else {
          url.append("/");
        }
      }
    }

    json.schema_key("http");
    json.begin_object();
    json.schema_key("request");
    json.begin_object();
    if (!text_of(method).empty()) {
      json.schema_key("method");
      json.value(text_of(method));
    }
    if (!url.empty()) {
      json.schema_key("url");
      json.value(url);
    }
    if (!text_of(client_ip).empty()) {
      json.schema_key("client_ip");
      json.value(text_of(client_ip));
      if (forwarded_ip) {
        json.schema_key("x_forwarded_for");
        json.value(true);
      }
    }
    if (!text_of(user_agent).empty()) {
      json.schema_key("user_agent");
      json.value(text_of(user_agent));
    }
    json.end_object();
    const std::int64_t* content_length = int_of(length);
    if (status_code || content_length) {
      json.schema_key("response");
      json.begin_object();
      if (status_code) {
        json.schema_key("status");
        json.value(*status_code);
      }
      if (content_length) {
        json.schema_key("content_length");
        json.value(*content_length);
      }
      json.end_object();
    }
    json.end_object();
    consumed_.insert(consumed_.end(), pending_http_.begin(), pending_http_.end());
    return status_code ? *status_code : 0;
  }

  // ---- error, fault, throttle, cause ----

  void write_flags_and_cause(detail::JsonWriter& json, const SpanData& span, std::int64_t status) {
    const bool is_error_status = span.status_code() == StatusCode::error;
    const bool client_error = status >= 400 && status <= 499;
    const bool server_error = status >= 500 && status <= 599;
    json.schema_key("fault");
    json.value(server_error || (!client_error && is_error_status));
    json.schema_key("error");
    json.value(client_error);
    json.schema_key("throttle");
    json.value(status == 429);

    bool has_exceptions = false;
    for (const SpanEvent& event : span.events()) has_exceptions = has_exceptions || event.name == "exception";
    if (!has_exceptions && (!is_error_status || span.status_message().empty())) return;
    const bool remote = span.kind() == SpanKind::client || span.kind() == SpanKind::producer;
    json.schema_key("cause");
    json.begin_object();
    json.schema_key("exceptions");
    json.begin_array();
    std::uint64_t index = 0;
    const auto write_exception = [&](std::string_view type, std::string_view message, bool with_remote) {
      json.begin_object();
      json.schema_key("id");
      write_exception_id(json, span.span_id(), ++index);
      if (!type.empty()) {
        json.schema_key("type");
        json.value(type);
      }
      if (!message.empty()) {
        json.schema_key("message");
        json.value(message);
      }
      if (with_remote) {
        json.schema_key("remote");
        json.value(remote);
      }
      json.end_object();
    };
    if (has_exceptions) {
      for (const SpanEvent& event : span.events()) {
        if (event.name != "exception") continue;
        std::string_view type, message;
        for (const KeyValue& attribute : event.attributes) {
          if (attribute.key == "exception.type") type = text_of(&attribute.value);
          if (attribute.key == "exception.message") message = text_of(&attribute.value);
        }
        write_exception(type, message, true);
      }
    } else {
      write_exception({}, span.status_message(), false);
    }
    json.end_array();
    json.end_object();
  }

  // Exception ids are 16 hex digits, unique within the trace: derived from the span's id
  // and the exception's position, so that re-encoding a span gives the same document.
  static void write_exception_id(detail::JsonWriter& json, const SpanId& span_id, std::uint64_t index) {
    std::uint64_t x = span_id.to_u64() + index * 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    x ^= x >> 31;
    std::uint8_t bytes[8];
    for (int i = 0; i < 8; ++i) bytes[i] = static_cast<std::uint8_t>(x >> (56 - 8 * i));
    json.value_hex(bytes, sizeof bytes);
  }

  // ---- aws ----

  void write_aws(detail::JsonWriter& json, const SpanData& span, bool subsegment) {
    const std::string_view provider = resource_string(span, "cloud.provider");
    if (!provider.empty() && provider != "aws") return;
    bool open = false;
    const auto member = [&](std::string_view key) {
      if (!open) {
        json.schema_key("aws");
        json.begin_object();
        open = true;
      }
      json.schema_key(key);
    };
    const auto string_member = [&](std::string_view key, std::string_view value) {
      if (value.empty()) return;
      member(key);
      json.value(value);
    };
    // Span attributes describing an AWS call, on segments and subsegments alike.
    const auto span_string = [&](std::initializer_list<std::string_view> keys) {
      for (std::string_view key : keys) {
        if (const std::string_view value = string_attribute(span, key); !value.empty()) {
          consumed_.push_back(key);
          return value;
        }
      }
      return std::string_view();
    };
    std::string_view account = span_string({"aws.account_id"});
    string_member("operation", span_string({"aws.operation", "rpc.method"}));
    string_member("region", span_string({"aws.region"}));
    string_member("request_id", span_string({"aws.request_id", "aws.requestId"}));
    string_member("queue_url", span_string({"aws.queue_url", "aws.queueUrl"}));
    string_member("table_name", span_string({"aws.table_name", "aws.tableName"}));
    if (!subsegment) {
      if (account.empty()) account = resource_string(span, "cloud.account.id");
      write_aws_resource(json, span, member);
    }
    string_member("account_id", account);
    if (open) json.end_object();
  }

  template <class Member>
  static void write_aws_resource(detail::JsonWriter& json, const SpanData& span, const Member& member) {
    const auto object = [&](std::string_view key,
                            std::initializer_list<std::pair<std::string_view, std::string_view>> fields) {
      member(key);
      json.begin_object();
      for (const auto& [name, value] : fields) {
        if (value.empty()) continue;
        json.schema_key(name);
        json.value(value);
      }
      json.end_object();
    };
    const std::string_view platform = resource_string(span, "cloud.platform");
    const std::string_view zone = resource_string(span, "cloud.availability_zone");
    const std::string_view host_id = resource_string(span, "host.id");
    const std::string_view container_id = resource_string(span, "container.id");
    if (platform == "aws_ec2" || !host_id.empty()) {
      object("ec2", {{"instance_id", host_id},
                     {"availability_zone", zone},
                     {"instance_size", resource_string(span, "host.type")},
                     {"ami_id", resource_string(span, "host.image.id")}});
    }
    if (platform == "aws_ecs") {
      object("ecs", {{"container", resource_string(span, "container.name")},
                     {"container_id", container_id},
                     {"availability_zone", zone},
                     {"container_arn", resource_string(span, "aws.ecs.container.arn")},
                     {"cluster_arn", resource_string(span, "aws.ecs.cluster.arn")},
                     {"task_arn", resource_string(span, "aws.ecs.task.arn")},
                     {"task_family", resource_string(span, "aws.ecs.task.family")},
                     {"launch_type", resource_string(span, "aws.ecs.launchtype")}});
    }
    const std::string_view cluster = resource_string(span, "k8s.cluster.name");
    if (platform == "aws_eks" || !cluster.empty()) {
      object(
          "eks",
          {{"cluster_name", cluster}, {"pod", resource_string(span, "k8s.pod.name")}, {"container_id", container_id}});
    }
    const std::string_view deployment = resource_string(span, "service.instance.id");
    if (platform == "aws_elastic_beanstalk" && !deployment.empty()) {
      member("elastic_beanstalk");
      json.begin_object();
      json.schema_key("environment_name");
      json.value(resource_string(span, "service.namespace"));
      json.schema_key("version_label");
      json.value(resource_string(span, "service.version"));
      json.schema_key("deployment_id");
      json.value(decimal_or_zero(deployment));
      json.end_object();
    }
    // `X-Ray SDK for Java` is X-Ray's convention; the collector writes `<sdk> for <language>`.
    const std::string_view sdk = resource_string(span, "telemetry.sdk.name");
    const std::string_view language = resource_string(span, "telemetry.sdk.language");
    std::string sdk_name(sdk);
    if (!sdk.empty() && !language.empty()) sdk_name.append(" for ").append(language);
    member("xray");
    json.begin_object();
    if (!sdk_name.empty()) {
      json.schema_key("sdk");
      json.value(sdk_name);
    }
    if (const std::string_view version = resource_string(span, "telemetry.sdk.version"); !version.empty()) {
      json.schema_key("sdk_version");
      json.value(version);
    }
    json.schema_key("auto_instrumentation");
    json.value(!resource_string(span, "telemetry.auto.version").empty() ||
               !resource_string(span, "telemetry.distro.version").empty());
    json.end_object();
  }

  // The collector's ParseInt: a decimal number, else 0.
  static std::int64_t decimal_or_zero(std::string_view text) noexcept {
    std::int64_t number = 0;
    if (text.empty() || text.size() > 18) return 0;
    for (char c : text) {
      if (c < '0' || c > '9') return 0;
      number = number * 10 + (c - '0');
    }
    return number;
  }

  // ---- annotations and metadata ----

  static bool is_annotatable(const AttributeValue& value) noexcept {
    const AttributeType type = value.type();
    return type == AttributeType::boolean || type == AttributeType::int64 || type == AttributeType::floating ||
           type == AttributeType::string;
  }

  bool is_consumed(std::string_view key) const noexcept {
    if (key == "aws.xray.annotations") return true;
    for (std::string_view consumed : consumed_) {
      if (consumed == key) return true;
    }
    return false;
  }

  bool is_indexed(const SpanData& span, std::string_view key) const noexcept {
    if (options_.index_all_attributes) return true;
    for (const std::string& indexed : options_.indexed_attributes) {
      if (indexed == key) return true;
    }
    // A span may name its own annotations, as the collector reads them.
    if (const AttributeValue* listed = span.attribute("aws.xray.annotations")) {
      if (const auto* keys = listed->get_if<ArrayView<std::string_view>>()) {
        for (std::string_view listed_key : *keys) {
          if (listed_key == key) return true;
        }
      }
    }
    return false;
  }

  // Resource attributes are written on segments only, under `otel.resource.<key>`.
  template <class Visit>
  void for_each_attribute(const SpanData& span, bool subsegment, Visit&& visit) {
    if (!subsegment) {
      for (const KeyValue& attribute : span.resource().attributes()) {
        resource_key_.assign("otel.resource.").append(attribute.key);
        visit(std::string_view(resource_key_), attribute.value);
      }
    }
    for (const KeyValue& attribute : span.attributes()) {
      if (!is_consumed(attribute.key)) visit(attribute.key, attribute.value);
    }
  }

  void write_annotations(detail::JsonWriter& json, const SpanData& span, bool subsegment) {
    bool open = false;
    for_each_attribute(span, subsegment, [&](std::string_view key, const AttributeValue& value) {
      if (!is_annotatable(value) || !is_indexed(span, key)) return;
      std::string sanitized = detail::xray_annotation_key(key);
      for (const std::string& written : annotation_keys_) {
        if (written == sanitized) return;  // two keys that sanitise alike: the first wins
      }
      if (!open) {
        json.schema_key("annotations");
        json.begin_object();
        open = true;
      }
      json.key(sanitized);
      // X-Ray keeps at most 1,000 characters of an annotation value.
      if (const auto* text = value.get_if<std::string_view>()) {
        json.value(detail::truncate_utf8(*text, 1000));
      } else {
        detail::write_attribute_json(json, value);
      }
      annotation_keys_.push_back(std::move(sanitized));
    });
    if (open) json.end_object();
  }

  void write_metadata(detail::JsonWriter& json, const SpanData& span, bool subsegment) {
    bool open = false;
    for_each_attribute(span, subsegment, [&](std::string_view key, const AttributeValue& value) {
      if (is_annotatable(value) && is_indexed(span, key)) return;
      if (!open) {
        json.schema_key("metadata");
        json.begin_object();
        json.schema_key("default");
        json.begin_object();
        open = true;
      }
      json.key(key);
      detail::write_attribute_json(json, value);
    });
    if (open) {
      json.end_object();
      json.end_object();
    }
  }

  // ---- links ----

  static void write_links(detail::JsonWriter& json, const SpanData& span) {
    if (span.links().empty()) return;
    json.schema_key("links");
    json.begin_array();
    for (const SpanLink& link : span.links()) {
      json.begin_object();
      char trace_id[35];
      detail::write_xray_trace_id(link.context.trace_id, trace_id);
      json.schema_key("trace_id");
      json.value(std::string_view(trace_id, sizeof trace_id));
      json.schema_key("id");
      json.value_hex(link.context.span_id.bytes().data(), SpanId::size);
      if (!link.attributes.empty()) {
        json.schema_key("attributes");
        json.begin_object();
        for (const KeyValue& attribute : link.attributes) {
          json.key(attribute.key);
          detail::write_attribute_json(json, attribute.value);
        }
        json.end_object();
      }
      json.end_object();
    }
    json.end_array();
  }

  // Epoch seconds with exactly six decimals: `1700000000.123456` is exact, where a double
  // would round the microseconds of a current time.
  static void write_seconds(detail::JsonWriter& json, std::uint64_t unix_nano) {
    const std::uint64_t micros = unix_nano / 1000;
    char text[40];
    const auto end = fmt::format_to(text, "{}.{:06}", micros / 1000000, micros % 1000000);
    json.raw_value(std::string_view(text, static_cast<std::size_t>(end - text)));
  }

  XRayEncoderOptions options_;
  std::vector<std::string_view> consumed_;      // span attributes written in a block, not in metadata
  std::vector<std::string_view> pending_http_;  // HTTP attributes read, consumed if the block is written
  std::vector<std::string> annotation_keys_;    // sanitised keys already written
  std::string resource_key_;
};

}  // namespace v0
}  // namespace tracewire
