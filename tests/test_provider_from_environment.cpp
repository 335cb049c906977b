#include <doctest/doctest.h>

#include "support/headers.hpp"
#include "tracewire/config/provider_from_environment.hpp"

using namespace tracewire;

namespace {
// Restores the default global propagator when a test ends.
struct GlobalPropagatorReset {
  ~GlobalPropagatorReset() { set_global_propagator(nullptr); }
};
}  // namespace

TEST_SUITE("config") {
  TEST_CASE("make_provider_from_environment applies OTEL_PROPAGATORS to the global propagator") {
    GlobalPropagatorReset reset;
    const Context context(tracewire_test::span_context("4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7", true));

    make_provider_from_environment({}, MapEnvironment{{"OTEL_TRACES_EXPORTER", "none"}, {"OTEL_PROPAGATORS", "b3multi,xray"}});
    tracewire_test::Headers headers = tracewire_test::inject(*global_propagator(), context);
    CHECK(tracewire_test::header(headers, "x-b3-traceid") == "4bf92f3577b34da6a3ce929d0e0e4736");
    CHECK(tracewire_test::header(headers, "x-amzn-trace-id") != "<absent>");
    CHECK(tracewire_test::header(headers, "traceparent") == "<absent>");

    // Unset: the specification's default, tracecontext and baggage.
    make_provider_from_environment({}, MapEnvironment{{"OTEL_TRACES_EXPORTER", "none"}});
    headers = tracewire_test::inject(*global_propagator(), context.with_baggage(Baggage().set("k", "v")));
    CHECK(tracewire_test::header(headers, "traceparent") == "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
    CHECK(tracewire_test::header(headers, "baggage") == "k=v");
    CHECK(headers.size() == 2);

    // A disabled SDK still passes its callers' context on.
    make_provider_from_environment({}, MapEnvironment{{"OTEL_SDK_DISABLED", "true"}, {"OTEL_PROPAGATORS", "jaeger"}});
    headers = tracewire_test::inject(*global_propagator(), context);
    CHECK(tracewire_test::header(headers, "uber-trace-id") == "4bf92f3577b34da6a3ce929d0e0e4736:00f067aa0ba902b7:0:1");

    make_provider_from_environment({}, MapEnvironment{{"OTEL_TRACES_EXPORTER", "none"}, {"OTEL_PROPAGATORS", "none"}});
    CHECK(tracewire_test::inject(*global_propagator(), context).empty());
  }
}
