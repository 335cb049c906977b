// libFuzzer target: B3 single (`b3`) and multi (`X-B3-*`) headers (B3Propagator).
// Input: line 1 is a `b3` value, lines 2-5 are X-B3-TraceId, -SpanId, -Sampled and -Flags
// (absent when the input has fewer lines); the first 25 bytes also make an arbitrary context.
#include <initializer_list>

#include "fuzz_support.hpp"
#include "tracewire/propagation/b3_propagator.hpp"

using namespace tracewire;
using namespace tracewire_fuzz;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const B3Propagator single(B3Encoding::single_header);
  static const B3Propagator multi(B3Encoding::multi_header);
  std::string_view input = as_text(data, size);
  (void)B3Propagator::parse_single(input);

  const std::vector<std::string_view> values = lines(input);
  const char* const names[] = {"b3", "X-B3-TraceId", "X-B3-SpanId", "X-B3-Sampled", "X-B3-Flags"};
  Headers headers;
  for (std::size_t i = 0; i < values.size() && i < 5; ++i) headers.emplace_back(names[i], std::string(values[i]));
  // Only the single header, then only the multi headers, then both.
  const Headers only_single(headers.begin(), headers.begin() + 1);
  const Headers only_multi(headers.begin() + 1, headers.end());
  for (const Headers* carrier : std::initializer_list<const Headers*>{&only_single, &only_multi, &headers}) {
    const Context extracted = tracewire_test::extract(single, *carrier);
    TRACEWIRE_FUZZ_CHECK(tracewire_test::extract(multi, *carrier) == extracted);  // both read both encodings
    if (!extracted.span_context().is_valid()) {
      check_nothing_found(extracted);
      continue;
    }
    TRACEWIRE_FUZZ_CHECK(extracted.span_context().trace_state.empty());
    for (const B3Propagator* propagator : {&single, &multi}) {
      TRACEWIRE_FUZZ_CHECK(round_trip(*propagator, extracted).span_context() == extracted.span_context());
    }
  }

  if (std::optional<SpanContext> context = take_context(input)) {
    for (const B3Propagator* propagator : {&single, &multi}) {
      check_identity_survives(*context, round_trip(*propagator, Context(*context)).span_context());
    }
  }
  return 0;
}
