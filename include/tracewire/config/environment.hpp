// Environment: reading OTEL_* variables with the specification's rules.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tracewire/core/detail/ascii.hpp"
#include "tracewire/core/detail/host_port.hpp"
#include "tracewire/core/detail/percent_encoding.hpp"
#include "tracewire/core/detail/quote.hpp"
#include "tracewire/core/logger.hpp"

namespace tracewire {
inline namespace v0 {

/// The default value of `OTEL_PROPAGATORS` (here because both `make_propagator_from_environment`
/// and `TracerConfig` apply it, and neither should include the other).
inline constexpr std::string_view default_propagators = "tracecontext,baggage";

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

/// Remembers which (variable, value) pairs have been reported, so that a configuration
/// read again — a second provider, every exporter reading the OTLP variables, a process
/// that reconfigures — does not repeat its warnings. Bounded: it keeps a hash per pair
/// (not the value, which may be long or secret), and past `max_entries` pairs it stops
/// remembering (and so reports again) rather than grow.
class ReportedValues {
 public:
  static constexpr std::size_t max_entries = 4096;

  /// True the first time `variable` with `value` is seen.
  bool first(std::string_view variable, std::string_view value) {
    const std::size_t key = std::hash<std::string_view>()(variable) * 31 + std::hash<std::string_view>()(value);
    std::lock_guard<std::mutex> lock(mutex_);
    if (seen_.count(key) != 0) return false;
    if (seen_.size() < max_entries) seen_.insert(key);
    return true;
  }

  /// Forgets everything reported (tests that expect a warning they may have caused before).
  void clear() {
    std::lock_guard<std::mutex> lock(mutex_);
    seen_.clear();
  }

  /// The process-wide instance every configuration reader reports through.
  static ReportedValues& instance() {
    static ReportedValues values;
    return values;
  }

 private:
  std::mutex mutex_;
  std::set<std::size_t> seen_;
};

/// Logs a configuration problem once per variable and value (see ReportedValues): the
/// message is formatted only when it is logged.
template <class... Args>
void warn_once(std::string_view variable, std::string_view value, fmt::format_string<Args...> format,
               Args&&... args) noexcept {
  try {
    if (ReportedValues::instance().first(variable, value)) log(LogLevel::warn, format, std::forward<Args>(args)...);
  } catch (...) {}
}

/// The longest duration a `*_TIMEOUT` or `*_DELAY` variable may hold: a year (beyond, a typo).
inline constexpr std::uint64_t max_milliseconds = 365ULL * 24 * 3600 * 1000;

/// Reports an invalid value once per variable and value, naming both (the value quoted and
/// cut to a readable length); used by all readers below.
inline void warn_invalid(std::string_view name, std::string_view value, std::string_view expected,
                         std::string_view fallback) {
  warn_once(name, value, "invalid {}={}: expected {}; using {}", name, quote(value), expected, fallback);
}

/// Why `url` cannot be an exporter's endpoint, or nullopt when it can be one: `http://` or
/// `https://` (any case), then a host — a name, an IPv4 address or an `[IPv6]` literal,
/// optionally after `user:password@` — then an optional `:port` in 1–65535 (empty means the
/// scheme's default), then an optional path; no whitespace or control character anywhere.
/// With `allow_host_port`, a scheme-less `host[:port]` is accepted as well (gRPC targets).
/// What it catches are the values that cannot work: `http://` (which `v1/traces` would
/// otherwise turn into a host named `v1`), `http://[::1`, `http://host:0`, `:99999`.
inline std::optional<std::string> endpoint_problem(std::string_view url, bool allow_host_port = false) {
  for (char c : url) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) return std::string("whitespace or a control character");
  }
  std::string_view rest;
  if (starts_with_ignore_case(url, "http://")) {
    rest = url.substr(7);
  } else if (starts_with_ignore_case(url, "https://")) {
    rest = url.substr(8);
  } else if (allow_host_port && url.find("://") == std::string_view::npos) {
    if (url.find('/') != std::string_view::npos) return std::string("a path without a scheme");
    rest = url;
  } else {
    return std::string("no http:// or https:// scheme");
  }
  std::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
  if (const std::size_t at = authority.rfind('@'); at != std::string_view::npos) authority.remove_prefix(at + 1);
  std::string_view host;
  std::optional<std::string_view> port;
  if (!authority.empty() && authority.front() == '[') {
    const std::size_t close = authority.find(']');
    if (close == std::string_view::npos) return std::string("an unclosed '[' in the host");
    host = authority.substr(1, close - 1);
    const std::string_view after = authority.substr(close + 1);
    if (!after.empty() && after.front() != ':') return std::string("text after the host's ']'");
    if (!after.empty()) port = after.substr(1);
  } else {
    const std::size_t colon = authority.find(':');
    host = authority.substr(0, colon);
    if (colon != std::string_view::npos) port = authority.substr(colon + 1);
    if (port && port->find(':') != std::string_view::npos) return std::string("an IPv6 host must be in [brackets]");
  }
  if (host.empty()) return std::string("no host");
  if (port && !port->empty()) {
    const std::optional<std::uint32_t> number = parse_port(*port);
    if (!number || *number == 0) return "port " + quote(*port) + " is not in 1-65535";
  }
  return std::nullopt;
}

