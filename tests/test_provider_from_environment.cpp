#include <doctest/doctest.h>

#include "mocks/recording_logger.hpp"
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

  TEST_CASE("make_exporter_pipelines: one processor per named exporter, the exporter reachable for its stats") {
    tracewire_test::CapturedLog log;
    detail::ReportedValues::instance().clear();  // an earlier test may have reported the same list
    const auto config = finalize_config({}, MapEnvironment{{"OTEL_TRACES_EXPORTER", "console,xray,nope,none"}});
    const auto pipelines = make_exporter_pipelines(config, MapEnvironment{{"AWS_XRAY_DAEMON_ADDRESS", "127.0.0.1:2999"}});
    REQUIRE(pipelines.size() == 2);
    CHECK(pipelines[0].name == "console");
    CHECK(dynamic_cast<SimpleSpanProcessor*>(pipelines[0].processor.get()) != nullptr);
    CHECK(pipelines[1].name == "xray");
    CHECK(dynamic_cast<BatchSpanProcessor*>(pipelines[1].processor.get()) != nullptr);
    CHECK(pipelines[1].exporter->describe() == "XRayUdpExporter{daemon=udp://127.0.0.1:2999, indexed_attributes=0}");
    CHECK(pipelines[1].processor->describe().find(pipelines[1].exporter->describe()) != std::string::npos);
    CHECK(pipelines[1].exporter->stats().spans_exported == 0);
    CHECK(log.contains("skipped 1 unknown or unavailable exporter(s): \"nope\""));
    CHECK(make_exporter_pipelines(finalize_config({}, MapEnvironment{{"OTEL_TRACES_EXPORTER", "none"}}), MapEnvironment{})
              .empty());
  }
}
