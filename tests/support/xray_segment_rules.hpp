// The AWS X-Ray segment document rules, as a checker for the X-Ray tests.
#pragma once

#include <cctype>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace tracewire_test {

// Checks one segment document against the rules of the X-Ray developer guide ("AWS X-Ray
// segment documents", and PutTraceSegments' required fields), written from that text and
// sharing nothing with tracewire's encoder. Returns one message per violation, each
// starting with the JSON path of the field ("" when the document is valid):
//
// - a segment has `name`, `id`, `trace_id`, `start_time` and either `end_time` or
//   `in_progress: true`; a subsegment sent on its own also has `"type":"subsegment"` and
//   `parent_id`;
// - `name`: 1..200 characters of letters, digits, whitespace and `_ . : / % & # = + \ - @`;
// - ids are 16 hex digits; `trace_id` is `1-{8 hex}-{24 hex}`, and its time (the 8 digits,
//   epoch seconds) is at most 30 days before `now_seconds` and not after it (when given);
// - times are numbers (epoch seconds), `end_time` not before `start_time`;
// - only the documented fields, each with its documented type: `http.request` (method,
//   url, user_agent, client_ip strings; x_forwarded_for, traced booleans),
//   `http.response` (status, content_length integers); `error`/`throttle`/`fault`
//   booleans; `cause` an exception id (16 hex) or {working_directory, paths, exceptions
//   [{id, message, type, remote, truncated, skipped, cause, stack [{path, line, label}]}]};
//   `annotations` with keys of letters, digits and underscores only and string, number
//   or boolean values; `metadata` objects of any value; `namespace` `aws` or `remote`
//   (subsegments only); `service`, `user`, `origin` on segments only; `aws` objects;
//   `links` (the trace_id/id/attributes objects X-Ray reads since it accepts span links).
class XRaySegmentRules {
 public:
  explicit XRaySegmentRules(std::optional<std::int64_t> now_seconds = std::nullopt) : now_(now_seconds) {}

  std::vector<std::string> check(const nlohmann::json& document) const {
    std::vector<std::string> problems;
    if (!document.is_object()) {
      problems.push_back(": not an object");
      return problems;
    }
    const bool subsegment = document.contains("type");
    if (subsegment && document["type"] != "subsegment") problems.push_back("type: must be \"subsegment\"");
    for (const char* key : {"name", "id", "trace_id", "start_time"}) {
      if (!document.contains(key)) problems.push_back(std::string(key) + ": required");
    }
    if (subsegment && !document.contains("parent_id")) problems.push_back("parent_id: required in a subsegment");
    const bool in_progress = document.contains("in_progress") && document["in_progress"] == true;
    if (document.contains("end_time") == in_progress)
      problems.push_back("end_time: exactly one of end_time, in_progress");

    for (const auto& [key, value] : document.items()) {
      const std::string path = key;
      if (key == "name") {
        check_name(value, path, problems);
      } else if (key == "id" || key == "parent_id") {
        check_id(value, path, problems);
      } else if (key == "trace_id") {
        check_trace_id(value, path, problems);
      } else if (key == "start_time" || key == "end_time") {
        if (!value.is_number() || value.get<double>() <= 0) problems.push_back(path + ": a positive number");
      } else if (key == "in_progress" || key == "error" || key == "throttle" || key == "fault" || key == "traced") {
        if (!value.is_boolean()) problems.push_back(path + ": a boolean");
      } else if (key == "type") {
      } else if (key == "namespace") {
        if (!subsegment) problems.push_back(path + ": subsegments only");
        if (value != "aws" && value != "remote") problems.push_back(path + ": aws or remote");
      } else if (key == "service" || key == "user" || key == "origin" || key == "resource_arn") {
        if (subsegment) problems.push_back(path + ": segments only");
        if (key == "service") {
          check_object(value, path, {{"version", Type::string}}, problems);
        } else if (!value.is_string() || value.get<std::string>().empty()) {
          problems.push_back(path + ": a non-empty string");
        }
      } else if (key == "http") {
        check_http(value, path, problems);
      } else if (key == "cause") {
        check_cause(value, path, problems);
      } else if (key == "annotations") {
        check_annotations(value, path, problems);
      } else if (key == "metadata") {
        check_metadata(value, path, problems);
      } else if (key == "aws") {
        check_aws(value, path, problems);
      } else if (key == "links") {
        check_links(value, path, problems);
      } else if (key == "subsegments") {
        if (!value.is_array()) problems.push_back(path + ": an array");
      } else if (key == "precursor_ids") {
        if (!subsegment) problems.push_back(path + ": subsegments only");
        if (!value.is_array()) problems.push_back(path + ": an array");
      } else if (key == "sql") {
        if (!value.is_object()) problems.push_back(path + ": an object");
      } else {
        problems.push_back(path + ": not a segment document field");
      }
    }
    if (document.contains("start_time") && document.contains("end_time") && document["start_time"].is_number() &&
        document["end_time"].is_number() && document["end_time"].get<double>() < document["start_time"].get<double>()) {
      problems.push_back("end_time: before start_time");
    }
    return problems;
  }

