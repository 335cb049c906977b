// Arena: the bump allocator that gives each span record its inline storage.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <new>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#if defined(__unix__) || defined(__APPLE__)
#include <sys/mman.h>
#define TRACEWIRE_ARENA_CAN_MAP 1
#endif

#include "tracewire/core/attribute_value.hpp"
#include "tracewire/core/detail/inlining.hpp"
#include "tracewire/core/detail/utf8.hpp"

namespace tracewire {
inline namespace v0 {
namespace detail {

/// A chunked bump allocator whose addresses never move, so string_views and arrays that
/// point into it stay valid while it grows. `reset()` rewinds without freeing, which is
/// what makes a pooled span record allocation-free in steady state; blocks past
/// `retained_bytes` are released, so that a pooled record keeps at most that much however
/// large a span it once held.
class Arena {
 public:
  static constexpr std::size_t first_block_bytes = 512;
  static constexpr std::size_t retained_bytes = 8 * 1024;

  Arena() = default;
  /// An arena that fills `initial` (owned by the caller, e.g. a buffer inside the same
  /// record) before any heap block: short strings then cost no allocation and sit on the
  /// record's own cache lines. Such an arena must not be moved away from its buffer.
  Arena(unsigned char* initial, std::size_t size) noexcept
      : initial_(initial), initial_size_(size), in_initial_(true), region_(initial), region_size_(size) {}
  Arena(const Arena&) = delete;
  Arena& operator=(const Arena&) = delete;
  // A moved-from arena is empty: its region pointer must not keep pointing into the blocks
  // it gave away.
  Arena(Arena&& other) noexcept { take(other); }
  Arena& operator=(Arena&& other) noexcept {
    if (this != &other) take(other);
    return *this;
  }

  /// Raw storage for `bytes` bytes aligned to `alignment` (a power of two ≤ 16). The usual
  /// case — it fits in the current region — is a few inline instructions; moving to the
  /// next region or making a block is out of line.
  void* allocate(std::size_t bytes, std::size_t alignment) {
    const std::size_t start = (used_ + alignment - 1) & ~(alignment - 1);
    if (start + bytes <= region_size_) {
      used_ = start + bytes;
      return region_ + start;
    }
    return allocate_elsewhere(bytes, alignment);
  }

  /// Rewinds to empty. Blocks are kept up to `retained_bytes` in total.
  void reset() noexcept {
    std::size_t kept = 0;
    std::size_t count = 0;
    while (count < blocks_.size() && kept + blocks_[count].size <= retained_bytes) kept += blocks_[count++].size;
    blocks_.erase(blocks_.begin() + static_cast<std::ptrdiff_t>(count), blocks_.end());
    current_ = 0;
    used_ = 0;
    in_initial_ = initial_ != nullptr;
    if (in_initial_) {
      enter(initial_, initial_size_);
    } else if (!blocks_.empty()) {
      enter(blocks_.front().data.get(), blocks_.front().size);
    } else {
      enter(nullptr, 0);
    }
  }

  /// Copies `text`, replacing invalid UTF-8 with U+FFFD and keeping at most
  /// `max_characters` characters.
  std::string_view copy_string(std::string_view text, std::size_t max_characters = SIZE_MAX) {
    if (text.empty()) return {};
    // The usual case inline: short enough, ASCII, fits in the current region.
    if (text.size() <= max_characters && used_ + text.size() <= region_size_ && is_ascii(text)) {
      char* out = reinterpret_cast<char*>(region_ + used_);
      used_ += text.size();
      std::memcpy(out, text.data(), text.size());
      return {out, text.size()};
    }
    return copy_string_elsewhere(text, max_characters);
  }

  /// copy_string for the rest: non-ASCII (validated, repaired), truncated, or spilling.
  TRACEWIRE_NOINLINE std::string_view copy_string_elsewhere(std::string_view text, std::size_t max_characters) {
    if (is_valid_utf8(text)) {
      if (text.size() > max_characters) text = truncate_utf8(text, max_characters);
      char* out = static_cast<char*>(allocate(text.size(), 1));
      std::memcpy(out, text.data(), text.size());
      return {out, text.size()};
    }
    char* out = static_cast<char*>(allocate(text.size() * 3, 1));
    const std::size_t written = repair_utf8(text, out);
    return truncate_utf8(std::string_view(out, written), max_characters);
  }

  /// Copies a trivially copyable array.
  template <class T>
  ArrayView<T> copy_array(ArrayView<T> values) {
    static_assert(std::is_trivially_copyable_v<T>);
    if (values.empty()) return {};
    T* out = static_cast<T*>(allocate(sizeof(T) * values.size(), alignof(T)));
    std::memcpy(static_cast<void*>(out), values.data(), sizeof(T) * values.size());
    return ArrayView<T>(out, values.size());
  }

  /// Deep-copies an attribute value: strings and arrays end up in the arena; each string
  /// is repaired and truncated as in copy_string.
  AttributeValue copy_value(const AttributeValue& value, std::size_t max_characters = SIZE_MAX) {
    switch (value.type()) {
      case AttributeType::string:
        return copy_string(*value.get_if<std::string_view>(), max_characters);
      case AttributeType::bool_array:
        return copy_array(*value.get_if<ArrayView<bool>>());
      case AttributeType::int64_array:
        return copy_array(*value.get_if<ArrayView<std::int64_t>>());
      case AttributeType::floating_array:
        return copy_array(*value.get_if<ArrayView<double>>());
      case AttributeType::string_array: {
        const auto& strings = *value.get_if<ArrayView<std::string_view>>();
        if (strings.empty()) return ArrayView<std::string_view>();
        auto* out = static_cast<std::string_view*>(
            allocate(sizeof(std::string_view) * strings.size(), alignof(std::string_view)));
        for (std::size_t i = 0; i < strings.size(); ++i) {
          new (out + i) std::string_view(copy_string(strings[i], max_characters));
        }
        return ArrayView<std::string_view>(out, strings.size());
      }
      default:
        return value;  // scalars hold no pointers
    }
  }

  /// Copies a key and its value.
  KeyValue copy_key_value(const KeyValue& attribute, std::size_t max_characters = SIZE_MAX) {
    return {copy_string(attribute.key), copy_value(attribute.value, max_characters)};
  }

  /// Continues in `other`'s heap blocks, releasing this arena's own (what a record does when
  /// it compacts its strings into a fresh arena). The initial buffer stays this arena's, for
  /// use again after `reset()`.
  void replace_blocks(Arena&& other) noexcept {
    blocks_ = std::move(other.blocks_);
    current_ = other.current_;
    used_ = other.used_;
    in_initial_ = false;
    enter(other.region_, other.region_size_);
    other.blocks_.clear();
    other.enter(nullptr, 0);
    other.current_ = other.used_ = 0;
  }

  /// True if `reset()` would release memory: the blocks exceed what it retains.
  bool holds_more_than_retained() const noexcept { return capacity() - initial_size_ > retained_bytes; }

  /// Bytes held in blocks (for tests and memory accounting).
  std::size_t capacity() const noexcept {
    std::size_t total = initial_size_;
    for (const Block& block : blocks_) total += block.size;
    return total;
  }

 private:
  /// Blocks at least this large are mapped from the operating system and unmapped when
  /// released, rather than taken from malloc: after a burst of huge spans, malloc would keep
  /// the freed memory (fragmented, spread over thread arenas) resident.
  static constexpr std::size_t mapped_block_bytes = 128 * 1024;

  struct BlockRelease {
    std::size_t size = 0;
    bool mapped = false;
    void operator()(unsigned char* data) const noexcept {
#if defined(TRACEWIRE_ARENA_CAN_MAP)
      if (mapped) {
        ::munmap(data, size);
        return;
      }
#endif
      delete[] data;
    }
  };
  struct Block {
    std::unique_ptr<unsigned char[], BlockRelease> data;
    std::size_t size;
  };

  static Block make_block(std::size_t size) {
#if defined(TRACEWIRE_ARENA_CAN_MAP)
    if (size >= mapped_block_bytes) {
      void* mapped = ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
      if (mapped == MAP_FAILED) throw std::bad_alloc();
      return Block{std::unique_ptr<unsigned char[], BlockRelease>(static_cast<unsigned char*>(mapped), {size, true}),
                   size};
    }
#endif
    return Block{std::unique_ptr<unsigned char[], BlockRelease>(new unsigned char[size], {size, false}), size};
  }

  void enter(unsigned char* region, std::size_t size) noexcept {
    region_ = region;
    region_size_ = size;
  }

  void take(Arena& other) noexcept {
    blocks_ = std::move(other.blocks_);
    current_ = std::exchange(other.current_, 0);
    used_ = std::exchange(other.used_, 0);
    initial_ = std::exchange(other.initial_, nullptr);
    initial_size_ = std::exchange(other.initial_size_, 0);
    in_initial_ = std::exchange(other.in_initial_, false);
    region_ = std::exchange(other.region_, nullptr);
    region_size_ = std::exchange(other.region_size_, 0);
    other.blocks_.clear();
  }

  /// The current region is full: spill from the initial buffer into the heap blocks, move
  /// to the next kept block, or make a new one.
  TRACEWIRE_NOINLINE void* allocate_elsewhere(std::size_t bytes, std::size_t alignment) {
    if (in_initial_) {
      in_initial_ = false;
      current_ = 0;
      used_ = 0;
    }
    for (;;) {
      if (current_ < blocks_.size()) {
        Block& block = blocks_[current_];
        const std::size_t start = (used_ + alignment - 1) & ~(alignment - 1);
        if (start + bytes <= block.size) {
          enter(block.data.get(), block.size);
          used_ = start + bytes;
          return block.data.get() + start;
        }
        if (current_ + 1 < blocks_.size() && blocks_[current_ + 1].size >= bytes + alignment) {
          ++current_;
          used_ = 0;
          continue;
        }
      }
      const std::size_t previous = blocks_.empty() ? first_block_bytes / 2 : blocks_.back().size;
      const std::size_t size = std::max(previous * 2, bytes + alignment);
      // A block inserted after the current one keeps later (possibly larger) blocks reusable.
      const std::size_t at = blocks_.empty() ? 0 : current_ + 1;
      blocks_.insert(blocks_.begin() + static_cast<std::ptrdiff_t>(at), make_block(size));
      current_ = at;
      used_ = 0;
    }
  }

  std::vector<Block> blocks_;
  std::size_t current_ = 0;
  std::size_t used_ = 0;
  unsigned char* initial_ = nullptr;
  std::size_t initial_size_ = 0;
  bool in_initial_ = false;  // allocating from `initial_` (used_ is its offset)
  /// Where allocate() bumps `used_`: `initial_` or the current block (none at first).
  unsigned char* region_ = nullptr;
  std::size_t region_size_ = 0;
};

}  // namespace detail
}  // namespace v0
}  // namespace tracewire
