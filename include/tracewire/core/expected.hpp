// Error and Expected: how fallible setup reports failure without exceptions.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace tracewire {
inline namespace v0 {

/// Stable error codes; the message says what was wrong with which input.
enum class ErrorCode {
  invalid_configuration,
  not_supported,
  io_failure,
  network_failure,
  timeout,
  shut_down,
};

struct Error {
  ErrorCode code;
  std::string message;
};

/// Either a T or an Error.
///
/// **Example**: `if (auto config = parse(text); config) use(*config); else log(config.error().message);`
template <class T>
class Expected {
 public:
  Expected(T value) : value_(std::in_place_index<0>, std::move(value)) {}
  Expected(Error error) : value_(std::in_place_index<1>, std::move(error)) {}

  bool has_value() const noexcept { return value_.index() == 0; }
  explicit operator bool() const noexcept { return has_value(); }
  T& value() & { return std::get<0>(value_); }
  const T& value() const& { return std::get<0>(value_); }
  T&& value() && { return std::get<0>(std::move(value_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const Error& error() const { return std::get<1>(value_); }

 private:
  std::variant<T, Error> value_;
};

}  // namespace v0
}  // namespace tracewire
