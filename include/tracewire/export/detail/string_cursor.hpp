// StringCursor: writes into a caller's std::string through a cursor (the JSON, Thrift and protobuf writers).
#pragma once

#include <cstddef>
#include <cstring>
#include <string>
#include <string_view>

namespace tracewire {
inline namespace v0 {
namespace detail {

/// Appends to a caller's string without a library call per write: the string is grown
/// ahead (doubling, so growth is amortised and a reused string, once at its working size,
/// never grows again), bytes are stored through a cursor, and `finish()` (or the
/// destructor) trims the string to what was written. `std::string`'s `append` and
/// `push_back` are out-of-line library calls, and making one or more per token was most of
/// the encoders' time. Until finished the string's tail is scratch space: the owner reads
/// the written size from `size()` and adds outside bytes through `write`.
///
/// Writing starts after the string's contents, or at `start` for an encoder that writes
/// each message over the previous one in the buffer it keeps: cheaper than clearing it,
/// since `std::string::resize` zero-fills and the cursor would then fill the whole
/// capacity again for every message (guarded by `BM_OtlpProtoEncode512`).
class StringCursor {
 public:
  /// Appends to `out`.
  explicit StringCursor(std::string& out) : StringCursor(out, out.size()) {}
  /// Writes from `start` (at most `out.size()`) on, over what `out` holds there.
  StringCursor(std::string& out, std::size_t start) : out_(out), size_(start) {
    if (out_.size() < out_.capacity()) out_.resize(out_.capacity());
  }
  StringCursor(const StringCursor&) = delete;
  StringCursor& operator=(const StringCursor&) = delete;
  ~StringCursor() { finish(); }

  /// Trims the string to what was written; writing may continue afterwards.
  void finish() { out_.resize(size_); }
  /// The bytes written, the string's earlier contents included.
  std::size_t size() const noexcept { return size_; }

  /// Makes room for `bytes` more; once the string has reached its working size this is one
  /// comparison.
  void reserve(std::size_t bytes) {
    if (bytes <= out_.size() - size_) return;
    std::size_t capacity = out_.size() < 256 ? 256 : out_.size();
    while (capacity - size_ < bytes) capacity *= 2;
    out_.resize(capacity);
  }
  /// Where the next byte goes, and how far a caller writing there directly got (which may
  /// also be back, over bytes written before).
  char* position() noexcept { return &out_[size_]; }
  void advance_to(const char* end) noexcept { size_ = static_cast<std::size_t>(end - out_.data()); }
  /// The byte written at `offset` (counted from the string's start), to patch it later.
  char* at(std::size_t offset) noexcept { return &out_[offset]; }

  /// One byte, after `reserve`.
  void put(char c) noexcept { out_[size_++] = c; }
  /// `size` bytes, after `reserve`.
  void put(const void* bytes, std::size_t size) noexcept {
    if (size != 0) std::memcpy(position(), bytes, size);
    size_ += size;
  }
  /// Any number of bytes (reserves them).
  void write(std::string_view bytes) {
    reserve(bytes.size());
    put(bytes.data(), bytes.size());
  }

 private:
  std::string& out_;
  std::size_t size_;
};

}  // namespace detail
}  // namespace v0
}  // namespace tracewire
