// Baggage: application-defined key/value pairs that travel with the trace context.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tracewire {
inline namespace v0 {

/// An immutable set of baggage entries (W3C Baggage). Each entry has a key, a value and
/// optional metadata (the `;property` part of the header, kept verbatim). Copies share one
/// buffer; `set` and `remove` return a new value. Keys keep their insertion order.
///
/// **Example**: `auto bag = Baggage().set("tenant", "acme");  bag.get("tenant");`
class Baggage {
 public:
  struct Entry {
    std::string key;
    std::string value;
    std::string metadata;
  };

  Baggage() = default;

  /// A baggage holding `entries` in order; a repeated key keeps its first position and its
  /// last value, as a sequence of `set` calls would (propagators build one in a single step).
  static Baggage from_entries(std::vector<Entry> entries) {
    if (entries.empty()) return {};
    std::size_t kept = 0;
    for (std::size_t i = 0; i < entries.size(); ++i) {
      std::size_t same = 0;
      while (same < kept && entries[same].key != entries[i].key) ++same;
      if (same < kept) {
        entries[same].value = std::move(entries[i].value);
        entries[same].metadata = std::move(entries[i].metadata);
      } else if (kept++ != i) {
        entries[kept - 1] = std::move(entries[i]);
      }
    }
    entries.resize(kept);
    return Baggage(std::make_shared<std::vector<Entry>>(std::move(entries)));
  }

  bool empty() const noexcept { return !entries_ || entries_->empty(); }
  std::size_t size() const noexcept { return entries_ ? entries_->size() : 0; }
  const std::vector<Entry>& entries() const noexcept { return entries_ ? *entries_ : no_entries(); }

  std::optional<std::string_view> get(std::string_view key) const noexcept {
    if (const Entry* entry = find(key)) return std::string_view(entry->value);
    return std::nullopt;
  }
  const Entry* find(std::string_view key) const noexcept {
    for (const Entry& entry : entries()) {
      if (entry.key == key) return &entry;
    }
    return nullptr;
  }

  /// A copy where `key` maps to `value` (replacing an earlier value in place).
  Baggage set(std::string_view key, std::string_view value, std::string_view metadata = {}) const {
    auto entries = std::make_shared<std::vector<Entry>>(this->entries());
    for (Entry& entry : *entries) {
      if (entry.key == key) {
        entry.value.assign(value);
        entry.metadata.assign(metadata);
        return Baggage(std::move(entries));
      }
    }
    entries->push_back({std::string(key), std::string(value), std::string(metadata)});
    return Baggage(std::move(entries));
  }

  /// A copy without `key`.
  Baggage remove(std::string_view key) const {
    if (!find(key)) return *this;
    auto entries = std::make_shared<std::vector<Entry>>();
    for (const Entry& entry : this->entries()) {
      if (entry.key != key) entries->push_back(entry);
    }
    return Baggage(std::move(entries));
  }

  friend bool operator==(const Baggage& a, const Baggage& b) noexcept {
    const auto& x = a.entries();
    const auto& y = b.entries();
    if (x.size() != y.size()) return false;
    for (std::size_t i = 0; i < x.size(); ++i) {
      if (x[i].key != y[i].key || x[i].value != y[i].value || x[i].metadata != y[i].metadata) return false;
    }
    return true;
  }
  friend bool operator!=(const Baggage& a, const Baggage& b) noexcept { return !(a == b); }

 private:
  explicit Baggage(std::shared_ptr<std::vector<Entry>> entries) : entries_(std::move(entries)) {}
  static const std::vector<Entry>& no_entries() noexcept {
    static const std::vector<Entry> none;
    return none;
  }

  std::shared_ptr<const std::vector<Entry>> entries_;
};

}  // namespace v0
}  // namespace tracewire
