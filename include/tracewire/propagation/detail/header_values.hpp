// Reading single and repeated header values.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "tracewire/propagation/text_map_carrier.hpp"

namespace tracewire {
inline namespace v0 {
namespace detail {

/// What a carrier holds for a header that must appear once.
struct SingleHeader {
  std::optional<std::string_view> value;  // set only when exactly one distinct value is present
  bool conflicting = false;               // present more than once with different values
};

/// Reads a header that carries one value (`traceparent`, `b3`, `uber-trace-id`, ...).
/// Identical repeats (a proxy appending the same header twice) count as one; different
/// values are ambiguous, so none of them is used (the W3C test suite expects a restart).
inline SingleHeader get_single(const TextMapGetter& carrier, std::string_view key) {
  SingleHeader result;
  carrier.get_all(key, [&result](std::string_view value) {
    if (!result.value) {
      result.value = value;
    } else if (*result.value != value) {
      result.conflicting = true;
    }
  });
  if (result.conflicting) result.value.reset();
  return result;
}

/// Reads a list-valued header (`tracestate`, `baggage`): every field is combined with ','
/// as RFC 7230 §3.2.2 says. A single field is returned as a view into the carrier, so the
/// common case copies nothing; several are joined into `storage`.
inline std::optional<std::string_view> get_combined(const TextMapGetter& carrier, std::string_view key,
                                                    std::string& storage) {
  // One pointer captured, so the std::function the carrier takes stores it without allocating.
  struct State {
    std::optional<std::string_view> first;
    bool joined = false;
    std::string* storage;
  } state{std::nullopt, false, &storage};
  carrier.get_all(key, [s = &state](std::string_view value) {
    if (!s->first) {
      s->first = value;
      return;
    }
    if (!s->joined) {
      s->storage->assign(s->first->data(), s->first->size());
      s->joined = true;
    }
    s->storage->append(1, ',').append(value.data(), value.size());
  });
  if (state.joined) return std::string_view(storage);
  return state.first;
}

}  // namespace detail
}  // namespace v0
}  // namespace tracewire
