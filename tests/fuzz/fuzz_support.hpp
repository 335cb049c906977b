// What the libFuzzer targets share: turning the input into header values and arbitrary
// contexts, and the properties every propagator must keep. A broken property aborts, so
// libFuzzer saves the input as a crash.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "support/headers.hpp"
#include "tracewire/core/logger.hpp"
#include "tracewire/core/span_context.hpp"

#define TRACEWIRE_FUZZ_CHECK(condition)                                                \
  do {                                                                                 \
    if (!(condition)) tracewire_fuzz::property_broken(#condition, __FILE__, __LINE__); \
  } while (false)

namespace tracewire_fuzz {

using tracewire_test::Headers;

[[noreturn]] inline void property_broken(const char* property, const char* file, int line) {
  std::fprintf(stderr, "%s:%d: property broken: %s\n", file, line, property);
  std::abort();
}

/// Drops tracewire's diagnostics: hostile input makes every parser warn, and formatting the
/// warnings is not what is being fuzzed (they are rate-limited anyway).
class SilentLogger final : public tracewire::Logger {
 public:
  void log(tracewire::LogLevel, std::string_view) noexcept override {}
};
inline void silence_diagnostics() { tracewire::set_logger(std::make_shared<SilentLogger>()); }

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

/// The input cut at '\n': one header value per line (the whole input, newlines included, is
/// also fed to the parsers directly).
inline std::vector<std::string_view> lines(std::string_view text) {
  std::vector<std::string_view> result;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    result.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return result;
}

/// An arbitrary span context from the first 25 bytes (trace id, span id, flags), which are
/// removed from `text`; nullopt when the input is shorter. The ids may be zero (invalid).
inline std::optional<tracewire::SpanContext> take_context(std::string_view& text) {
  if (text.size() < 25) return std::nullopt;
  std::uint64_t words[3];
  std::memcpy(words, text.data(), sizeof words);
  tracewire::SpanContext context;
  context.trace_id = tracewire::TraceId::from_halves(words[0], words[1]);
  context.span_id = tracewire::SpanId::from_u64(words[2]);
  context.flags = tracewire::TraceFlags(static_cast<std::uint8_t>(text[24]));
  text.remove_prefix(25);
  return context;
}

/// Injects `context`, checks that every header written is visible ASCII (no CR, LF or other
/// control character, whatever the context holds), and extracts the result again.
inline tracewire::Context round_trip(const tracewire::TextMapPropagator& propagator, const tracewire::Context& context,
                                     Headers* written = nullptr) {
  Headers headers = tracewire_test::inject(propagator, context);
  TRACEWIRE_FUZZ_CHECK(tracewire_test::is_clean(headers));
  tracewire::Context back = tracewire_test::extract(propagator, headers);
  if (written != nullptr) *written = std::move(headers);
  return back;
}

/// The part of a span context every format carries: both ids and the sampled flag, and
/// that it came from a remote process. An invalid context must not come back at all.
inline void check_identity_survives(const tracewire::SpanContext& sent, const tracewire::SpanContext& back) {
  if (!sent.is_valid()) {
    TRACEWIRE_FUZZ_CHECK(!back.is_valid());
    return;
  }
  TRACEWIRE_FUZZ_CHECK(back.trace_id == sent.trace_id);
  TRACEWIRE_FUZZ_CHECK(back.span_id == sent.span_id);
  TRACEWIRE_FUZZ_CHECK(back.sampled() == sent.sampled());
  TRACEWIRE_FUZZ_CHECK(back.is_remote);
}

/// Extracting from headers that hold nothing valid must give back the (empty) base context.
inline void check_nothing_found(const tracewire::Context& extracted) {
  TRACEWIRE_FUZZ_CHECK(!extracted.span_context().is_valid());
  TRACEWIRE_FUZZ_CHECK(extracted.span_context() == tracewire::SpanContext());
}

}  // namespace tracewire_fuzz

// Every target wants the library's rate-limited warnings silenced (hostile input triggers
// them on every run); each target includes this header from its one translation unit.
extern "C" int LLVMFuzzerInitialize(int*, char***) {
  tracewire_fuzz::silence_diagnostics();
  return 0;
}
