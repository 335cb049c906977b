// Environment: reading OTEL_* variables with the specification's rules.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tracewire/core/detail/ascii.hpp"
#include "tracewire/core/logger.hpp"

namespace tracewire {
inline namespace v0 {

/// Where configuration values come from. `ProcessEnvironment` reads the real environment;
/// tests use `MapEnvironment`. Nothing in tracewire reads the environment unless it is
/// given one of these.
class Environment {
 public:
  virtual ~Environment() = default;
  /// The variable's value; an empty value counts as unset (specification rule).
  virtual std::optional<std::string> get(std::string_view name) const = 0;
};

/// The process environment (getenv).
class ProcessEnvironment final : public Environment {
 public:
  std::optional<std::string> get(std::string_view name) const override {
    const char* value = std::getenv(std::string(name).c_str());
    if (value == nullptr || *value == '\0') return std::nullopt;
    return std::string(value);
  }
};

/// A fixed set of variables (tests, or configuration from a file).
class MapEnvironment final : public Environment {
 public:
  MapEnvironment() = default;
  MapEnvironment(std::initializer_list<std::pair<const std::string, std::string>> values) : values_(values) {}
  void set(std::string name, std::string value) { values_[std::move(name)] = std::move(value); }
  std::optional<std::string> get(std::string_view name) const override {
    auto found = values_.find(std::string(name));
    if (found == values_.end() || found->second.empty()) return std::nullopt;
    return found->second;
  }

 private:
  std::map<std::string, std::string> values_;
};

namespace detail {

/// Reports an invalid value once per variable and value; used by all readers below.
inline void warn_invalid(std::string_view name, std::string_view value, std::string_view expected,
                         std::string_view fallback) {
  log(LogLevel::warn, "invalid {}={:?}: expected {}; using {}", name, std::string(value), expected, fallback);
}

/// Splits on `separator`, trimming spaces and skipping empty items.
inline std::vector<std::string_view> split_list(std::string_view text, char separator = ',') {
  std::vector<std::string_view> items;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find(separator, start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view item = trim_spaces(text.substr(start, end - start));
    if (!item.empty()) items.push_back(item);
    start = end + 1;
  }
  return items;
}

}  // namespace detail

/// Typed readers. Each returns the default when the variable is unset, and when the value
/// is invalid it logs one warning naming the variable and the value, then returns the default.
namespace env {

/// Booleans: only a case-insensitive "true" is true; "false" is false; anything else warns.
inline bool get_bool(const Environment& environment, std::string_view name, bool fallback) {
  auto value = environment.get(name);
  if (!value) return fallback;
  std::string_view text = detail::trim_spaces(*value);
  if (detail::equals_ignore_case(text, "true")) return true;
  if (detail::equals_ignore_case(text, "false")) return false;
  detail::warn_invalid(name, *value, "true or false", fallback ? "true" : "false");
  return fallback;
}

/// A non-negative integer within [minimum, maximum].
inline std::uint64_t get_unsigned(const Environment& environment, std::string_view name, std::uint64_t fallback,
                                  std::uint64_t minimum = 0, std::uint64_t maximum = UINT64_MAX) {
  auto value = environment.get(name);
  if (!value) return fallback;
  std::string_view text = detail::trim_spaces(*value);
  std::uint64_t number = 0;
  bool valid = !text.empty() && text.size() <= 19;
  for (char c : text) {
    if (c < '0' || c > '9') {
      valid = false;
      break;
    }
    number = number * 10 + static_cast<std::uint64_t>(c - '0');
  }
  if (!valid || number < minimum || number > maximum) {
    detail::warn_invalid(name, *value, fmt::format("an integer in [{}, {}]", minimum, maximum),
                         std::to_string(fallback));
    return fallback;
  }
  return number;
}

/// A duration in milliseconds (the specification's unit for every OTEL_* timeout).
inline std::chrono::milliseconds get_milliseconds(const Environment& environment, std::string_view name,
                                                  std::chrono::milliseconds fallback) {
  return std::chrono::milliseconds(
      get_unsigned(environment, name, static_cast<std::uint64_t>(fallback.count()), 0, 365ULL * 24 * 3600 * 1000));
}

/// A floating-point number within [minimum, maximum].
inline double get_double(const Environment& environment, std::string_view name, double fallback, double minimum,
                         double maximum) {
  auto value = environment.get(name);
  if (!value) return fallback;
  std::string text(detail::trim_spaces(*value));
  char* end = nullptr;
  const double number = text.empty() ? 0.0 : std::strtod(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size() || !(number >= minimum && number <= maximum)) {
    detail::warn_invalid(name, *value, fmt::format("a number in [{}, {}]", minimum, maximum),
                         fmt::format("{}", fallback));
    return fallback;
  }
  return number;
}

/// One of `choices` (compared case-insensitively); returns it lowercased.
inline std::string get_choice(const Environment& environment, std::string_view name, std::string_view fallback,
                              std::initializer_list<std::string_view> choices) {
  auto value = environment.get(name);
  if (!value) return std::string(fallback);
  std::string lower = detail::to_lower(detail::trim_spaces(*value));
  for (std::string_view choice : choices) {
    if (lower == choice) return lower;
  }
  std::string expected;
  for (std::string_view choice : choices) expected.append(expected.empty() ? "" : ", ").append(choice);
  detail::warn_invalid(name, *value, "one of " + expected, std::string(fallback));
  return std::string(fallback);
}

/// An `http://` or `https://` URL with a host and no whitespace (an HTTP exporter's
/// endpoint); anything else would only fail at every export, so it is reported now.
inline std::string get_http_url(const Environment& environment, std::string_view name, std::string_view fallback) {
  auto value = environment.get(name);
  if (!value) return std::string(fallback);
  const std::string_view url = detail::trim_spaces(*value);
  const std::size_t scheme = detail::starts_with_ignore_case(url, "http://")    ? 7
                             : detail::starts_with_ignore_case(url, "https://") ? 8
                                                                                : 0;
  if (scheme != 0 && url.size() > scheme && url[scheme] != '/' &&
      url.find_first_of(" \t\r\n") == std::string_view::npos) {
    return std::string(url);
  }
  detail::warn_invalid(name, *value, "an http:// or https:// URL", fallback);
  return std::string(fallback);
}

/// The first set variable among `names` (e.g. the signal-specific one before the generic one).
inline std::optional<std::string> get_first(const Environment& environment,
                                            std::initializer_list<std::string_view> names) {
  for (std::string_view name : names) {
    if (auto value = environment.get(name)) return value;
  }
  return std::nullopt;
}

}  // namespace env
}  // namespace v0
}  // namespace tracewire
