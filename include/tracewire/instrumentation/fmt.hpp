// fmt formatters for TraceId, SpanId and SpanContext: trace ids in log lines and messages.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>

#include <fmt/format.h>

#include "tracewire/core/detail/hex.hpp"
#include "tracewire/core/span_context.hpp"
#include "tracewire/core/span_id.hpp"
#include "tracewire/core/trace_id.hpp"

namespace tracewire {
inline namespace v0 {
namespace detail {

/// The part of fmt's formatter protocol the id formatters share: no format specification
/// is accepted (`{}` only), so that an id is always written in the one form log
/// processors and backends search for; `{:x}` or a width is a compile-time error with
/// FMT_STRING and C++20 format strings, and a fmt::format_error otherwise.
struct IdFormatterBase {
  template <class ParseContext>
  constexpr auto parse(ParseContext& context) -> decltype(context.begin()) {
    auto it = context.begin();
    if (it != context.end() && *it != '}')
      throw fmt::format_error("tracewire ids take no format specification: use {}");
    return it;
  }
};

/// Writes the `size` characters of `text` to a formatter's output.
template <class Output>
Output copy_chars(const char* text, std::size_t size, Output out) {
  return std::copy(text, text + size, out);
}

/// The formatter of an id type (TraceId, SpanId): its bytes in lowercase hex.
template <class Id>
struct IdFormatter : IdFormatterBase {
  template <class FormatContext>
  auto format(const Id& id, FormatContext& context) const -> decltype(context.out()) {
    char hex[2 * Id::size];
    id.write_hex(hex);
    return copy_chars(hex, sizeof hex, context.out());
  }
};

}  // namespace detail
}  // namespace v0
}  // namespace tracewire

namespace fmt {

/// `fmt::format("{}", trace_id)`: the 32 lowercase hex digits W3C `traceparent`, OTLP/JSON
/// and every backend's search box use.
///
/// **Example**: `fmt::print("trace {} failed\n", span.context().trace_id);`
template <>
struct formatter<tracewire::TraceId> : tracewire::detail::IdFormatter<tracewire::TraceId> {};

/// `fmt::format("{}", span_id)`: 16 lowercase hex digits.
template <>
struct formatter<tracewire::SpanId> : tracewire::detail::IdFormatter<tracewire::SpanId> {};

/// `fmt::format("{}", span_context)`: the context as a W3C `traceparent` value,
/// `00-<trace id>-<span id>-<flags>` (the flags as W3C defines them: 01 when sampled), so
/// that a log line can be pasted into a request to continue its trace.
template <>
struct formatter<tracewire::SpanContext> : tracewire::detail::IdFormatterBase {
  template <class FormatContext>
  auto format(const tracewire::SpanContext& span, FormatContext& context) const -> decltype(context.out()) {
    constexpr std::size_t trace = 2 * tracewire::TraceId::size, id = 2 * tracewire::SpanId::size;
    char text[3 + trace + 1 + id + 3] = {'0', '0', '-'};
    span.trace_id.write_hex(text + 3);
    text[3 + trace] = '-';
    span.span_id.write_hex(text + 4 + trace);
    const std::uint8_t flags = span.flags.bits() & tracewire::TraceFlags::w3c_bits;
    text[4 + trace + id] = '-';
    tracewire::detail::write_hex(&flags, 1, text + 5 + trace + id);
    return tracewire::detail::copy_chars(text, sizeof text, context.out());
  }
};

}  // namespace fmt
