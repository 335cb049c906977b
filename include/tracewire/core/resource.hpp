// Resource: the entity (service, process, host) that produces the spans.
#pragma once

#include <string>
#include <utility>

#include "tracewire/core/attribute_set.hpp"
#include "tracewire/semconv.hpp"

namespace tracewire {
inline namespace v0 {

/// Attributes describing what produced the telemetry, e.g. `service.name`. One Resource
/// is shared by every span of a TracerProvider. Build it with the detectors in
/// `resource_detectors.hpp` or by hand.
///
/// **Example**: `Resource resource({{"service.name", "checkout"}});`
class Resource {
 public:
  Resource() = default;
  explicit Resource(AttributeSet attributes, std::string schema_url = {})
      : attributes_(std::move(attributes)), schema_url_(std::move(schema_url)) {}

  const AttributeSet& attributes() const noexcept { return attributes_; }
  const std::string& schema_url() const noexcept { return schema_url_; }

  /// A resource holding this one's attributes updated by `other`'s (other wins on a
  /// conflict, as in the specification's Merge; the schema URL is kept if only one has it).
  Resource merged_with(const Resource& other) const {
    AttributeSet attributes = attributes_;
    attributes.merge(other.attributes_);
    return Resource(std::move(attributes), other.schema_url_.empty() ? schema_url_ : other.schema_url_);
  }

  /// `service.name`, or an empty view.
  std::string_view service_name() const noexcept {
    const AttributeValue* value = attributes_.get(semconv::service::name);
    const std::string_view* name = value ? value->get_if<std::string_view>() : nullptr;
    return name ? *name : std::string_view();
  }

 private:
  AttributeSet attributes_;
  std::string schema_url_;
};

}  // namespace v0
}  // namespace tracewire
