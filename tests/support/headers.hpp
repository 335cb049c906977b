// Test helpers: a header list as HTTP has it (ordered, repeatable), and one-line extract/inject.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "tracewire/propagation/text_map_propagator.hpp"

namespace tracewire_test {

using Headers = std::vector<std::pair<std::string, std::string>>;

inline tracewire::Context extract(const tracewire::TextMapPropagator& propagator, const Headers& headers,
                                  const tracewire::Context& base = tracewire::Context()) {
  return propagator.extract(tracewire::ContainerGetter(headers), base);
}

inline Headers inject(const tracewire::TextMapPropagator& propagator, const tracewire::Context& context) {
  Headers headers;
  tracewire::ContainerSetter setter(headers);
  propagator.inject(context, setter);
  return headers;
}

/// The value of `name` in `headers` (exact name), or "<absent>".
inline std::string header(const Headers& headers, const std::string& name) {
  for (const auto& [key, value] : headers) {
    if (key == name) return value;
  }
  return "<absent>";
}

/// True if every header name and value holds only visible ASCII and spaces: no control
/// character (what could split a request) and no raw non-ASCII byte (which proxies mangle).
inline bool is_clean(const Headers& headers) {
  for (const auto& [key, value] : headers) {
    for (const std::string* text : {&key, &value}) {
      for (char c : *text) {
        if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f) return false;
      }
    }
  }
  return true;
}

inline tracewire::SpanContext span_context(const std::string& trace_hex, const std::string& span_hex, bool sampled,
                                           const std::string& trace_state = "") {
  tracewire::SpanContext context;
  context.trace_id = *tracewire::TraceId::from_hex(trace_hex);
  context.span_id = *tracewire::SpanId::from_hex(span_hex);
  context.flags = tracewire::TraceFlags(sampled ? 1 : 0);
  context.trace_state = tracewire::TraceState::parse(trace_state);
  return context;
}

}  // namespace tracewire_test