 private:
  enum class Type { string, boolean, integer, number, object, array, any };

  static bool has_type(const nlohmann::json& value, Type type) {
    switch (type) {
      case Type::string:
        return value.is_string();
      case Type::boolean:
        return value.is_boolean();
      case Type::integer:
        return value.is_number_integer();
      case Type::number:
        return value.is_number();
      case Type::object:
        return value.is_object();
      case Type::array:
        return value.is_array();
      case Type::any:
        return true;
    }
    return false;
  }

  static void check_object(const nlohmann::json& value, const std::string& path,
                           const std::vector<std::pair<std::string, Type>>& fields,
                           std::vector<std::string>& problems) {
    if (!value.is_object()) {
      problems.push_back(path + ": an object");
      return;
    }
    for (const auto& [key, member] : value.items()) {
      bool known = false;
      for (const auto& [name, type] : fields) {
        if (name != key) continue;
        known = true;
        if (!has_type(member, type)) problems.push_back(path + "." + key + ": wrong type");
      }
      if (!known) problems.push_back(path + "." + key + ": not a documented field");
    }
  }

  static bool is_hex(const std::string& text) {
    for (char c : text) {
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) return false;
    }
    return true;
  }

  static void check_id(const nlohmann::json& value, const std::string& path, std::vector<std::string>& problems) {
    if (!value.is_string() || value.get<std::string>().size() != 16 || !is_hex(value.get<std::string>())) {
      problems.push_back(path + ": 16 hexadecimal digits");
    }
  }

  void check_trace_id(const nlohmann::json& value, const std::string& path, std::vector<std::string>& problems) const {
    const std::string text = value.is_string() ? value.get<std::string>() : std::string();
    if (text.size() != 35 || text.compare(0, 2, "1-") != 0 || text[10] != '-' || !is_hex(text.substr(2, 8)) ||
        !is_hex(text.substr(11))) {
      problems.push_back(path + ": 1-{8 hex digits}-{24 hex digits}");
      return;
    }
    if (now_) {
      const auto seconds = static_cast<std::int64_t>(std::stoull(text.substr(2, 8), nullptr, 16));
      if (seconds > *now_ || *now_ - seconds > 30LL * 24 * 3600) {
        problems.push_back(path + ": its time is not within the last 30 days");
      }
    }
  }

  static void check_name(const nlohmann::json& value, const std::string& path, std::vector<std::string>& problems) {
    if (!value.is_string()) {
      problems.push_back(path + ": a string");
      return;
    }
    const std::string name = value.get<std::string>();
    std::size_t characters = 0;
    for (std::size_t i = 0; i < name.size(); ++i) {
      const auto c = static_cast<unsigned char>(name[i]);
      if ((c & 0xc0) != 0x80) ++characters;
      if (c >= 0x80) continue;  // Unicode letters are allowed; this checker reads bytes
      const bool allowed = std::isalnum(c) || std::isspace(c) ||
                           std::string("_.:/%&#=+\\-@").find(static_cast<char>(c)) != std::string::npos;
      if (!allowed) problems.push_back(path + ": character '" + std::string(1, static_cast<char>(c)) + "' not allowed");
    }
    if (characters == 0 || characters > 200) problems.push_back(path + ": 1 to 200 characters");
  }

  static void check_http(const nlohmann::json& value, const std::string& path, std::vector<std::string>& problems) {
    check_object(value, path, {{"request", Type::object}, {"response", Type::object}}, problems);
    if (!value.is_object()) return;
    if (value.contains("request")) {
      check_object(value["request"], path + ".request",
                   {{"method", Type::string},
                    {"url", Type::string},
                    {"user_agent", Type::string},
                    {"client_ip", Type::string},
                    {"x_forwarded_for", Type::boolean},
                    {"traced", Type::boolean}},
                   problems);
    }
    if (value.contains("response")) {
      check_object(value["response"], path + ".response",
                   {{"status", Type::integer}, {"content_length", Type::integer}}, problems);
    }
  }

  static void check_cause(const nlohmann::json& value, const std::string& path, std::vector<std::string>& problems) {
    if (value.is_string()) {
      check_id(value, path, problems);
      return;
    }
    check_object(value, path,
                 {{"working_directory", Type::string}, {"paths", Type::array}, {"exceptions", Type::array}}, problems);
    if (!value.is_object() || !value.contains("exceptions") || !value["exceptions"].is_array()) return;
    std::size_t index = 0;
    for (const auto& exception : value["exceptions"]) {
      const std::string at = path + ".exceptions[" + std::to_string(index++) + "]";
      check_object(exception, at,
                   {{"id", Type::string},
                    {"message", Type::string},
                    {"type", Type::string},
                    {"remote", Type::boolean},
                    {"truncated", Type::integer},
                    {"skipped", Type::integer},
                    {"cause", Type::string},
                    {"stack", Type::array}},
                   problems);
      if (!exception.is_object()) continue;
      if (!exception.contains("id")) problems.push_back(at + ".id: required");
      if (exception.contains("id")) check_id(exception["id"], at + ".id", problems);
      if (exception.contains("stack") && exception["stack"].is_array()) {
        for (const auto& frame : exception["stack"]) {
          check_object(frame, at + ".stack[]",
                       {{"path", Type::string}, {"line", Type::integer}, {"label", Type::string}}, problems);
        }
      }
    }
  }

  static void check_annotations(const nlohmann::json& value, const std::string& path,
                                std::vector<std::string>& problems) {
    if (!value.is_object()) {
      problems.push_back(path + ": an object");
      return;
    }
    for (const auto& [key, annotation] : value.items()) {
      bool alphanumeric = !key.empty();
      for (char c : key) alphanumeric = alphanumeric && (std::isalnum(static_cast<unsigned char>(c)) || c == '_');
      if (!alphanumeric) problems.push_back(path + "." + key + ": keys are letters, digits and underscores");
      if (!annotation.is_string() && !annotation.is_number() && !annotation.is_boolean()) {
        problems.push_back(path + "." + key + ": a string, number or boolean");
      }
    }
  }

  static void check_metadata(const nlohmann::json& value, const std::string& path, std::vector<std::string>& problems) {
    if (!value.is_object()) {
      problems.push_back(path + ": an object");
      return;
    }
    for (const auto& [ns, members] : value.items()) {
      if (ns.rfind("AWS.", 0) == 0) problems.push_back(path + "." + ns + ": the AWS. namespace is reserved");
      if (!members.is_object()) problems.push_back(path + "." + ns + ": an object");
    }
  }

  static void check_aws(const nlohmann::json& value, const std::string& path, std::vector<std::string>& problems) {
    check_object(value, path,
                 {{"account_id", Type::string},
                  {"ecs", Type::object},
                  {"ec2", Type::object},
                  {"eks", Type::object},
                  {"elastic_beanstalk", Type::object},
                  {"xray", Type::object},
                  {"operation", Type::string},
                  {"region", Type::string},
                  {"request_id", Type::string},
                  {"queue_url", Type::string},
                  {"table_name", Type::string},
                  {"retries", Type::integer}},
                 problems);
    if (!value.is_object()) return;
    if (value.contains("ec2")) {
      check_object(value["ec2"], path + ".ec2",
                   {{"instance_id", Type::string},
                    {"availability_zone", Type::string},
                    {"instance_size", Type::string},
                    {"ami_id", Type::string}},
                   problems);
    }
    if (value.contains("ecs")) {
      check_object(value["ecs"], path + ".ecs",
                   {{"container", Type::string},
                    {"container_id", Type::string},
                    {"availability_zone", Type::string},
                    {"container_arn", Type::string},
                    {"cluster_arn", Type::string},
                    {"task_arn", Type::string},
                    {"task_family", Type::string},
                    {"launch_type", Type::string}},
                   problems);
    }
    if (value.contains("eks")) {
      check_object(value["eks"], path + ".eks",
                   {{"cluster_name", Type::string}, {"pod", Type::string}, {"container_id", Type::string}}, problems);
    }
    if (value.contains("elastic_beanstalk")) {
      check_object(
          value["elastic_beanstalk"], path + ".elastic_beanstalk",
          {{"environment_name", Type::string}, {"version_label", Type::string}, {"deployment_id", Type::integer}},
          problems);
    }
    if (value.contains("xray")) {
      check_object(value["xray"], path + ".xray",
                   {{"sdk", Type::string}, {"sdk_version", Type::string}, {"auto_instrumentation", Type::boolean}},
                   problems);
    }
  }

  void check_links(const nlohmann::json& value, const std::string& path, std::vector<std::string>& problems) const {
    if (!value.is_array()) {
      problems.push_back(path + ": an array");
      return;
    }
    for (const auto& link : value) {
      check_object(link, path + "[]", {{"trace_id", Type::string}, {"id", Type::string}, {"attributes", Type::object}},
                   problems);
      if (!link.is_object()) continue;
      if (link.contains("id")) check_id(link["id"], path + "[].id", problems);
      if (link.contains("trace_id")) check_trace_id(link["trace_id"], path + "[].trace_id", problems);
    }
  }

  std::optional<std::int64_t> now_;
};

// Every violation of `document`, joined (empty when valid): `CHECK(xray_problems(doc) == "")`.
inline std::string xray_problems(const nlohmann::json& document,
                                 std::optional<std::int64_t> now_seconds = std::nullopt) {
  std::string text;
  for (const std::string& problem : XRaySegmentRules(now_seconds).check(document)) text += problem + "; ";
  return text;
}

}  // namespace tracewire_test
