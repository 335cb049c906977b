// TraceState: the W3C `tracestate` list carried with a span context.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
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

/// Where the run of tracestate value characters (printable ASCII other than ',' and '=')
/// that starts at `text[at]` ends: the index of the first other character, or `size`.
/// Values are most of a list, so a header of 16 bytes or more is scanned 16 bytes at a
/// time, compared lane by lane through the compilers' vector extension (SSE2 on x86-64,
/// NEON on ARM); what is left at its end is read as its last 16 bytes.
inline std::size_t trace_state_value_end(const char* text, std::size_t at, std::size_t size) noexcept {
#if defined(__GNUC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  if (size >= 16) {
    // Signed, so that the bytes from 0x80 up compare below ' '.
    using Bytes = signed char __attribute__((vector_size(16)));
    for (;; at += 16) {
      const std::size_t left = size - at;
      if (left == 0) return size;
      Bytes x;
      std::memcpy(&x, text + (left >= 16 ? at : size - 16), 16);
      const Bytes stop = (x < ' ') | (x == 0x7f) | (x == ',') | (x == '=');  // lanes all ones or zero
      std::uint64_t low, high;
      std::memcpy(&low, &stop, 8);
      std::memcpy(&high, reinterpret_cast<const char*>(&stop) + 8, 8);
      if (left < 16) {  // drop the lanes before `at`: a 128-bit shift by 16 - left bytes
        const std::size_t skip = 8 * (16 - left);
        low = skip >= 64 ? high >> (skip - 64) : (low >> skip) | (high << (64 - skip));
        high = skip >= 64 ? 0 : high >> skip;
      }
      if (low != 0) return at + static_cast<std::size_t>(__builtin_ctzll(low)) / 8;
      if (high != 0) return at + 8 + static_cast<std::size_t>(__builtin_ctzll(high)) / 8;
      if (left <= 16) return size;
    }
  }
#endif
  while (at < size && (trace_state_chars.bits[static_cast<unsigned char>(text[at])] & TraceStateChars::value)) ++at;
  return at;
}
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
    // One pass: each member is checked against the grammar of is_valid_key and
    // is_valid_value as its characters are found (values 16 bytes at a time), and remembered
    // as a piece of `header`; nothing is copied before the whole list is valid.
    // Uninitialised: zeroing 32 entries would cost more than parsing a typical list.
    alignas(Found) unsigned char storage[sizeof(Found) * max_members];
    Found* found = reinterpret_cast<Found*>(storage);
    std::size_t count = 0;     // kept: the first occurrence of each key
    std::size_t received = 0;  // every member, duplicates included
    std::size_t text_size = 0;  // of the serialised list: the kept members and their separators
    const char* const text = header.data();
    const std::size_t size = header.size();
    const unsigned char* const classes = detail::trace_state_chars.bits;
    const auto is = [&](std::size_t at, unsigned char cls) noexcept {
      return (classes[static_cast<unsigned char>(text[at])] & cls) != 0;
    };
    std::size_t at = 0;
    for (;;) {
      // Separators, empty members and the optional whitespace before a member.
      while (at < size && (text[at] == ',' || text[at] == ' ' || text[at] == '\t')) ++at;
      if (at == size) break;
      const std::size_t key = at;
      if (!is(at, detail::TraceStateChars::key_first)) return {};
      for (++at; at < size && is(at, detail::TraceStateChars::key); ++at) {
      }
      const std::size_t key_size = at - key;
      if (key_size > 256 || at == size || text[at] != '=') return {};
      const std::size_t value = ++at;
      at = detail::trace_state_value_end(text, at, size);  // spaces included
      std::size_t value_size = at - value;
      // The whitespace after a member, then the end or a comma; a value may hold spaces but
      // not end in one, so its trailing spaces are that whitespace.
      while (value_size > 0 && text[value + value_size - 1] == ' ') --value_size;
      while (at < size && (text[at] == ' ' || text[at] == '\t')) ++at;
      if (value_size == 0 || value_size > 256 || (at < size && text[at] != ',')) return {};
      if (++received > max_members) return {};
      const std::string_view name(text + key, key_size);
      if (!contains_key(found, count, name)) {
        new (found + count++) Found{name, value_size};
        text_size += key_size + 1 + value_size;
      }
    }
    if (count == 0) return {};
    return TraceState(found, count, text_size + count - 1);
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

  // A member as parse finds it: its key in the header, and the length of the value that
  // follows the key's '='.
  struct Found {
    std::string_view key;
    std::size_t value_size;
    const char* end() const noexcept { return key.data() + key.size() + 1 + value_size; }
  };

  static Block* allocate(std::size_t count, std::size_t header_size) {
    void* memory = ::operator new(sizeof(Block) + count * sizeof(Member) + header_size);
    Block* block = new (memory) Block();
    block->count = count;
    block->header_size = header_size;
    return block;
  }

  // Builds the list from the members parse found in one header (at least one): each run of
  // members that follow one another there with one ',' between them is copied at once, so
  // a header already in canonical form (the usual case) is one copy.
  TraceState(const Found* found, std::size_t count, std::size_t header_size) : block_(allocate(count, header_size)) {
    char* out = block_->text();
    Member* members = block_->members();
    for (std::size_t i = 0; i < count;) {
      std::size_t end = i + 1;
      while (end < count && found[end].key.data() == found[end - 1].end() + 1 && *found[end - 1].end() == ',') ++end;
      const char* run = found[i].key.data();
      const std::size_t run_size = static_cast<std::size_t>(found[end - 1].end() - run);
      if (i > 0) *out++ = ',';
      std::memcpy(out, run, run_size);
      for (; i < end; ++i) {
        const char* key = out + (found[i].key.data() - run);
        const std::size_t key_size = found[i].key.size();
        new (members + i) Member{std::string_view(key, key_size), std::string_view(key + key_size + 1, found[i].value_size)};
      }
      out += run_size;
    }
  }

  // Builds the list from members that may point anywhere (another list, set's new member).
  TraceState(const Member* members, std::size_t count) {
    if (count == 0) return;
    std::size_t header_size = count - 1;  // separators
    for (std::size_t i = 0; i < count; ++i) header_size += member_length(members[i]);
    Block* block = allocate(count, header_size);
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
  template <class Entry>  // Member or Found
  static bool contains_key(const Entry* entries, std::size_t count, std::string_view key) noexcept {
    // Keys of one length are common (`dd`, `ot`, `es`): their ends are compared first, so
    // that distinct keys rarely cost a call to memcmp.
    for (std::size_t i = 0; i < count; ++i) {
      const std::string_view other = entries[i].key;
      if (other.size() == key.size() && other.back() == key.back() && other.front() == key.front() && other == key) {
        return true;
      }
    }
    return false;
  }

  Block* block_ = nullptr;
};

}  // namespace v0
}  // namespace tracewire
