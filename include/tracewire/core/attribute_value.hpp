// AttributeValue: a non-owning view of one attribute value, and KeyValue.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

namespace tracewire {
inline namespace v0 {

/// A read-only view of `size` contiguous values of T (std::span is C++20).
template <class T>
class ArrayView {
 public:
  constexpr ArrayView() noexcept = default;
  constexpr ArrayView(const T* data, std::size_t size) noexcept : data_(data), size_(size) {}
  ArrayView(const std::vector<T>& values) noexcept : data_(values.data()), size_(values.size()) {}
  /// Also binds a braced list for the duration of a call: `add_event("e", {{"k", 1}})`.
  template <std::size_t N>
  constexpr ArrayView(const T (&values)[N]) noexcept : data_(values), size_(N) {}

  constexpr const T* data() const noexcept { return data_; }
  constexpr std::size_t size() const noexcept { return size_; }
  constexpr bool empty() const noexcept { return size_ == 0; }
  constexpr const T* begin() const noexcept { return data_; }
  constexpr const T* end() const noexcept { return data_ + size_; }
  constexpr const T& operator[](std::size_t i) const noexcept { return data_[i]; }

 private:
  const T* data_ = nullptr;
  std::size_t size_ = 0;
};

/// The kinds of attribute value OpenTelemetry defines, in AttributeValue's variant order.
enum class AttributeType : std::uint8_t {
  boolean,
  int64,
  floating,
  string,
  bool_array,
  int64_array,
  floating_array,
  string_array,
};

/// A non-owning view of an attribute value: bool, int64, double, string, or a homogeneous
/// array of one of those. It is what the API takes (nothing is copied until a span stores
/// it) and what exporters read from finished spans. Integers of any width convert to
/// int64 (uint64 above INT64_MAX saturates), `const char*` converts to a string, never
/// to bool.
///
/// **Example**: `span.set_attribute("http.response.status_code", 200);`
class AttributeValue {
 public:
  using Variant = std::variant<bool, std::int64_t, double, std::string_view, ArrayView<bool>, ArrayView<std::int64_t>,
                               ArrayView<double>, ArrayView<std::string_view>>;

  constexpr AttributeValue() noexcept : value_(std::string_view()) {}
  constexpr AttributeValue(bool value) noexcept : value_(value) {}
  template <class Integer, std::enable_if_t<std::is_integral_v<Integer> && !std::is_same_v<Integer, bool>, int> = 0>
  constexpr AttributeValue(Integer value) noexcept : value_(to_int64(value)) {}
  template <class Floating, std::enable_if_t<std::is_floating_point_v<Floating>, int> = 0>
  constexpr AttributeValue(Floating value) noexcept : value_(static_cast<double>(value)) {}
  constexpr AttributeValue(std::string_view value) noexcept : value_(value) {}
  AttributeValue(const char* value) noexcept : value_(value ? std::string_view(value) : std::string_view()) {}
  AttributeValue(const std::string& value) noexcept : value_(std::string_view(value)) {}
  constexpr AttributeValue(ArrayView<bool> value) noexcept : value_(value) {}
  constexpr AttributeValue(ArrayView<std::int64_t> value) noexcept : value_(value) {}
  constexpr AttributeValue(ArrayView<double> value) noexcept : value_(value) {}
  constexpr AttributeValue(ArrayView<std::string_view> value) noexcept : value_(value) {}
  AttributeValue(const std::vector<std::int64_t>& value) noexcept : value_(ArrayView<std::int64_t>(value)) {}
  AttributeValue(const std::vector<double>& value) noexcept : value_(ArrayView<double>(value)) {}
  AttributeValue(const std::vector<std::string_view>& value) noexcept : value_(ArrayView<std::string_view>(value)) {}

  AttributeType type() const noexcept { return static_cast<AttributeType>(value_.index()); }
  const Variant& variant() const noexcept { return value_; }

  /// The value if it holds a T (one of the variant's types), else nullptr.
  template <class T>
  const T* get_if() const noexcept {
    return std::get_if<T>(&value_);
  }

  /// Calls `visitor` with the held value.
  template <class Visitor>
  decltype(auto) visit(Visitor&& visitor) const {
    return std::visit(static_cast<Visitor&&>(visitor), value_);
  }

  /// Deep equality (array contents are compared, not their addresses).
  friend bool operator==(const AttributeValue& a, const AttributeValue& b) noexcept {
    if (a.value_.index() != b.value_.index()) return false;
    return std::visit(
        [&b](const auto& x) {
          using T = std::decay_t<decltype(x)>;
          const T& y = std::get<T>(b.value_);
          if constexpr (std::is_same_v<T, bool> || std::is_same_v<T, std::int64_t> || std::is_same_v<T, double> ||
                        std::is_same_v<T, std::string_view>) {
            return x == y;
          } else {
            if (x.size() != y.size()) return false;
            for (std::size_t i = 0; i < x.size(); ++i) {
              if (!(x[i] == y[i])) return false;
            }
            return true;
          }
        },
        a.value_);
  }
  friend bool operator!=(const AttributeValue& a, const AttributeValue& b) noexcept { return !(a == b); }

 private:
  template <class Integer>
  static constexpr std::int64_t to_int64(Integer value) noexcept {
    if constexpr (std::is_unsigned_v<Integer> && sizeof(Integer) >= sizeof(std::int64_t)) {
      return value > static_cast<std::uint64_t>(INT64_MAX) ? INT64_MAX : static_cast<std::int64_t>(value);
    } else {
      return static_cast<std::int64_t>(value);
    }
  }

  Variant value_;
};

/// One attribute: a key and a value, both views.
struct KeyValue {
  std::string_view key;
  AttributeValue value;
};

}  // namespace v0
}  // namespace tracewire
