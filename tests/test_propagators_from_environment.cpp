#include <doctest/doctest.h>

#include "tracewire/config/propagators_from_environment.hpp"

using namespace tracewire;

TEST_SUITE("propagation") {
  TEST_CASE("OTEL_PROPAGATORS: default tracecontext,baggage; empty counts as unset; values are a list") {
    const std::string defaults = make_propagator("tracecontext,baggage")->describe();
    CHECK(propagator_from_environment(MapEnvironment{})->describe() == defaults);
    CHECK(propagator_from_environment(MapEnvironment{{"OTEL_PROPAGATORS", ""}})->describe() == defaults);
    CHECK(propagator_from_environment(MapEnvironment{{"OTEL_PROPAGATORS", "b3multi,jaeger"}})->describe() ==
          make_propagator("b3multi,jaeger")->describe());
    CHECK(propagator_from_environment(MapEnvironment{{"OTEL_PROPAGATORS", "none"}})->fields().empty());
    CHECK(propagator_from_environment(MapEnvironment{{"OTEL_PROPAGATORS", "unknown,xray"}})->fields() ==
          std::vector<std::string>{"x-amzn-trace-id"});
  }
}
