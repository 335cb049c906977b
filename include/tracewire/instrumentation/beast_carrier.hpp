// BeastHeaderGetter and BeastHeaderSetter: Boost.Beast HTTP headers as propagation carriers.
#pragma once

#if !__has_include(<boost/beast/http/fields.hpp>)
#error \
    "tracewire/instrumentation/beast_carrier.hpp needs Boost.Beast's headers (Boost 1.74+; Debian: libboost-dev; CMake: link tracewire::beast)"
#endif

#include <optional>
#include <string_view>

#include <boost/beast/http/fields.hpp>

#include "tracewire/propagation/text_map_carrier.hpp"

namespace tracewire {
inline namespace v0 {

namespace detail {
inline std::string_view to_std(boost::beast::string_view text) noexcept { return {text.data(), text.size()}; }
inline boost::beast::string_view to_beast(std::string_view text) noexcept { return {text.data(), text.size()}; }
}  // namespace detail

/// Reads the headers of a Boost.Beast request or response (`http::request<Body>` and
/// `http::response<Body>` are `http::fields`). Beast already compares names
/// case-insensitively and keeps repeated fields, which `get_all` reports in order.
///
/// **Example**: `auto parent = propagator.extract(tracewire::BeastHeaderGetter(request));`
class BeastHeaderGetter final : public TextMapGetter {
 public:
  explicit BeastHeaderGetter(const boost::beast::http::fields& fields) noexcept : fields_(&fields) {}

  std::optional<std::string_view> get(std::string_view key) const override {
    auto found = fields_->find(detail::to_beast(key));
    if (found == fields_->end()) return std::nullopt;
    return detail::to_std(found->value());
  }
  void get_all(std::string_view key, const Visitor& visit) const override {
    auto range = fields_->equal_range(detail::to_beast(key));
    for (auto it = range.first; it != range.second; ++it) visit(detail::to_std(it->value()));
  }
  void keys(const Visitor& visit) const override {
    for (const auto& field : *fields_) visit(detail::to_std(field.name_string()));
  }

 private:
  const boost::beast::http::fields* fields_;
};

/// Writes headers into a Boost.Beast request or response, replacing fields of the same
/// name (any case).
///
/// **Example**: `tracewire::BeastHeaderSetter setter(request);  propagator.inject(context, setter);`
class BeastHeaderSetter final : public TextMapSetter {
 public:
  explicit BeastHeaderSetter(boost::beast::http::fields& fields) noexcept : fields_(&fields) {}
  void set(std::string_view key, std::string_view value) override {
    fields_->set(detail::to_beast(key), detail::to_beast(value));
  }

 private:
  boost::beast::http::fields* fields_;
};

}  // namespace v0
}  // namespace tracewire
