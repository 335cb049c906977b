// TextMapGetter and TextMapSetter: how propagators read and write any header container.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "tracewire/core/detail/ascii.hpp"

namespace tracewire {
inline namespace v0 {

/// Read access to the headers of an incoming request (or any string key/value carrier).
/// Keys are matched case-insensitively, as HTTP header names are. A carrier that can hold
/// a key more than once (HTTP repeats header fields) reports each value through `get_all`,
/// so propagators can combine them (`tracestate`, `baggage`) or refuse ambiguous ones
/// (`traceparent`). Implementations must not throw for a missing key.
///
/// **Example** (your own carrier):
/// ```
/// struct GrpcMetadataGetter final : tracewire::TextMapGetter {
///   const grpc::ServerContext& context;
///   std::optional<std::string_view> get(std::string_view key) const override { ... }
///   void keys(const std::function<void(std::string_view)>& visit) const override { ... }
/// };
/// ```
class TextMapGetter {
 public:
  using Visitor = std::function<void(std::string_view)>;

  virtual ~TextMapGetter() = default;
  /// The first value stored under `key` (any case), if any.
  virtual std::optional<std::string_view> get(std::string_view key) const = 0;
  /// Calls `visit` with every value stored under `key` (any case), in order. The default
  /// suits carriers that hold each key once.
  virtual void get_all(std::string_view key, const Visitor& visit) const {
    if (auto value = get(key)) visit(*value);
  }
  /// Calls `visit` with every key present (prefix-based formats such as `uberctx-*` need it).
  virtual void keys(const Visitor& visit) const = 0;
};

/// Write access to the headers of an outgoing request. `set` replaces any value already
/// stored under the key (in any case). Propagators always pass lowercase keys and values
/// free of control characters.
class TextMapSetter {
 public:
  virtual ~TextMapSetter() = default;
  virtual void set(std::string_view key, std::string_view value) = 0;
};

namespace detail {
template <class Container, class = void>
struct appends_at_back : std::false_type {};
template <class Container>
struct appends_at_back<Container, std::void_t<decltype(std::declval<Container&>().emplace_back(
                                      std::declval<std::string_view>(), std::declval<std::string_view>()))>>
    : std::true_type {};
}  // namespace detail

/// Reads from any container of string pairs: `std::map<std::string, std::string>`,
/// `std::unordered_map`, `std::vector<std::pair<std::string, std::string>>` (which can hold
/// a repeated header), or the same with `std::string_view`. The container must outlive the
/// getter. Lookups scan the container, comparing names case-insensitively without allocating;
/// header sets are small.
///
/// **Example**: `auto context = propagator.extract(tracewire::ContainerGetter(headers));`
template <class Container>
class ContainerGetter final : public TextMapGetter {
 public:
  explicit ContainerGetter(const Container& container) noexcept : container_(&container) {}

  std::optional<std::string_view> get(std::string_view key) const override {
    for (const auto& [name, value] : *container_) {
      if (detail::equals_ignore_case(name, key)) return std::string_view(value);
    }
    return std::nullopt;
  }
  void get_all(std::string_view key, const Visitor& visit) const override {
    for (const auto& [name, value] : *container_) {
      if (detail::equals_ignore_case(name, key)) visit(value);
    }
  }
  void keys(const Visitor& visit) const override {
    for (const auto& entry : *container_) visit(entry.first);
  }

 private:
  const Container* container_;
};

/// Writes into a container of `std::string` pairs (map, unordered_map or vector of pairs),
/// replacing an existing entry whose name matches in any case and removing further matches,
/// so a carrier never ends up with both `TraceParent` and `traceparent`. Reusing the same
/// container for another request overwrites values in place.
///
/// **Example**:
/// ```
/// std::map<std::string, std::string> headers;
/// tracewire::ContainerSetter setter(headers);
/// propagator.inject(tracewire::Context::current(), setter);
/// ```
template <class Container>
class ContainerSetter final : public TextMapSetter {
 public:
  explicit ContainerSetter(Container& container) noexcept : container_(&container) {}

  void set(std::string_view key, std::string_view value) override {
    bool stored = false;
    for (auto it = container_->begin(); it != container_->end();) {
      if (!detail::equals_ignore_case(it->first, key)) {
        ++it;
      } else if (!stored && it->first == key) {
        it->second.assign(value.data(), value.size());
        stored = true;
        ++it;
      } else {
        it = container_->erase(it);
      }
    }
    if (stored) return;
    if constexpr (detail::appends_at_back<Container>::value) {
      container_->emplace_back(key, value);
    } else {
      container_->emplace(std::string(key), std::string(value));
    }
  }

 private:
  Container* container_;
};

}  // namespace v0
}  // namespace tracewire
