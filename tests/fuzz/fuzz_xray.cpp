// libFuzzer target: AWS X-Ray `X-Amzn-Trace-Id` (XRayPropagator). Input: the header value;
// the first 25 bytes also make an arbitrary context for inject.
#include "fuzz_support.hpp"
#include "tracewire/propagation/xray_propagator.hpp"

using namespace tracewire;
using namespace tracewire_fuzz;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const XRayPropagator xray;
  std::string_view input = as_text(data, size);
  const std::optional<SpanContext> parsed = XRayPropagator::parse(input);

  const Context extracted = tracewire_test::extract(xray, {{"X-Amzn-Trace-Id", std::string(input)}});
  TRACEWIRE_FUZZ_CHECK(parsed ? extracted.span_context() == *parsed : !extracted.span_context().is_valid());
  if (!extracted.span_context().is_valid()) {
    check_nothing_found(extracted);
  } else {
    TRACEWIRE_FUZZ_CHECK(round_trip(xray, extracted).span_context() == extracted.span_context());
  }

  if (std::optional<SpanContext> context = take_context(input)) {
    check_identity_survives(*context, round_trip(xray, Context(*context)).span_context());
  }
  return 0;
}
