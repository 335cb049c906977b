// libFuzzer target: Jaeger `uber-trace-id`, `uberctx-*`, `jaeger-baggage`, `jaeger-debug-id`
// (JaegerPropagator). Input: the first line is an uber-trace-id value, every further line a
// header `name:value` (names such as `uberctx-k` or `jaeger-baggage` reach the baggage
// parsers); the first 25 bytes also make an arbitrary context for inject.
#include <string>

#include "fuzz_support.hpp"
#include "tracewire/core/detail/utf8.hpp"
#include "tracewire/propagation/jaeger_propagator.hpp"

using namespace tracewire;
using namespace tracewire_fuzz;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const JaegerPropagator jaeger;
  std::string_view input = as_text(data, size);
  (void)JaegerPropagator::parse_trace_id_header(input);

  const std::vector<std::string_view> values = lines(input);
  Headers headers{{"uber-trace-id", std::string(values[0])}};
  for (std::size_t i = 1; i < values.size(); ++i) {
    const std::size_t colon = values[i].find(':');
    if (colon == std::string_view::npos) continue;
    headers.emplace_back(std::string(values[i].substr(0, colon)), std::string(values[i].substr(colon + 1)));
  }
  const Context extracted = tracewire_test::extract(jaeger, headers);
  if (!extracted.span_context().is_valid()) check_nothing_found(extracted);
  for (const Baggage::Entry& entry : extracted.baggage().entries()) {
    TRACEWIRE_FUZZ_CHECK(detail::is_token(entry.key));
    TRACEWIRE_FUZZ_CHECK(detail::is_valid_utf8(entry.value));
  }
  // extract(inject(context)) == context, span context and baggage alike: Jaeger keeps only
  // the sampled flag (debug implies it), and every baggage key travels in lowercase.
  const Context back = round_trip(jaeger, extracted);
  TRACEWIRE_FUZZ_CHECK(back.span_context() == extracted.span_context());
  TRACEWIRE_FUZZ_CHECK(back.baggage() == extracted.baggage());

  if (std::optional<SpanContext> context = take_context(input)) {
    check_identity_survives(*context, round_trip(jaeger, Context(*context)).span_context());
  }
  return 0;
}
