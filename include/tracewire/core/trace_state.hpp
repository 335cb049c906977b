// TraceState: the W3C `tracestate` list carried with a span context.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstring>
#include <new>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "tracewire/core/detail/ascii.hpp"
#include "tracewire/core/detail/inlining.hpp"

namespace tracewire {
inline namespace v0 {

namespace detail {
// Which bytes the W3C tracestate grammar allows where, one table load per character.
struct TraceStateChars {
  static constexpr unsigned char key_first = 1;  // lcalpha / digit
  static constexpr unsigned char key = 2;        // lcalpha / digit / _ - * / @
  static constexpr unsigned char value = 4;      // printable ASCII except , and =
  unsigned char bits[256];
  constexpr TraceStateChars() noexcept : bits() {
    for (int c = 0; c < 256; ++c) {
      const bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
      unsigned char b = 0;
      if (alnum) b |= key_first;
      if (alnum || c == '_' || c == '-' || c == '*' || c == '/' || c == '@') b |= key;
      if (c >= 0x20 && c <= 0x7e && c != ',' && c != '=') b |= value;
      bits[c] = b;
    }
  }
};
inline constexpr TraceStateChars trace_state_chars{};
}  // namespace detail

/// An immutable W3C tracestate list: up to 32 `key=value` members, most recently
/// updated first. Copies share one buffer (a single allocation, reference-counted), so
/// carrying it from parent to child is cheap; `set` and `remove` return a new value.
///
/// Parsing follows W3C Trace Context Level 2 (section "tracestate Header Field Values")
/// and its official test suite: several headers are joined with ','; empty members and
/// the optional whitespace around members are skipped; an invalid key or value, or more
/// than 32 members, makes the whole header invalid (an empty TraceState: "If the
/// tracestate header cannot be parsed the vendor MAY discard the entire header"). A key
/// that repeats is not an error: uniqueness is the sender's duty (w3c/trace-context#477),
/// and the receiver "MAY also discard duplicate keys" (section "Mutating the tracestate
/// Field"). The first (leftmost, most recently updated) occurrence is kept and later ones
/// are dropped, as the suite's own parser does, so `get` and `set` always see one value per
/// key. The 32-member limit counts the members received, duplicates included.
///
/// **Example**: `auto state = TraceState::parse("rojo=00f067aa0ba902b7,congo=t61rcWkgMzE");`
class TraceState {
 public:
  static constexpr std::size_t max_members = 32;
  /// How much of a tracestate the propagators carry at least (W3C "tracestate Limits":
  /// "Vendors SHOULD propagate at least 512 characters of a combined header").
  static constexpr std::size_t propagated_length = 512;

  /// One `key=value` member; both views point into the TraceState's own buffer and stay
  /// valid as long as a TraceState sharing it exists.
  struct Member {
    std::string_view key;
    std::string_view value;
  };

  /// The members in order (a view; index it or iterate it).
  class Members {
   public:
    Members() noexcept = default;
    Members(const Member* first, std::size_t count) noexcept : first_(first), count_(count) {}
    const Member* begin() const noexcept { return first_; }
    const Member* end() const noexcept { return first_ + count_; }
    std::size_t size() const noexcept { return count_; }
    bool empty() const noexcept { return count_ == 0; }
    const Member& operator[](std::size_t index) const noexcept { return first_[index]; }

   private:
    const Member* first_ = nullptr;
    std::size_t count_ = 0;
  };

  TraceState() noexcept = default;
  TraceState(const TraceState& other) noexcept : block_(other.block_) {
    if (block_ != nullptr) block_->references.fetch_add(1, std::memory_order_relaxed);
  }
  TraceState(TraceState&& other) noexcept : block_(std::exchange(other.block_, nullptr)) {}
  TraceState& operator=(const TraceState& other) noexcept {
    TraceState copy(other);
    std::swap(block_, copy.block_);
    return *this;
  }
  TraceState& operator=(TraceState&& other) noexcept {
    if (this != &other) {
      release();
      block_ = std::exchange(other.block_, nullptr);
    }
    return *this;
  }
  ~TraceState() { release(); }

  /// Parses a header value (several headers may be joined with ','). Invalid → empty.
  static TraceState parse(std::string_view header) {
    // Uninitialised: zeroing 32 members would cost more than parsing a typical list.
    alignas(Member) unsigned char storage[sizeof(Member) * max_members];
    Member* members = reinterpret_cast<Member*>(storage);
    std::size_t count = 0;     // kept: the first occurrence of each key
    std::size_t received = 0;  // every member, duplicates included
    std::size_t start = 0;
    while (start <= header.size()) {
      std::size_t comma = header.find(',', start);
      if (comma == std::string_view::npos) comma = header.size();
      std::string_view item = detail::trim_spaces(header.substr(start, comma - start));
      start = comma + 1;
      if (item.empty()) continue;
      const std::size_t equals = item.find('=');
      if (equals == std::string_view::npos) return {};
      std::string_view key = item.substr(0, equals);
      std::string_view value = item.substr(equals + 1);
      if (!is_valid_key(key) || !is_valid_value(value)) return {};
      if (++received > max_members) return {};
      if (!contains_key(members, count, key)) new (members + count++) Member{key, value};
    }
    return TraceState(members, count);
  }

  /// The W3C Level 2 key grammar, `(lcalpha / DIGIT) 0*255(keychar)` with keychar =
  /// lcalpha / DIGIT / `_` / `-` / `*` / `/` / `@`: `@` may appear anywhere after the first
  /// character, any number of times (Level 1's `tenant@system` limits are gone).
  static bool is_valid_key(std::string_view key) noexcept {
    if (key.empty() || key.size() > 256) return false;
    const auto& classes = detail::trace_state_chars;
    const auto first = static_cast<unsigned char>(key.front());
    if ((classes.bits[first] & detail::TraceStateChars::key_first) == 0) return false;
    unsigned all = detail::TraceStateChars::key;  // one AND per character, checked once
    for (char c : key) all &= classes.bits[static_cast<unsigned char>(c)];
    return all != 0;
  }

  /// The W3C value grammar: 1..256 printable ASCII characters other than ',' and '=',
  /// not ending in a space.
  static bool is_valid_value(std::string_view value) noexcept {
    if (value.empty() || value.size() > 256 || value.back() == ' ') return false;
    unsigned all = detail::TraceStateChars::value;
    for (char c : value) all &= detail::trace_state_chars.bits[static_cast<unsigned char>(c)];
    return all != 0;
  }

  bool empty() const noexcept { return block_ == nullptr; }
  std::size_t size() const noexcept { return block_ ? block_->count : 0; }
  Members members() const noexcept { return block_ ? Members(block_->members(), block_->count) : Members(); }

  /// The value for `key`, if present.
  std::optional<std::string_view> get(std::string_view key) const noexcept {
    for (const Member& member : members()) {
      if (member.key == key) return member.value;
    }
    return std::nullopt;
  }

  /// A copy with `key=value` moved to the front (W3C: an updated key goes first). An
  /// invalid key or value leaves the state unchanged; a full list drops its last member.
  TraceState set(std::string_view key, std::string_view value) const {
    if (!is_valid_key(key) || !is_valid_value(value)) return *this;
    Member updated[max_members];
    std::size_t count = 0;
    updated[count++] = Member{key, value};
    for (const Member& member : members()) {
      if (member.key != key && count < max_members) updated[count++] = member;
    }
    return TraceState(updated, count);
  }

  /// A copy without `key`.
  TraceState remove(std::string_view key) const {
    if (!get(key)) return *this;
    Member kept[max_members];
    std::size_t count = 0;
    for (const Member& member : members()) {
      if (member.key != key) kept[count++] = member;
    }
    return TraceState(kept, count);
  }

  /// The whole list as one header value, without truncation (serialised once when the
  /// state is built, so injecting an unchanged state copies nothing).
  std::string_view header() const noexcept { return block_ ? block_->header() : std::string_view(); }

  /// The header value, at most `max_length` characters (W3C "tracestate Limits"):
  /// when too long, whole members are dropped — never cut — first those longer than 128
  /// characters ("Entries larger than 128 characters long SHOULD be removed first"),
  /// longest first so that as few as possible go, then from the end ("Then entries SHOULD
  /// be removed starting from the end"). Only what must go to fit is dropped.
  std::string to_header(std::size_t max_length = propagated_length) const {
    const std::string_view whole = header();
    if (whole.size() <= max_length) return std::string(whole);
    bool kept[max_members];
    std::size_t length = whole.size();
    const Members all = members();
    std::size_t kept_count = all.size();
    for (std::size_t i = 0; i < all.size(); ++i) kept[i] = true;
    const auto drop = [&](std::size_t index) {
      kept[index] = false;
      length -= member_length(all[index]) + (kept_count > 1 ? 1 : 0);  // and a separator, if any is left
      --kept_count;
    };
    while (length > max_length) {
      std::size_t longest = all.size();  // the longest kept member over 128; the rightmost on a tie
      for (std::size_t i = 0; i < all.size(); ++i) {
        if (kept[i] && member_length(all[i]) > 128 &&
            (longest == all.size() || member_length(all[i]) >= member_length(all[longest]))) {
          longest = i;
        }
      }
      if (longest == all.size()) break;
      drop(longest);
    }
    for (std::size_t i = all.size(); i-- > 0 && length > max_length;) {
      if (kept[i]) drop(i);
    }
    std::string result;
    for (std::size_t i = 0; i < all.size(); ++i) {
      if (!kept[i]) continue;
      if (!result.empty()) result += ',';
      result.append(all[i].key).append(1, '=').append(all[i].value);
    }
    return result;
  }

  friend bool operator==(const TraceState& a, const TraceState& b) noexcept { return a.header() == b.header(); }
  friend bool operator!=(const TraceState& a, const TraceState& b) noexcept { return !(a == b); }

 private:
  // One allocation holds everything: this header, then the members, then the header text
  // the members point into. A span context carrying a tracestate costs that one allocation
  // when it is extracted, and copies to child spans only touch the reference count.
  struct Block {
    std::atomic<std::size_t> references{1};
    std::size_t count = 0;
    std::size_t header_size = 0;

    Member* members() noexcept { return reinterpret_cast<Member*>(this + 1); }
    const Member* members() const noexcept { return reinterpret_cast<const Member*>(this + 1); }
    char* text() noexcept { return reinterpret_cast<char*>(members() + count); }
    std::string_view header() const noexcept { return {reinterpret_cast<const char*>(members() + count), header_size}; }
  };
  static_assert(sizeof(Block) % alignof(Member) == 0, "members follow the block header");

  // Builds the list from members that may point anywhere (an incoming header, another list).
  TraceState(const Member* members, std::size_t count) {
    if (count == 0) return;
    std::size_t header_size = count - 1;  // separators
    for (std::size_t i = 0; i < count; ++i) header_size += member_length(members[i]);
    void* memory = ::operator new(sizeof(Block) + count * sizeof(Member) + header_size);
    Block* block = new (memory) Block();
    block->count = count;
    block->header_size = header_size;
    char* out = block->text();
    for (std::size_t i = 0; i < count; ++i) {
      if (i > 0) *out++ = ',';
      const char* key = out;
      out = copy(members[i].key, out);
      *out++ = '=';
      const char* value = out;
      out = copy(members[i].value, out);
      new (block->members() + i)
          Member{std::string_view(key, members[i].key.size()), std::string_view(value, members[i].value.size())};
    }
    block_ = block;
  }

  // Most span contexts carry no tracestate: the null test stays inline in every destructor
  // and move, the reference count out of line.
  void release() noexcept {
    if (block_ != nullptr) release_block();
  }
  TRACEWIRE_NOINLINE void release_block() noexcept {
    if (block_->references.fetch_sub(1, std::memory_order_acq_rel) == 1) {
      block_->~Block();  // Member is trivially destructible
      ::operator delete(static_cast<void*>(block_));
    }
    block_ = nullptr;
  }

  static char* copy(std::string_view text, char* out) noexcept {
    if (!text.empty()) std::memcpy(out, text.data(), text.size());
    return out + text.size();
  }
  static std::size_t member_length(const Member& member) noexcept {
    return member.key.size() + 1 + member.value.size();
  }
  static bool contains_key(const Member* members, std::size_t count, std::string_view key) noexcept {
    for (std::size_t i = 0; i < count; ++i) {
      if (members[i].key == key) return true;
    }
    return false;
  }

  Block* block_ = nullptr;
};

}  // namespace v0
}  // namespace tracewire
