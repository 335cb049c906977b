// Topology: the services, operations and calls tracewire-gen simulates, read from JSON.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "tracewire/core/attribute_value.hpp"
#include "tracewire/core/span_kind.hpp"
#include "tracewire_gen/random.hpp"

namespace tracewire_gen {

/// A bad topology file: the message starts with the JSON path of the bad field, e.g.
/// `services[2].operations[0].duration.min_ms: expected a number`.
class TopologyError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// A plain attribute value as written in the file (bool, integer, double or string).
struct Value {
  tracewire::AttributeType type = tracewire::AttributeType::string;
  bool boolean = false;
  std::int64_t integer = 0;
  double floating = 0;
  std::string text;

  tracewire::AttributeValue view() const noexcept {
    switch (type) {
      case tracewire::AttributeType::boolean:
        return boolean;
      case tracewire::AttributeType::int64:
        return integer;
      case tracewire::AttributeType::floating:
        return floating;
      default:
        return std::string_view(text);
    }
  }
};

/// One attribute of an operation or a call: a fixed value, one of a list, a random string
/// from a pool of `cardinality` distinct values, or a random integer in a range.
struct AttributeSpec {
  enum class Kind { fixed, one_of, random_string, int_range };
  std::string key;
  Kind kind = Kind::fixed;
  std::vector<Value> values;  // fixed: one; one_of: the list; random_string: the pool
  std::int64_t minimum = 0, maximum = 0;

  template <class Random>
  tracewire::AttributeValue pick(Random& random) const noexcept {
    switch (kind) {
      case Kind::fixed:
        return values.front().view();
      case Kind::int_range:
        return minimum + static_cast<std::int64_t>(random.below(static_cast<std::uint64_t>(maximum - minimum) + 1));
      default:
        return values[random.below(values.size())].view();
    }
  }
};

/// How long an operation's own work takes, in microseconds: uniform in [a, b], or
/// normal with mean a and standard deviation b (cut at 0).
struct Duration {
  enum class Kind { uniform, normal };
  Kind kind = Kind::uniform;
  double a = 1000, b = 1000;

  template <class Random>
  double draw(Random& random) const noexcept {
    const double value = kind == Kind::uniform ? random.uniform(a, b) : random.normal(a, b);
    return value < 1 ? 1 : value;
  }
};

/// How often an operation fails and what the failure looks like.
struct ErrorSpec {
  double rate = 0;
  std::string message = "internal error";  ///< the span's status description
  bool exception = false;                  ///< record an `exception` event
  std::string exception_type, exception_message, stacktrace;
  std::int64_t http_status = 0;  ///< sets http.response.status_code on failure (0: leave it)
  bool propagate = false;        ///< the failure fails every caller up to the root
};

/// A call from one operation to another (in its own or another service).
struct Call {
  std::size_t service = 0, operation = 0;
  double probability = 1;                 ///< the call happens with this probability
  unsigned repeat = 1;                    ///< and this many times
  std::vector<AttributeSpec> attributes;  ///< on the caller's client span
};

struct Operation {
  std::string name;
  tracewire::SpanKind kind = tracewire::SpanKind::server;
  Duration duration;
  std::vector<AttributeSpec> attributes;
  ErrorSpec error;
  std::vector<Call> calls;
  bool parallel = false;         ///< calls run at the same time instead of one after another
  bool has_http_status = false;  ///< declares http.response.status_code (set to 500 when a callee's failure propagates)
};

struct Service {
  std::string name;
  bool instrumented = true;  ///< false: a database or cache seen only through its callers' client spans
  std::vector<std::pair<std::string, Value>> resource;  ///< service.name, service.version, host.name, ...
  std::vector<Operation> operations;
};

struct EntryPoint {
  std::size_t service = 0, operation = 0;
  double weight = 1;
};

struct Topology {
  std::vector<Service> services;
  std::vector<EntryPoint> entry_points;
  double network_latency_us = 500;  ///< one way, per call between services

