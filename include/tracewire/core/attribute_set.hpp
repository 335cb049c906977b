// AttributeSet: an owning, ordered set of attributes with unique keys.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string_view>
#include <vector>

#include "tracewire/core/attribute_value.hpp"
#include "tracewire/core/detail/arena.hpp"
#include "tracewire/core/detail/attribute_insert.hpp"

namespace tracewire {
inline namespace v0 {

/// Owns its keys and values (copied into an arena, invalid UTF-8 repaired). Setting an
/// existing key replaces its value in place, so keys are unique and keep their first
/// position. Used for resources, scopes, and anywhere attributes outlive the caller's
/// buffers. Not the per-span storage: a span record keeps its attributes in a vector it
/// reuses from span to span, with their strings in the record's own arena.
class AttributeSet {
 public:
  AttributeSet() = default;
  AttributeSet(std::initializer_list<KeyValue> attributes) {
    for (const KeyValue& attribute : attributes) set(attribute.key, attribute.value);
  }
  AttributeSet(const AttributeSet& other) { *this = other; }
  AttributeSet& operator=(const AttributeSet& other) {
    if (this == &other) return *this;
    attributes_.clear();
    arena_.reset();
    for (const KeyValue& attribute : other.attributes_) attributes_.push_back(arena_.copy_key_value(attribute));
    return *this;
  }
  AttributeSet(AttributeSet&&) noexcept = default;
  AttributeSet& operator=(AttributeSet&&) noexcept = default;

  /// Sets `key` to `value`; an empty key is ignored (the specification forbids it).
  void set(std::string_view key, const AttributeValue& value) {
    std::uint32_t dropped = 0;  // stays 0: a set has no count limit
    detail::insert_attribute(attributes_, arena_, key, value, SIZE_MAX, SIZE_MAX, dropped);
  }

  /// Adds every attribute of `other`; on a key present in both, `other` wins.
  void merge(const AttributeSet& other) {
    for (const KeyValue& attribute : other.attributes_) set(attribute.key, attribute.value);
  }

  const AttributeValue* get(std::string_view key) const noexcept {
    for (const KeyValue& attribute : attributes_) {
      if (attribute.key == key) return &attribute.value;
    }
    return nullptr;
  }

  bool empty() const noexcept { return attributes_.empty(); }
  std::size_t size() const noexcept { return attributes_.size(); }
  const KeyValue* begin() const noexcept { return attributes_.data(); }
  const KeyValue* end() const noexcept { return attributes_.data() + attributes_.size(); }
  ArrayView<KeyValue> view() const noexcept { return {attributes_.data(), attributes_.size()}; }

 private:
  detail::Arena arena_;
  std::vector<KeyValue> attributes_;
};

}  // namespace v0
}  // namespace tracewire
