// SpanData: the record of one span, written while it runs and read by exporters.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

#include "tracewire/core/attribute_value.hpp"
#include "tracewire/core/detail/arena.hpp"
#include "tracewire/core/detail/attribute_insert.hpp"
#include "tracewire/core/instrumentation_scope.hpp"
#include "tracewire/core/resource.hpp"
#include "tracewire/core/span_context.hpp"
#include "tracewire/core/span_kind.hpp"
#include "tracewire/core/span_limits.hpp"

namespace tracewire {
inline namespace v0 {

class SpanData;

namespace detail {
class SpanDataPool;
void set_record_pool(SpanData& record, SpanDataPool* pool) noexcept;

/// Where a span record goes back when its last owner lets go: implemented by the SDK's
/// per-thread record pool (trace/detail/span_record_pool.hpp), called by SpanDataPtr.
class SpanDataPool {
 public:
  virtual void recycle(SpanData* record) noexcept = 0;

 protected:
  ~SpanDataPool() = default;
};
}  // namespace detail

/// A timed event recorded on a span.
struct SpanEvent {
  std::string_view name;
  std::uint64_t time_unix_nano = 0;
  ArrayView<KeyValue> attributes;
  std::uint32_t dropped_attributes_count = 0;
};

/// A link from a span to another span context (e.g. the messages of a batch).
struct SpanLink {
  SpanContext context;
  ArrayView<KeyValue> attributes;
  std::uint32_t dropped_attributes_count = 0;
};

/// The record of one span. The SDK writes it while the span runs (bounded by SpanLimits,
/// strings copied into the record's own arena with invalid UTF-8 replaced) and hands the
/// finished record to processors; exporters read it through the const accessors. Records
/// are pooled: `reset()` keeps every buffer's capacity, so a reused record allocates
/// nothing. Tests and custom pipelines may build records directly with the setters.
///
/// A record is owned through SpanDataPtr (an intrusive reference count), which returns it
/// to its pool when the last processor lets go of it.
class SpanData {
 public:
  SpanData() noexcept : arena_(inline_bytes_, sizeof(inline_bytes_)) {}
  /// Deep copy (strings and arrays are copied into the new record's arena); the copy
  /// belongs to no pool. Resource, scope and limits are shared by pointer.
  SpanData(const SpanData& other) : SpanData() { copy_from(other); }
  SpanData& operator=(const SpanData& other) {
    if (this != &other) copy_from(other);
    return *this;
  }

  // ---- read side (exporters) ----
  std::string_view name() const noexcept { return name_; }
  SpanKind kind() const noexcept { return kind_; }
  const SpanContext& context() const noexcept { return context_; }
  const TraceId& trace_id() const noexcept { return context_.trace_id; }
  const SpanId& span_id() const noexcept { return context_.span_id; }
  /// The parent's span id; invalid (all zero) for a root span.
  const SpanId& parent_span_id() const noexcept { return parent_span_id_; }
  /// True if the parent came from another process (OTLP span flags 0x200).
  bool parent_is_remote() const noexcept { return parent_is_remote_; }
  std::uint64_t start_time_unix_nano() const noexcept { return start_time_unix_nano_; }
  std::uint64_t end_time_unix_nano() const noexcept { return end_time_unix_nano_; }
  ArrayView<KeyValue> attributes() const noexcept { return {attributes_.data(), attributes_.size()}; }
  ArrayView<SpanEvent> events() const noexcept { return {events_.data(), events_.size()}; }
  ArrayView<SpanLink> links() const noexcept { return {links_.data(), links_.size()}; }
  StatusCode status_code() const noexcept { return status_code_; }
  std::string_view status_message() const noexcept { return status_message_; }
  std::uint32_t dropped_attributes_count() const noexcept { return dropped_attributes_count_; }
  std::uint32_t dropped_events_count() const noexcept { return dropped_events_count_; }
  std::uint32_t dropped_links_count() const noexcept { return dropped_links_count_; }
  const Resource& resource() const noexcept { return resource_ ? *resource_ : empty_resource(); }
  const InstrumentationScope& scope() const noexcept { return scope_ ? *scope_ : empty_scope(); }
  const SpanLimits& limits() const noexcept { return limits_ ? *limits_ : default_limits(); }

  /// The value of attribute `key`, or nullptr.
  const AttributeValue* attribute(std::string_view key) const noexcept {
    for (const KeyValue& attribute : attributes_) {
      if (attribute.key == key) return &attribute.value;
    }
    return nullptr;
  }

  // ---- write side (the SDK, tests) ----

  /// Empties the record for reuse, keeping its buffers' capacity.
  void reset() noexcept {
    name_ = {};
    kind_ = SpanKind::internal;
    context_ = SpanContext();
    parent_span_id_ = SpanId();
    parent_is_remote_ = false;
    start_time_unix_nano_ = end_time_unix_nano_ = 0;
    attributes_.clear();
    events_.clear();
    links_.clear();
    status_code_ = StatusCode::unset;
    status_message_ = {};
    dropped_attributes_count_ = dropped_events_count_ = dropped_links_count_ = 0;
    resource_ = nullptr;
    scope_ = nullptr;
    limits_ = nullptr;
    replaced_bytes_ = 0;
    arena_.reset();
    held_excess_storage_ = false;
  }

  /// Resource, scope and limits are borrowed: they must outlive the record's export.
  void set_origin(const Resource* resource, const InstrumentationScope* scope, const SpanLimits* limits) noexcept {
    resource_ = resource;
    scope_ = scope;
    limits_ = limits;
  }
  void set_name(std::string_view name) { name_ = arena_.copy_string(name); }
  void set_kind(SpanKind kind) noexcept { kind_ = kind; }
  void set_context(SpanContext context) noexcept { context_ = std::move(context); }
  void set_parent(const SpanId& parent, bool is_remote) noexcept {
    parent_span_id_ = parent;
    parent_is_remote_ = is_remote;
  }
  void set_start_time(std::uint64_t unix_nano) noexcept { start_time_unix_nano_ = unix_nano; }
  void set_end_time(std::uint64_t unix_nano) noexcept { end_time_unix_nano_ = unix_nano; }

  /// Sets one attribute: an existing key is overwritten; a new key beyond the count limit
  /// is dropped and counted; an empty key is ignored (the specification forbids it).
  void set_attribute(std::string_view key, const AttributeValue& value) {
    detail::insert_attribute(attributes_, arena_, key, value, limits().attribute_count, limits().attribute_value_length,
                             dropped_attributes_count_, [this](const AttributeValue& old_value) {
                               replaced_bytes_ += stored_bytes(old_value);
                               if (replaced_bytes_ > compaction_threshold) compact();
                             });
  }

  /// Adds an event; beyond the event limit it is dropped and counted.
  void add_event(std::string_view name, std::uint64_t time_unix_nano, ArrayView<KeyValue> attributes = {}) {
    if (events_.size() >= limits().event_count) {
      ++dropped_events_count_;
      return;
    }
    SpanEvent event;
    event.name = arena_.copy_string(name);
    event.time_unix_nano = time_unix_nano;
    event.attributes = copy_attributes(attributes, limits().attributes_per_event, event.dropped_attributes_count);
    events_.push_back(event);
  }

  /// Adds a link; beyond the link limit it is dropped and counted.
  void add_link(const SpanContext& context, ArrayView<KeyValue> attributes = {}) {
    if (links_.size() >= limits().link_count) {
      ++dropped_links_count_;
      return;
    }
    SpanLink link;
    link.context = context;
    link.attributes = copy_attributes(attributes, limits().attributes_per_link, link.dropped_attributes_count);
    links_.push_back(std::move(link));
  }

  /// Applies the specification's status rules: Unset is ignored, Ok is final, and the
  /// description is kept only with Error.
  void set_status(StatusCode code, std::string_view message = {}) {
    if (code == StatusCode::unset || status_code_ == StatusCode::ok) return;
    status_code_ = code;
    status_message_ = code == StatusCode::error ? arena_.copy_string(message) : std::string_view();
  }

  /// Bytes of storage the record holds for its strings and arrays (inline buffer and heap
  /// blocks): what a pooled record keeps between spans.
  std::size_t storage_bytes() const noexcept { return arena_.capacity(); }
  /// Whether the record held more heap storage than a reset keeps (see Arena) when
  /// `note_storage()` was last called: a pool resets such a record as soon as it comes back,
  /// so that an idle pooled record never keeps more. Kept next to the reference count, so
  /// that the thread releasing a record reads one of its cache lines, not two.
  bool held_excess_storage() const noexcept { return held_excess_storage_; }
  /// Notes the record's storage for `held_excess_storage()`; the SDK calls it when the span
  /// ends, on the thread that wrote it.
  void note_storage() noexcept { held_excess_storage_ = arena_.holds_more_than_retained(); }

  /// Counts attributes dropped before they reached the record (e.g. by a sampler).
  void add_dropped_attributes(std::uint32_t count) noexcept { dropped_attributes_count_ += count; }

  // ---- ownership (SpanDataPtr) ----
 private:
  friend class SpanDataPtr;
  friend void detail::set_record_pool(SpanData& record, detail::SpanDataPool* pool) noexcept;

  /// What a value occupies in the arena.
  static std::size_t stored_bytes(const AttributeValue& value) noexcept {
    switch (value.type()) {
      case AttributeType::string:
        return value.get_if<std::string_view>()->size();
      case AttributeType::bool_array:
        return value.get_if<ArrayView<bool>>()->size();
      case AttributeType::int64_array:
        return value.get_if<ArrayView<std::int64_t>>()->size() * sizeof(std::int64_t);
      case AttributeType::floating_array:
        return value.get_if<ArrayView<double>>()->size() * sizeof(double);
      case AttributeType::string_array: {
        std::size_t bytes = 0;
        for (std::string_view text : *value.get_if<ArrayView<std::string_view>>()) bytes += sizeof(text) + text.size();
        return bytes;
      }
      default:
        return 0;
    }
  }

  /// Values overwritten in place would otherwise stay in the arena until the record is
  /// reused: past this many replaced bytes, the live strings move to a fresh arena.
  static constexpr std::size_t compaction_threshold = 64 * 1024;

  /// Copies everything the record points to into a fresh arena and drops the old blocks
  /// (keeping the inline buffer for the next use). Amortised: it runs after at least
  /// `compaction_threshold` bytes were replaced, and copies what is live.
  void compact() {
    // Everything is copied before anything is replaced: an allocation failure leaves the
    // record as it was.
    detail::Arena fresh;
    const std::string_view name = fresh.copy_string(name_);
    std::vector<KeyValue> attributes;
    attributes.reserve(attributes_.size());
    for (const KeyValue& attribute : attributes_) attributes.push_back(fresh.copy_key_value(attribute));
    std::vector<SpanEvent> events = events_;
    for (SpanEvent& event : events) {
      event.name = fresh.copy_string(event.name);
      event.attributes = copy_key_values(fresh, event.attributes);
    }
    std::vector<SpanLink> links = links_;
    for (SpanLink& link : links) link.attributes = copy_key_values(fresh, link.attributes);
    const std::string_view status_message = fresh.copy_string(status_message_);
    name_ = name;
    attributes_.swap(attributes);
    events_.swap(events);
    links_.swap(links);
    status_message_ = status_message;
    arena_.replace_blocks(std::move(fresh));
    replaced_bytes_ = 0;
  }

  ArrayView<KeyValue> copy_attributes(ArrayView<KeyValue> attributes, std::size_t limit, std::uint32_t& dropped) {
    if (attributes.empty()) return {};
    const std::size_t length_limit = limits().attribute_value_length;
    detail::KeyValueSlots out(
        static_cast<KeyValue*>(arena_.allocate(sizeof(KeyValue) * attributes.size(), alignof(KeyValue))));
    for (const KeyValue& attribute : attributes) {
      detail::insert_attribute(out, arena_, attribute.key, attribute.value, limit, length_limit, dropped);
    }
    return out.view();
  }

  void copy_from(const SpanData& other) {
    reset();
    set_origin(other.resource_, other.scope_, other.limits_);
    name_ = arena_.copy_string(other.name_);
    kind_ = other.kind_;
    context_ = other.context_;
    parent_span_id_ = other.parent_span_id_;
    parent_is_remote_ = other.parent_is_remote_;
    start_time_unix_nano_ = other.start_time_unix_nano_;
    end_time_unix_nano_ = other.end_time_unix_nano_;
    for (const KeyValue& attribute : other.attributes_) attributes_.push_back(arena_.copy_key_value(attribute));
    for (const SpanEvent& event : other.events_) {
      SpanEvent copy = event;
      copy.name = arena_.copy_string(event.name);
      copy.attributes = copy_key_values(event.attributes);
      events_.push_back(copy);
    }
    for (const SpanLink& link : other.links_) {
      SpanLink copy = link;
      copy.attributes = copy_key_values(link.attributes);
      links_.push_back(std::move(copy));
    }
    status_code_ = other.status_code_;
    status_message_ = arena_.copy_string(other.status_message_);
    dropped_attributes_count_ = other.dropped_attributes_count_;
    dropped_events_count_ = other.dropped_events_count_;
    dropped_links_count_ = other.dropped_links_count_;
  }

  ArrayView<KeyValue> copy_key_values(ArrayView<KeyValue> attributes) { return copy_key_values(arena_, attributes); }
  static ArrayView<KeyValue> copy_key_values(detail::Arena& arena, ArrayView<KeyValue> attributes) {
    if (attributes.empty()) return {};
    auto* out = static_cast<KeyValue*>(arena.allocate(sizeof(KeyValue) * attributes.size(), alignof(KeyValue)));
    for (std::size_t i = 0; i < attributes.size(); ++i) new (out + i) KeyValue(arena.copy_key_value(attributes[i]));
    return {out, attributes.size()};
  }

  static const Resource& empty_resource() noexcept {
    static const Resource resource;
    return resource;
  }
  static const InstrumentationScope& empty_scope() noexcept {
    static const InstrumentationScope scope;
    return scope;
  }
  static const SpanLimits& default_limits() noexcept {
    static const SpanLimits limits;
    return limits;
  }

  std::string_view name_;
  SpanKind kind_ = SpanKind::internal;
  bool parent_is_remote_ = false;
  StatusCode status_code_ = StatusCode::unset;
  SpanContext context_;
  SpanId parent_span_id_;
  std::uint64_t start_time_unix_nano_ = 0;
  std::uint64_t end_time_unix_nano_ = 0;
  std::vector<KeyValue> attributes_;
  std::vector<SpanEvent> events_;
  std::vector<SpanLink> links_;
  std::string_view status_message_;
  std::uint32_t dropped_attributes_count_ = 0;
  std::uint32_t dropped_events_count_ = 0;
  std::uint32_t dropped_links_count_ = 0;
  std::size_t replaced_bytes_ = 0;  // arena bytes of overwritten attribute values
  const Resource* resource_ = nullptr;
  const InstrumentationScope* scope_ = nullptr;
  const SpanLimits* limits_ = nullptr;
  /// The first bytes of the record's strings and arrays live in the record itself (a span's
  /// name and a few short attributes need no other memory); longer ones spill to the arena's
  /// heap blocks, which are kept across reuse.
  static constexpr std::size_t inline_bytes = 256;
  alignas(16) unsigned char inline_bytes_[inline_bytes];
  detail::Arena arena_;
  std::atomic<std::uint32_t> references_{0};
  bool held_excess_storage_ = false;
  detail::SpanDataPool* pool_ = nullptr;
};

namespace detail {
/// Makes `pool` the place `record` returns to when its last SpanDataPtr lets go (none:
/// deleted). For the SDK's record pool.
inline void set_record_pool(SpanData& record, SpanDataPool* pool) noexcept { record.pool_ = pool; }
}  // namespace detail

/// Shared ownership of a SpanData record: copies are cheap (one atomic increment), and the
/// last release returns the record to its pool (or deletes it if it has none).
class SpanDataPtr {
 public:
  SpanDataPtr() noexcept = default;
  /// The first owner of `record`, a record no SpanDataPtr owns yet (fresh, or just taken
  /// from a pool): its reference count starts at one.
  static SpanDataPtr first_owner(SpanData* record) noexcept {
    SpanDataPtr owner;
    owner.record_ = record;
    if (record) record->references_.store(1, std::memory_order_relaxed);
    return owner;
  }
  /// A new heap record owned by no pool (tests, custom pipelines).
  static SpanDataPtr make() { return first_owner(new SpanData()); }

  SpanDataPtr(const SpanDataPtr& other) noexcept : record_(other.record_) {
    if (record_) record_->references_.fetch_add(1, std::memory_order_relaxed);
  }
  SpanDataPtr(SpanDataPtr&& other) noexcept : record_(std::exchange(other.record_, nullptr)) {}
  SpanDataPtr& operator=(SpanDataPtr other) noexcept {
    std::swap(record_, other.record_);
    return *this;
  }
  // The null test inline: a moved-from pointer (every hand-off leaves one) costs no call.
  ~SpanDataPtr() {
    if (record_) release_reference();
  }

  /// Gives up ownership without releasing the reference (to store the raw pointer, e.g. in
  /// a lock-free queue); `adopt` turns it back into an owner.
  [[nodiscard]] SpanData* release() noexcept { return std::exchange(record_, nullptr); }
  /// Takes over a reference previously given up by `release()` (the count is unchanged).
  static SpanDataPtr adopt(SpanData* released) noexcept {
    SpanDataPtr owner;
    owner.record_ = released;
    return owner;
  }

  SpanData* get() const noexcept { return record_; }
  SpanData& operator*() const noexcept { return *record_; }
  SpanData* operator->() const noexcept { return record_; }
  explicit operator bool() const noexcept { return record_ != nullptr; }

 private:
  void release_reference() noexcept {
    // The sole owner (the usual case: one processor) only reads the count. A read-modify-
    // write would take the line from the thread that filled the record, which then has to
    // fetch it back for its next span; a read leaves it shared. No other thread can add a
    // reference meanwhile: that needs one.
    if (record_ && (record_->references_.load(std::memory_order_acquire) == 1 ||
                    record_->references_.fetch_sub(1, std::memory_order_acq_rel) == 1)) {
      if (record_->pool_) {
        record_->pool_->recycle(record_);
      } else {
        delete record_;
      }
    }
    record_ = nullptr;
  }

  SpanData* record_ = nullptr;
};

}  // namespace v0
}  // namespace tracewire
