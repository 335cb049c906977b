// TraceState: the W3C `tracestate` list carried with a span context.
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

/// An immutable W3C tracestate list: up to 32 `key=value` members, most recently
/// updated first. Copies share one buffer, so carrying it from parent to child is cheap;
/// `set` and `remove` return a new value.
///
/// Parsing follows the W3C recommendation and its official test suite: empty members
/// and optional whitespace are skipped, and any invalid key or value, a duplicated key or
/// more than 32 members makes the whole header invalid (an empty TraceState).
///
/// **Example**: `auto state = TraceState::parse("rojo=00f067aa0ba902b7,congo=t61rcWkgMzE");`
class TraceState {
 public:
  static constexpr std::size_t max_members = 32;
  /// How much of a tracestate the propagators must carry at least (W3C §3.3.1.5).
  static constexpr std::size_t propagated_length = 512;

  struct Member {
    std::string key;
    std::string value;
  };

  TraceState() = default;

  /// Parses a header value (several headers may be joined with ','). Invalid → empty.
  static TraceState parse(std::string_view header) {
    std::vector<Member> members;
    std::size_t start = 0;
    while (start <= header.size()) {
      std::size_t comma = header.find(',', start);
      if (comma == std::string_view::npos) comma = header.size();
      std::string_view item = trim(header.substr(start, comma - start));
      start = comma + 1;
      if (item.empty()) continue;
      const std::size_t equals = item.find('=');
      if (equals == std::string_view::npos) return {};
      std::string_view key = item.substr(0, equals);
      std::string_view value = item.substr(equals + 1);
      if (!is_valid_key(key) || !is_valid_value(value)) return {};
      for (const Member& existing : members) {
        if (existing.key == key) return {};
      }
      if (members.size() == max_members) return {};
      members.push_back({std::string(key), std::string(value)});
    }
    return TraceState(std::move(members));
  }

  /// The W3C key grammar: `(lcalpha|digit) 0*255(lcalpha|digit|_|-|*|/|@)` with at most
  /// one `@`; in a `tenant@system` key the tenant has at most 241 characters and the
  /// system id starts with a letter and has at most 14.
  static bool is_valid_key(std::string_view key) noexcept {
    if (key.empty() || key.size() > 256) return false;
    const auto allowed = [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '*' || c == '/';
    };
    const char first = key.front();
    if (!((first >= 'a' && first <= 'z') || (first >= '0' && first <= '9'))) return false;
    std::size_t at = std::string_view::npos;
    for (std::size_t i = 0; i < key.size(); ++i) {
      if (key[i] == '@') {
        if (at != std::string_view::npos) return false;
        at = i;
      } else if (!allowed(key[i])) {
        return false;
      }
    }
    if (at == std::string_view::npos) return true;
    const std::size_t system_size = key.size() - at - 1;
    return at <= 241 && system_size >= 1 && system_size <= 14 && key[at + 1] >= 'a' && key[at + 1] <= 'z';
  }

  /// The W3C value grammar: 1..256 printable ASCII characters other than ',' and '=',
  /// not ending in a space.
  static bool is_valid_value(std::string_view value) noexcept {
    if (value.empty() || value.size() > 256 || value.back() == ' ') return false;
    for (char c : value) {
      if (c < 0x20 || c > 0x7e || c == ',' || c == '=') return false;
    }
    return true;
  }

  bool empty() const noexcept { return !data_ || data_->members.empty(); }
  std::size_t size() const noexcept { return data_ ? data_->members.size() : 0; }
  const std::vector<Member>& members() const noexcept { return data_ ? data_->members : no_members(); }

  /// The value for `key`, if present.
  std::optional<std::string_view> get(std::string_view key) const noexcept {
    for (const Member& member : members()) {
      if (member.key == key) return std::string_view(member.value);
    }
    return std::nullopt;
  }

  /// A copy with `key=value` moved to the front (W3C: an updated key goes first). An
  /// invalid key or value leaves the state unchanged; a full list drops its last member.
  TraceState set(std::string_view key, std::string_view value) const {
    if (!is_valid_key(key) || !is_valid_value(value)) return *this;
    std::vector<Member> members;
    members.reserve(size() + 1);
    members.push_back({std::string(key), std::string(value)});
    for (const Member& member : this->members()) {
      if (member.key != key && members.size() < max_members) members.push_back(member);
    }
    return TraceState(std::move(members));
  }

  /// A copy without `key`.
  TraceState remove(std::string_view key) const {
    if (!get(key)) return *this;
    std::vector<Member> members;
    for (const Member& member : this->members()) {
      if (member.key != key) members.push_back(member);
    }
    return TraceState(std::move(members));
  }

  /// The header value, at most `max_length` characters: when too long, whole members are
  /// dropped, those longer than 128 characters first, then from the end (W3C §3.3.1.5).
  std::string to_header(std::size_t max_length = propagated_length) const {
    if (!data_) return {};
    if (data_->header.size() <= max_length) return data_->header;
    std::vector<const Member*> kept;
    std::size_t length = 0;
    for (const Member& member : data_->members) {
      kept.push_back(&member);
      length += member_length(member) + (kept.size() > 1 ? 1 : 0);
    }
    for (std::size_t i = kept.size(); i-- > 0 && length > max_length;) {
      if (member_length(*kept[i]) > 128) length = drop(kept, i, length);
    }
    while (!kept.empty() && length > max_length) length = drop(kept, kept.size() - 1, length);
    std::string header;
    for (const Member* member : kept) append_member(header, *member);
    return header;
  }

  /// The whole header value without truncation or copying (exporters write it as is).
  std::string_view header_view() const noexcept { return data_ ? std::string_view(data_->header) : std::string_view(); }

  friend bool operator==(const TraceState& a, const TraceState& b) noexcept {
    return a.header_view() == b.header_view();
  }
  friend bool operator!=(const TraceState& a, const TraceState& b) noexcept { return !(a == b); }

 private:
  struct Data {
    std::vector<Member> members;
    std::string header;  // serialised once, so injecting is a copy
  };

  explicit TraceState(std::vector<Member> members) {
    if (members.empty()) return;
    auto data = std::make_shared<Data>();
    for (const Member& member : members) append_member(data->header, member);
    data->members = std::move(members);
    data_ = std::move(data);
  }


  static const std::vector<Member>& no_members() noexcept {
    static const std::vector<Member> none;
    return none;
  }
  static std::string_view trim(std::string_view text) noexcept {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
    return text;
  }
  static std::size_t member_length(const Member& member) noexcept { return member.key.size() + 1 + member.value.size(); }
  static void append_member(std::string& header, const Member& member) {
    if (!header.empty()) header += ',';
    header.append(member.key).append(1, '=').append(member.value);
  }
  static std::size_t drop(std::vector<const Member*>& kept, std::size_t index, std::size_t length) {
    length -= member_length(*kept[index]) + (kept.size() > 1 ? 1 : 0);
    kept.erase(kept.begin() + static_cast<std::ptrdiff_t>(index));
    return length;
  }

  std::shared_ptr<const Data> data_;
};

}  // namespace v0
}  // namespace tracewire
