// InstrumentationScope: the library or module that created a span.
#pragma once

#include <string>

#include "tracewire/core/attribute_set.hpp"

namespace tracewire {
inline namespace v0 {

/// The name and version passed to `TracerProvider::tracer()`; exporters group spans by it.
struct InstrumentationScope {
  std::string name;
  std::string version;
  std::string schema_url;
  AttributeSet attributes;
};

}  // namespace v0
}  // namespace tracewire