  const Operation& operation(std::size_t service, std::size_t op) const { return services[service].operations[op]; }
};

namespace detail {

inline std::string_view type_name(const nlohmann::json& value) { return value.type_name(); }

// A JSON value with the path that leads to it, so that every error names its field.
class Node {
 public:
  Node(const nlohmann::json& value, std::string path) : value_(value), path_(std::move(path)) {}

  const nlohmann::json& json() const noexcept { return value_; }
  const std::string& path() const noexcept { return path_; }
  [[noreturn]] void fail(std::string_view message) const {
    throw TopologyError(fmt::format("{}: {}", path_.empty() ? "(top level)" : path_, message));
  }

  bool has(const char* key) const { return value_.is_object() && value_.contains(key); }
  Node at(const char* key) const {
    if (!has(key)) fail(fmt::format("missing field \"{}\"", key));
    return child(key);
  }
  Node child(const char* key) const { return Node(value_.at(key), path_.empty() ? key : path_ + "." + key); }
  Node element(std::size_t i) const { return Node(value_.at(i), fmt::format("{}[{}]", path_, i)); }

  void expect_object(std::initializer_list<const char*> known) const {
    if (!value_.is_object()) fail(fmt::format("expected an object, found {}", type_name(value_)));
    for (const auto& item : value_.items()) {
      if (std::find_if(known.begin(), known.end(), [&](const char* k) { return item.key() == k; }) == known.end()) {
        std::string names;
        for (const char* k : known) names.append(names.empty() ? "" : ", ").append(k);
        Node(item.value(), path_ + "." + item.key()).fail(fmt::format("unknown field (expected one of {})", names));
      }
    }
  }
  std::size_t expect_array(bool non_empty) const {
    if (!value_.is_array()) fail(fmt::format("expected an array, found {}", type_name(value_)));
    if (non_empty && value_.empty()) fail("expected at least one element");
    return value_.size();
  }
  std::string string() const {
    if (!value_.is_string()) fail(fmt::format("expected a string, found {}", type_name(value_)));
    return value_.get<std::string>();
  }
  std::string name() const {
    std::string text = string();
    if (text.empty()) fail("expected a non-empty string");
    return text;
  }
  double number(double minimum, double maximum) const {
    if (!value_.is_number()) fail(fmt::format("expected a number, found {}", type_name(value_)));
    const double number = value_.get<double>();
    if (!(number >= minimum && number <= maximum)) fail(fmt::format("{} is not in [{}, {}]", number, minimum, maximum));
    return number;
  }
  std::int64_t integer(std::int64_t minimum, std::int64_t maximum) const {
    if (!value_.is_number_integer()) fail(fmt::format("expected an integer, found {}", value_.dump()));
    const std::int64_t number = value_.get<std::int64_t>();
    if (number < minimum || number > maximum) fail(fmt::format("{} is not in [{}, {}]", number, minimum, maximum));
    return number;
  }
  bool boolean() const {
    if (!value_.is_boolean()) fail(fmt::format("expected true or false, found {}", value_.dump()));
    return value_.get<bool>();
  }
  Value plain_value() const {
    Value value;
    if (value_.is_boolean()) {
      value.type = tracewire::AttributeType::boolean;
      value.boolean = value_.get<bool>();
    } else if (value_.is_number_integer()) {
      value.type = tracewire::AttributeType::int64;
      value.integer = value_.get<std::int64_t>();
    } else if (value_.is_number()) {
      value.type = tracewire::AttributeType::floating;
      value.floating = value_.get<double>();
    } else if (value_.is_string()) {
      value.text = value_.get<std::string>();
    } else {
      fail(fmt::format("expected a string, number or boolean, found {}", type_name(value_)));
    }
    return value;
  }

