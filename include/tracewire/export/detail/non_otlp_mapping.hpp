// What the non-OTLP formats (Jaeger, Zipkin, the console) share: attribute values as text, the service name.
#pragma once

#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>

#include <fmt/format.h>

#include "tracewire/core/attribute_value.hpp"
#include "tracewire/core/resource.hpp"
#include "tracewire/export/detail/json_writer.hpp"

namespace tracewire {
inline namespace v0 {
namespace detail {

/// The service name every non-OTLP format needs: `service.name`, else the SDK default
/// (specification: an exporter without one uses the default resource's `unknown_service`).
inline std::string_view service_name_or_default(const Resource& resource) noexcept {
  const std::string_view name = resource.service_name();
  return name.empty() ? std::string_view("unknown_service") : name;
}

/// Appends a double the way the non-OTLP mappings want it: the shortest text that reads
/// back to the same value, and `NaN`, `Infinity`, `-Infinity` for the values that have no
/// digits (the spellings Java's and JavaScript's exporters produce).
inline void append_double_text(std::string& out, double value) {
  if (std::isnan(value)) {
    out += "NaN";
  } else if (std::isinf(value)) {
    out += value > 0 ? "Infinity" : "-Infinity";
  } else {
    fmt::format_to(std::back_inserter(out), "{}", value);
  }
}

/// Writes an attribute value as a typed JSON value: string, `true`/`false`, integer,
/// number (NaN and infinities as JsonWriter spells them), or an array of those.
inline void write_attribute_json(JsonWriter& json, const AttributeValue& value) {
  value.visit([&](const auto& held) {
    using T = std::decay_t<decltype(held)>;
    if constexpr (std::is_same_v<T, bool> || std::is_same_v<T, std::int64_t> || std::is_same_v<T, double> ||
                  std::is_same_v<T, std::string_view>) {
      json.value(held);
    } else {
      json.begin_array();
      for (const auto& element : held) json.value(element);
      json.end_array();
    }
  });
}

/// Appends an array attribute as a JSON list (`["a","b"]`, `[1,2]`, `[true,false]`), the
/// specification's rule for formats without arrays. Strings are JSON-escaped.
inline void append_array_json(std::string& out, const AttributeValue& value) {
  JsonWriter json(out);
  write_attribute_json(json, value);
}

/// Appends any attribute value as text: strings as they are, booleans as `true`/`false`,
/// integers in decimal, doubles by `append_double_text`, arrays by `append_array_json`.
inline void append_attribute_text(std::string& out, const AttributeValue& value) {
  value.visit([&](const auto& held) {
    using T = std::decay_t<decltype(held)>;
    if constexpr (std::is_same_v<T, std::string_view>) {
      out.append(held.data(), held.size());
    } else if constexpr (std::is_same_v<T, bool>) {
      out += held ? "true" : "false";
    } else if constexpr (std::is_same_v<T, std::int64_t>) {
      fmt::format_to(std::back_inserter(out), "{}", held);
    } else if constexpr (std::is_same_v<T, double>) {
      append_double_text(out, held);
    } else {
      append_array_json(out, value);
    }
  });
}

}  // namespace detail
}  // namespace v0
}  // namespace tracewire
