// SpanContext: the part of a span that crosses process boundaries.
#pragma once

#include "tracewire/core/span_id.hpp"
#include "tracewire/core/trace_flags.hpp"
#include "tracewire/core/trace_id.hpp"
#include "tracewire/core/trace_state.hpp"

namespace tracewire {
inline namespace v0 {

/// The identity of a span as propagators carry it: trace id, span id, flags, tracestate,
/// and whether it was received from another process. Valid when both ids are non-zero.
struct SpanContext {
  TraceId trace_id;
  SpanId span_id;
  TraceFlags flags;
  TraceState trace_state;
  bool is_remote = false;

  bool is_valid() const noexcept { return trace_id.is_valid() && span_id.is_valid(); }
  bool sampled() const noexcept { return flags.sampled(); }

  friend bool operator==(const SpanContext& a, const SpanContext& b) noexcept {
    return a.trace_id == b.trace_id && a.span_id == b.span_id && a.flags == b.flags && a.trace_state == b.trace_state &&
           a.is_remote == b.is_remote;
  }
  friend bool operator!=(const SpanContext& a, const SpanContext& b) noexcept { return !(a == b); }
};

}  // namespace v0
}  // namespace tracewire
