#include <doctest/doctest.h>

#include "mocks/recording_logger.hpp"
#include "tracewire/config/make_propagator.hpp"

using namespace tracewire;

TEST_SUITE("propagation") {
  TEST_CASE("OTEL_PROPAGATORS: default tracecontext,baggage; empty counts as unset; values are a list") {
    const std::string defaults = make_propagator("tracecontext,baggage")->describe();
    CHECK(make_propagator_from_environment(MapEnvironment{})->describe() == defaults);
    CHECK(make_propagator_from_environment(MapEnvironment{{"OTEL_PROPAGATORS", ""}})->describe() == defaults);
    CHECK(make_propagator_from_environment(MapEnvironment{{"OTEL_PROPAGATORS", "b3multi,jaeger"}})->describe() ==
          make_propagator("b3multi,jaeger")->describe());
    CHECK(make_propagator_from_environment(MapEnvironment{{"OTEL_PROPAGATORS", "none"}})->fields().empty());
    CHECK(make_propagator_from_environment(MapEnvironment{{"OTEL_PROPAGATORS", "unknown,xray"}})->fields() ==
          std::vector<std::string>{"x-amzn-trace-id"});
  }

  TEST_CASE("OTEL_PROPAGATORS: unknown names make one warning naming the variable, once per value") {
    detail::ReportedValues::instance().clear();
    tracewire_test::CapturedLog logs;
    std::string value = "tracecontext";
    for (int i = 0; i < 50000; ++i) value += ",x" + std::to_string(i % 7);  // 7 distinct unknown names, ~150 kB
    value += "," + std::string(200, 'z');
    const MapEnvironment environment{{"OTEL_PROPAGATORS", value}};
    CHECK(make_propagator_from_environment(environment)->fields() ==
          std::vector<std::string>{"traceparent", "tracestate"});
    (void)make_propagator_from_environment(environment);  // read again: not reported again
    REQUIRE(logs.count() == 1);
    CHECK(
        logs.contains("OTEL_PROPAGATORS: skipped 8 unknown propagator name(s): \"x0\", \"x1\", \"x2\" and 5 more; "
                      "known: tracecontext, baggage, b3, b3multi, jaeger, xray, none"));
    CHECK(logs.text().size() < 300);
    // make_propagator names itself, and a long name is cut
    (void)make_propagator("tracecontext," + std::string(200, 'z'));
    CHECK(logs.contains("make_propagator: skipped 1 unknown propagator name(s): \"" + std::string(64, 'z') +
                        "\"…(200 bytes)"));
    // a fallback given in code is used when the variable is unset, and checked the same way
    CHECK(make_propagator_from_environment(MapEnvironment{}, "b3,nope")->fields() == std::vector<std::string>{"b3"});
    CHECK(logs.contains("default propagators: skipped 1 unknown propagator name(s): \"nope\""));
  }
}