 private:
  const nlohmann::json& value_;
  std::string path_;
};

inline tracewire::SpanKind parse_kind(const Node& node) {
  const std::string kind = node.string();
  if (kind == "server") return tracewire::SpanKind::server;
  if (kind == "client") return tracewire::SpanKind::client;
  if (kind == "internal") return tracewire::SpanKind::internal;
  if (kind == "producer") return tracewire::SpanKind::producer;
  if (kind == "consumer") return tracewire::SpanKind::consumer;
  node.fail(fmt::format("\"{}\" is not a span kind (server, client, internal, producer, consumer)", kind));
}

inline Duration parse_duration(const Node& node) {
  node.expect_object({"min_ms", "max_ms", "mean_ms", "stddev_ms"});
  Duration duration;
  if (node.has("mean_ms") || node.has("stddev_ms")) {
    if (node.has("min_ms") || node.has("max_ms")) node.fail("give either min_ms and max_ms, or mean_ms and stddev_ms");
    duration.kind = Duration::Kind::normal;
    duration.a = node.at("mean_ms").number(0, 3.6e6) * 1000;
    duration.b = node.at("stddev_ms").number(0, 3.6e6) * 1000;
  } else {
    duration.a = node.at("min_ms").number(0, 3.6e6) * 1000;
    duration.b = node.at("max_ms").number(0, 3.6e6) * 1000;
    if (duration.b < duration.a) node.child("max_ms").fail("is less than min_ms");
  }
  return duration;
}

// A pool of `cardinality` distinct random strings of `length` characters, the same for
// the same attribute of the same service whatever the seed (dashboards keep their values
// across runs, and every operation of a service draws from one pool of users).
inline std::vector<Value> random_pool(std::uint64_t seed, std::size_t cardinality, std::size_t length) {
  static constexpr char alphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  Rng random(seed);
  std::vector<Value> pool(cardinality);
  for (std::size_t i = 0; i < cardinality; ++i) {
    std::string& text = pool[i].text;
    // The index in the last characters keeps the values distinct.
    text = fmt::format("{:x}", i);
    while (text.size() < length) text.insert(text.begin(), alphabet[random.below(sizeof alphabet - 1)]);
  }
  return pool;
}

inline std::vector<AttributeSpec> parse_attributes(const Node& node, std::string_view owner) {
  if (!node.json().is_object()) node.fail(fmt::format("expected an object, found {}", type_name(node.json())));
  std::vector<AttributeSpec> specs;
  for (const auto& item : node.json().items()) {
    AttributeSpec spec;
    spec.key = item.key();
    const Node value(item.value(), node.path() + "." + item.key());
    if (!item.value().is_object()) {
      spec.values.push_back(value.plain_value());
    } else if (value.has("one_of")) {
      value.expect_object({"one_of"});
      const Node list = value.child("one_of");
      const std::size_t count = list.expect_array(true);
      spec.kind = AttributeSpec::Kind::one_of;
      for (std::size_t i = 0; i < count; ++i) spec.values.push_back(list.element(i).plain_value());
    } else if (value.has("random_string")) {
      value.expect_object({"random_string"});
      const Node random = value.child("random_string");
      random.expect_object({"cardinality", "length"});
      const auto cardinality = static_cast<std::size_t>(random.at("cardinality").integer(1, 1000000));
      const auto length = random.has("length") ? static_cast<std::size_t>(random.at("length").integer(1, 256)) : 16;
      spec.kind = AttributeSpec::Kind::random_string;
      spec.values = random_pool(hash_name(spec.key, hash_name(owner)), cardinality, length);
    } else if (value.has("int_range")) {
      value.expect_object({"int_range"});
      const Node range = value.child("int_range");
      if (range.expect_array(true) != 2) range.fail("expected [minimum, maximum]");
      spec.kind = AttributeSpec::Kind::int_range;
      spec.minimum = range.element(0).integer(INT64_MIN / 2, INT64_MAX / 2);
      spec.maximum = range.element(1).integer(spec.minimum, INT64_MAX / 2);
    } else {
      value.fail("expected a value, or an object with one_of, random_string or int_range");
    }
    specs.push_back(std::move(spec));
  }
  return specs;
}

inline ErrorSpec parse_error(const Node& node) {
  node.expect_object({"rate", "message", "exception", "http_status", "propagate"});
  ErrorSpec error;
  error.rate = node.at("rate").number(0, 1);
  if (node.has("message")) error.message = node.at("message").string();
  if (node.has("http_status")) error.http_status = node.at("http_status").integer(100, 599);
  if (node.has("propagate")) error.propagate = node.at("propagate").boolean();
  if (node.has("exception")) {
    const Node exception = node.at("exception");
    exception.expect_object({"type", "message", "stacktrace"});
    error.exception = true;
    error.exception_type = exception.at("type").name();
    error.exception_message = exception.has("message") ? exception.at("message").string() : error.message;
    if (exception.has("stacktrace")) error.stacktrace = exception.at("stacktrace").string();
  }
  return error;
}

// Resolves `{"service": name, "operation": name}` against the parsed services.
inline std::pair<std::size_t, std::size_t> find_operation(const Topology& topology, const Node& node) {
  const std::string service = node.at("service").name();
  const std::string operation = node.at("operation").name();
  for (std::size_t s = 0; s < topology.services.size(); ++s) {
    if (topology.services[s].name != service) continue;
    const auto& operations = topology.services[s].operations;
    for (std::size_t o = 0; o < operations.size(); ++o) {
      if (operations[o].name == operation) return {s, o};
    }
    node.child("operation").fail(fmt::format("service \"{}\" has no operation \"{}\"", service, operation));
  }
  node.child("service").fail(fmt::format("no service named \"{}\"", service));
}

// Calls must not loop: every trace has to end.
inline void check_no_cycle(const Topology& topology, std::size_t service, std::size_t operation,
                           std::vector<std::pair<std::size_t, std::size_t>>& stack) {
  for (std::size_t i = 0; i < stack.size(); ++i) {
    if (stack[i] != std::make_pair(service, operation)) continue;
    std::string loop;
    for (std::size_t j = i; j < stack.size(); ++j) {
      loop += fmt::format("{}/{} -> ", topology.services[stack[j].first].name,
                          topology.operation(stack[j].first, stack[j].second).name);
    }
    loop += fmt::format("{}/{}", topology.services[service].name, topology.operation(service, operation).name);
    throw TopologyError(fmt::format("services[{}].operations[{}].calls: calls form a loop ({})", stack.back().first,
                                    stack.back().second, loop));
  }
  stack.emplace_back(service, operation);
  for (const Call& call : topology.operation(service, operation).calls)
    check_no_cycle(topology, call.service, call.operation, stack);
  stack.pop_back();
}

}  // namespace detail

/// Reads a topology (see tools/tracewire_gen/README.md for the format); throws
/// TopologyError naming the bad field.
inline Topology parse_topology(const nlohmann::json& document) {
  using detail::Node;
  const Node root(document, "");
  root.expect_object({"services", "entry_points", "network_latency_ms", "description"});
  Topology topology;
  if (root.has("network_latency_ms"))
    topology.network_latency_us = root.at("network_latency_ms").number(0, 60000) * 1000;

  const Node services = root.at("services");
  const std::size_t service_count = services.expect_array(true);
  struct PendingCall {
    std::size_t service, operation;
    Node node;
  };
  std::vector<PendingCall> pending_calls;
  for (std::size_t s = 0; s < service_count; ++s) {
    const Node node = services.element(s);
    node.expect_object({"name", "version", "instrumented", "resource", "operations"});
    Service service;
    service.name = node.at("name").name();
    for (const Service& other : topology.services) {
      if (other.name == service.name)
        node.child("name").fail(fmt::format("a second service named \"{}\"", service.name));
    }
    if (node.has("instrumented")) service.instrumented = node.at("instrumented").boolean();
    Value name_value;
    name_value.text = service.name;
    service.resource.emplace_back("service.name", name_value);
    if (node.has("version")) service.resource.emplace_back("service.version", node.at("version").plain_value());
    bool has_host = false;
    if (node.has("resource")) {
      const Node resource = node.at("resource");
      if (!resource.json().is_object()) resource.fail("expected an object");
      for (const auto& item : resource.json().items()) {
        if (item.key() == "service.name") Node(item.value(), resource.path() + ".service.name").fail("set by \"name\"");
        has_host = has_host || item.key() == "host.name";
        service.resource.emplace_back(item.key(), Node(item.value(), resource.path() + "." + item.key()).plain_value());
      }
    }
    if (!has_host) service.resource.emplace_back("host.name", name_value);

    const Node operations = node.at("operations");
    const std::size_t operation_count = operations.expect_array(true);
    for (std::size_t o = 0; o < operation_count; ++o) {
      const Node op_node = operations.element(o);
      op_node.expect_object({"name", "kind", "duration", "attributes", "error", "calls", "parallel"});
      Operation operation;
      operation.name = op_node.at("name").name();
      for (const Operation& other : service.operations) {
        if (other.name == operation.name)
          op_node.child("name").fail(fmt::format("a second operation named \"{}\"", operation.name));
      }
      operation.kind = op_node.has("kind")
                           ? detail::parse_kind(op_node.at("kind"))
                           : (service.instrumented ? tracewire::SpanKind::server : tracewire::SpanKind::client);
      operation.duration = detail::parse_duration(op_node.at("duration"));
      if (op_node.has("attributes")) {
        operation.attributes = detail::parse_attributes(op_node.at("attributes"), service.name);
      }
      for (const AttributeSpec& attribute : operation.attributes) {
        operation.has_http_status = operation.has_http_status || attribute.key == "http.response.status_code";
      }
      if (op_node.has("error")) operation.error = detail::parse_error(op_node.at("error"));
      if (op_node.has("parallel")) operation.parallel = op_node.at("parallel").boolean();
      if (op_node.has("calls")) {
        const Node calls = op_node.at("calls");
        const std::size_t count = calls.expect_array(false);
        if (!service.instrumented && count > 0)
          calls.fail("an uninstrumented service makes no calls that could be seen");
        for (std::size_t c = 0; c < count; ++c) pending_calls.push_back({s, o, calls.element(c)});
      }
      service.operations.push_back(std::move(operation));
    }
    topology.services.push_back(std::move(service));
  }

  // Calls name their targets, which may come later in the file: resolved once all are read.
  for (const PendingCall& pending : pending_calls) {
    const Node& call_node = pending.node;
    call_node.expect_object({"service", "operation", "probability", "repeat", "attributes"});
    Call call;
    std::tie(call.service, call.operation) = detail::find_operation(topology, call_node);
    if (call_node.has("probability")) call.probability = call_node.at("probability").number(0, 1);
    if (call_node.has("repeat")) call.repeat = static_cast<unsigned>(call_node.at("repeat").integer(1, 100));
    if (call_node.has("attributes"))
      call.attributes = detail::parse_attributes(call_node.at("attributes"), call_node.path());
    topology.services[pending.service].operations[pending.operation].calls.push_back(std::move(call));
  }

  const Node entries = root.at("entry_points");
  const std::size_t entry_count = entries.expect_array(true);
  for (std::size_t e = 0; e < entry_count; ++e) {
    const Node node = entries.element(e);
    node.expect_object({"service", "operation", "weight"});
    EntryPoint entry;
    std::tie(entry.service, entry.operation) = detail::find_operation(topology, node);
    if (!topology.services[entry.service].instrumented)
      node.child("service").fail("an entry point must be instrumented");
    if (node.has("weight")) entry.weight = node.at("weight").number(1e-9, 1e9);
    topology.entry_points.push_back(entry);
  }
  for (std::size_t s = 0; s < topology.services.size(); ++s) {
    for (std::size_t o = 0; o < topology.services[s].operations.size(); ++o) {
      std::vector<std::pair<std::size_t, std::size_t>> stack;
      detail::check_no_cycle(topology, s, o, stack);
    }
  }
  return topology;
}

/// Parses JSON text (a syntax error is reported with its position).
inline Topology parse_topology_text(std::string_view text) {
  nlohmann::json document;
  try {
    document = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& error) {
    throw TopologyError(fmt::format("not valid JSON: {}", error.what()));
  }
  return parse_topology(document);
}

/// A layered topology for load tests: `services` services in `depth` layers; each server
/// operation does some work of its own (an internal span), then calls `fanout` operations
/// of the next layer, in sequence or in parallel. Durations, rates and attributes are drawn
/// from `seed`, so one seed gives one shape.
inline Topology random_topology(unsigned services, unsigned depth, unsigned fanout, std::uint64_t seed = 1) {
  Rng random(seed);
  depth = std::max(1u, std::min(depth, services));
  Topology topology;
  std::vector<std::vector<std::size_t>> layers(depth);
  for (unsigned s = 0; s < services; ++s) {
    Service service;
    service.name = fmt::format("service-{}", s);
    Value text;
    text.text = service.name;
    service.resource.emplace_back("service.name", text);
    text.text = fmt::format("1.{}.{}", random.below(10), random.below(10));
    service.resource.emplace_back("service.version", text);
    text.text = fmt::format("{}-{:04x}", service.name, random.below(0x10000));
    service.resource.emplace_back("host.name", text);

    Operation server;
    server.name = fmt::format("GET /api/{}", s);
    server.kind = tracewire::SpanKind::server;
    const double low = random.uniform(200, 2000);
    server.duration.a = low;
    server.duration.b = low * random.uniform(1.5, 5);
    server.parallel = random.chance(0.5);
    server.has_http_status = true;
    AttributeSpec method{"http.request.method", AttributeSpec::Kind::fixed, {}, 0, 0};
    method.values.resize(1);
    method.values[0].text = "GET";
    AttributeSpec route{"http.route", AttributeSpec::Kind::fixed, {}, 0, 0};
    route.values.resize(1);
    route.values[0].text = server.name.substr(4);
    AttributeSpec status{"http.response.status_code", AttributeSpec::Kind::fixed, {}, 0, 0};
    status.values.resize(1);
    status.values[0].type = tracewire::AttributeType::int64;
    status.values[0].integer = 200;
    AttributeSpec user{"enduser.id", AttributeSpec::Kind::random_string,
                       detail::random_pool(hash_name(service.name), 1000, 12), 0, 0};
    server.attributes = {method, route, status, user};
    server.error.rate = 0.005;
    server.error.message = "upstream timeout";
    server.error.http_status = 503;

    Operation work;
    work.name = "process";
    work.kind = tracewire::SpanKind::internal;
    work.duration.a = low / 4;
    work.duration.b = low;
    AttributeSpec size{"batch.size", AttributeSpec::Kind::int_range, {}, 1, 100};
    work.attributes = {size};
    server.calls.push_back(Call{s, 1, 1, 1, {}});
    service.operations.push_back(std::move(server));
    service.operations.push_back(std::move(work));
    topology.services.push_back(std::move(service));
    layers[static_cast<std::size_t>(std::uint64_t(s) * depth / services)].push_back(s);
  }
  for (unsigned layer = 0; layer + 1 < depth; ++layer) {
    for (std::size_t s : layers[layer]) {
      for (unsigned f = 0; f < fanout; ++f) {
        const auto& next = layers[layer + 1];
        topology.services[s].operations[0].calls.push_back(Call{next[random.below(next.size())], 0, 1, 1, {}});
      }
    }
  }
  for (std::size_t s : layers[0]) topology.entry_points.push_back(EntryPoint{s, 0, 1});
  return topology;
}

}  // namespace tracewire_gen
