// insert_attribute: the one "unique key: overwrite in place, else append under a limit" rule.
#pragma once

#include <cstddef>
#include <cstdint>
#include <new>
#include <string_view>

#include "tracewire/core/attribute_value.hpp"
#include "tracewire/core/detail/arena.hpp"
#include "tracewire/core/detail/inlining.hpp"

namespace tracewire {
inline namespace v0 {
namespace detail {

/// The default `on_replaced` of insert_attribute: nothing to do with the old value.
struct IgnoreReplaced {
  void operator()(const AttributeValue& /*old_value*/) const noexcept {}
};

/// Sets `key` to `value` among `attributes`, whose keys are unique: an empty key is
/// ignored; an existing key keeps its position and gets the new value, after which
/// `on_replaced` sees the old one (e.g. to account for the arena bytes it left behind); a
/// new key is appended while fewer than `count_limit` are held, or else dropped and counted
/// in `dropped`. Key and value are copied into `arena`, each string of the value keeping at
/// most `length_limit` characters. `Attributes` is a std::vector<KeyValue> or a
/// KeyValueSlots. Always inlined, so that on the span path (`SpanData::set_attribute`) it
/// compiles to the loop that was written there, with the caller's hook in it.
template <class Attributes, class OnReplaced = IgnoreReplaced>
TRACEWIRE_ALWAYS_INLINE void insert_attribute(Attributes& attributes, Arena& arena, std::string_view key,
                                              const AttributeValue& value, std::size_t count_limit,
                                              std::size_t length_limit, std::uint32_t& dropped,
                                              OnReplaced on_replaced = {}) {
  if (key.empty()) return;
  for (KeyValue& attribute : attributes) {
    if (attribute.key == key) {
      const AttributeValue old_value = attribute.value;
      attribute.value = arena.copy_value(value, length_limit);
      on_replaced(old_value);
      return;
    }
  }
  if (attributes.size() >= count_limit) {
    ++dropped;
    return;
  }
  attributes.push_back({arena.copy_string(key), arena.copy_value(value, length_limit)});
}

/// Uninitialised KeyValue storage the caller sized for every attribute it may add (an
/// event's or link's array in a record's arena), filled by insert_attribute.
class KeyValueSlots {
 public:
  explicit KeyValueSlots(KeyValue* storage) noexcept : storage_(storage) {}
  KeyValue* begin() noexcept { return storage_; }
  KeyValue* end() noexcept { return storage_ + size_; }
  std::size_t size() const noexcept { return size_; }
  ArrayView<KeyValue> view() const noexcept { return {storage_, size_}; }
  void push_back(const KeyValue& attribute) noexcept { new (storage_ + size_++) KeyValue(attribute); }

 private:
  KeyValue* storage_;
  std::size_t size_ = 0;
};

}  // namespace detail
}  // namespace v0
}  // namespace tracewire