/// One item of a `key=value,key2=value2` list variable (OTEL_RESOURCE_ATTRIBUTES,
/// OTEL_EXPORTER_OTLP_HEADERS): its key and value trimmed and percent-decoded, or what is
/// wrong with it. Each variable applies its own rule to a bad item (skip it, or drop the
/// whole variable, as the specification says for resource attributes).
struct KeyValueItem {
  enum class Problem { none, not_key_value, bad_encoding };
  Problem problem = Problem::none;
  std::size_t position = 0;  ///< 1-based, for diagnostics that must not echo values
  std::string_view text;     ///< the item as written
  std::string key;
  std::string value;
};

/// Calls `visit(const KeyValueItem&)` for each item of `text` in order; stops early when
/// `visit` returns false. An item without '=' or with an empty key is `not_key_value`.
template <class Visit>
void for_each_key_value(std::string_view text, Visit&& visit) {
  std::size_t position = 0;
  for (std::string_view item : split_list(text)) {
    KeyValueItem entry;
    entry.position = ++position;
    entry.text = item;
    const std::size_t equals = item.find('=');
    const std::string_view key =
        equals == std::string_view::npos ? std::string_view() : trim_spaces(item.substr(0, equals));
    if (key.empty()) {
      entry.problem = KeyValueItem::Problem::not_key_value;
    } else {
      std::optional<std::string> decoded_key = percent_decode(key);
      std::optional<std::string> decoded_value = percent_decode(trim_spaces(item.substr(equals + 1)));
      if (decoded_key && decoded_value) {
        entry.key = std::move(*decoded_key);
        entry.value = std::move(*decoded_value);
      } else {
        entry.problem = KeyValueItem::Problem::bad_encoding;
      }
    }
    if (!visit(static_cast<const KeyValueItem&>(entry))) return;
  }
}

}  // namespace detail

/// Typed readers. Each returns the default when the variable is unset, and when the value
/// is invalid it logs one warning naming the variable and the value (quoted, cut to a
/// readable length) — once per variable and value, however often it is read — then
/// returns the default.
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

/// A duration in milliseconds (the specification's unit for every OTEL_* timeout and delay).
inline std::chrono::milliseconds get_milliseconds(const Environment& environment, std::string_view name,
                                                  std::chrono::milliseconds fallback) {
  return std::chrono::milliseconds(
      get_unsigned(environment, name, static_cast<std::uint64_t>(fallback.count()), 0, detail::max_milliseconds));
}

/// A timeout in milliseconds (every `*_TIMEOUT` variable): zero would fail every export
/// before it starts, so it is rejected like any invalid value and the default is used.
inline std::chrono::milliseconds get_timeout(const Environment& environment, std::string_view name,
                                             std::chrono::milliseconds fallback) {
  return std::chrono::milliseconds(
      get_unsigned(environment, name, static_cast<std::uint64_t>(fallback.count()), 1, detail::max_milliseconds));
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

/// An `http://` or `https://` URL an HTTP exporter can send to (see
/// `detail::endpoint_problem`); anything else would only fail at every export — or, like
/// `http://`, send to a host nobody meant — so it is reported now and the default is used.
inline std::string get_http_url(const Environment& environment, std::string_view name, std::string_view fallback) {
  auto value = environment.get(name);
  if (!value) return std::string(fallback);
  const std::string_view url = detail::trim_spaces(*value);
  const std::optional<std::string> problem = detail::endpoint_problem(url);
  if (!problem) return std::string(url);
  detail::warn_invalid(name, *value, "an http:// or https:// URL with a host (" + *problem + ")", fallback);
  return std::string(fallback);
}

}  // namespace env
}  // namespace v0
}  // namespace tracewire
