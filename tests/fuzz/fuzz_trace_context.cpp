// libFuzzer target: W3C `traceparent` and `tracestate` (TraceContextPropagator, TraceState).
// Input: the first line is a traceparent value, every further line a tracestate field; the
// first 25 bytes also make an arbitrary context, and the rest its tracestate, for inject.
#include "fuzz_support.hpp"
#include "tracewire/propagation/trace_context_propagator.hpp"

using namespace tracewire;
using namespace tracewire_fuzz;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const TraceContextPropagator w3c;
  std::string_view input = as_text(data, size);
  (void)TraceContextPropagator::parse_traceparent(input);
  (void)TraceState::parse(input);

  // The word-at-a-time id parser agrees with the digit table on whatever the input starts with.
  if (input.size() >= 32) {
    std::uint8_t expected[16];
    bool valid = true;
    for (std::size_t i = 0; i < 16; ++i) {
      const int high = detail::lower_hex_value(input[2 * i]);
      const int low = detail::lower_hex_value(input[2 * i + 1]);
      valid = valid && high >= 0 && low >= 0;
      if (valid) expected[i] = static_cast<std::uint8_t>(high * 16 + low);
    }
    const std::optional<TraceId> id = TraceId::from_hex(input.substr(0, 32));
    TRACEWIRE_FUZZ_CHECK(id.has_value() == valid);
    if (id && valid) TRACEWIRE_FUZZ_CHECK(std::memcmp(id->bytes().data(), expected, 16) == 0);
  }

  // Extract, then extract(inject(context)) == context: ids, flags, remoteness and the
  // tracestate, which inject truncates to 512 characters by dropping whole members.
  const std::vector<std::string_view> values = lines(input);
  Headers headers{{"traceparent", std::string(values[0])}};
  for (std::size_t i = 1; i < values.size(); ++i) headers.emplace_back("TraceState", std::string(values[i]));
  const Context extracted = tracewire_test::extract(w3c, headers);
  const SpanContext& found = extracted.span_context();
  if (!found.is_valid()) {
    check_nothing_found(extracted);
  } else {
    TRACEWIRE_FUZZ_CHECK(found.is_remote);
    TRACEWIRE_FUZZ_CHECK((found.flags.bits() & ~TraceContextPropagator::known_flags) == 0);
    SpanContext expected = found;
    if (found.trace_state.header().size() > TraceState::propagated_length) {
      expected.trace_state = TraceState::parse(found.trace_state.to_header());
      TRACEWIRE_FUZZ_CHECK(expected.trace_state.header().size() <= TraceState::propagated_length);
    }
    TRACEWIRE_FUZZ_CHECK(round_trip(w3c, extracted).span_context() == expected);
  }

  // Inject whatever a context holds: the written headers stay clean and read back the same.
  if (std::optional<SpanContext> context = take_context(input)) {
    context->trace_state = TraceState::parse(input);
    const SpanContext back = round_trip(w3c, Context(*context)).span_context();
    check_identity_survives(*context, back);
    if (context->is_valid()) {
      TRACEWIRE_FUZZ_CHECK(back.flags.bits() == (context->flags.bits() & TraceContextPropagator::known_flags));
      if (context->trace_state.header().size() <= TraceState::propagated_length) {
        TRACEWIRE_FUZZ_CHECK(back.trace_state == context->trace_state);
      }
    }
  }
  return 0;
}
