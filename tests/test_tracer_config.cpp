#include <doctest/doctest.h>

#include "mocks/recording_logger.hpp"
#include "tracewire/config/provider_from_environment.hpp"

using namespace tracewire;
using tracewire_test::CapturedLog;

TEST_SUITE("config") {
  TEST_CASE("defaults are the specification's") {
    auto config = finalize_config({}, MapEnvironment{});
    CHECK_FALSE(config.disabled);
    CHECK(config.sampler->describe() == "ParentBased{root=AlwaysOnSampler}");
    CHECK(config.exporters == std::vector<std::string>{"otlp"});
    CHECK(config.batch.max_queue_size == 2048);
    CHECK(config.batch.max_export_batch_size == 512);
    CHECK(config.batch.schedule_delay.count() == 5000);
    CHECK(config.batch.export_timeout.count() == 30000);
    CHECK(config.limits.attribute_count == 128);
    CHECK(config.limits.attribute_value_length == SpanLimits::unlimited);
    CHECK(config.resource.service_name().rfind("unknown_service:", 0) == 0);
    CHECK(config.resource.attributes().get("telemetry.sdk.language") != nullptr);
    CHECK(config.resource.attributes().get("process.pid") != nullptr);
    CHECK(config.resource.attributes().get("os.type") != nullptr);
  }

  TEST_CASE("service name: OTEL_SERVICE_NAME wins over OTEL_RESOURCE_ATTRIBUTES; code wins over both") {
    MapEnvironment environment{{"OTEL_RESOURCE_ATTRIBUTES", "service.name=from-attrs,deployment.environment=prod%20eu"},
                               {"OTEL_SERVICE_NAME", "from-env"}};
    auto config = finalize_config({}, environment);
    CHECK(config.resource.service_name() == "from-env");
    CHECK(*config.resource.attributes().get("deployment.environment")->get_if<std::string_view>() == "prod eu");
    environment.set("OTEL_SERVICE_NAME", "");  // empty = unset
    CHECK(finalize_config({}, environment).resource.service_name() == "from-attrs");
    TracerConfig code;
    code.service_name = "from-code";
    CHECK(finalize_config(std::move(code), environment).resource.service_name() == "from-code");
  }

  TEST_CASE("OTEL_RESOURCE_ATTRIBUTES: malformed entries skipped, a bad escape discards all, with warnings") {
    CapturedLog logs;
    auto skipped = finalize_config({}, MapEnvironment{{"OTEL_RESOURCE_ATTRIBUTES", "a=1,novalue,=x,b=2"}});
    CHECK(skipped.resource.attributes().get("a") != nullptr);
    CHECK(skipped.resource.attributes().get("b") != nullptr);
    CHECK(logs.contains(
        "OTEL_RESOURCE_ATTRIBUTES: skipped 2 malformed entr(ies) (expected key=value): \"novalue\", \"=x\""));
    auto discarded = finalize_config({}, MapEnvironment{{"OTEL_RESOURCE_ATTRIBUTES", "a=1,b=%zz"}});
    CHECK(discarded.resource.attributes().get("a") == nullptr);
    CHECK(logs.contains("invalid percent-encoding"));
  }

  TEST_CASE("samplers from OTEL_TRACES_SAMPLER and its argument, case-insensitive, with fallbacks") {
    const auto describe = [](std::initializer_list<std::pair<const std::string, std::string>> values) {
      return finalize_config({}, MapEnvironment(values)).sampler->describe();
    };
    CHECK(describe({{"OTEL_TRACES_SAMPLER", "always_off"}}) == "AlwaysOffSampler");
    CHECK(describe({{"OTEL_TRACES_SAMPLER", "ALWAYS_ON"}}) == "AlwaysOnSampler");
    CHECK(describe({{"OTEL_TRACES_SAMPLER", "traceidratio"}, {"OTEL_TRACES_SAMPLER_ARG", "0.25"}}) ==
          "ProbabilitySampler{0.25}");
    CHECK(describe({{"OTEL_TRACES_SAMPLER", "parentbased_traceidratio"}, {"OTEL_TRACES_SAMPLER_ARG", "0.5"}}) ==
          "ParentBased{root=ProbabilitySampler{0.5}}");
    CHECK(describe({{"OTEL_TRACES_SAMPLER", "parentbased_always_off"}}) == "ParentBased{root=AlwaysOffSampler}");
    CHECK(describe({{"OTEL_TRACES_SAMPLER", "ratelimiting"}, {"OTEL_TRACES_SAMPLER_ARG", "5"}}) ==
          "RateLimitingSampler{5/s}");
    CapturedLog logs;
    CHECK(describe({{"OTEL_TRACES_SAMPLER", "sometimes"}}) == "ParentBased{root=AlwaysOnSampler}");
    CHECK(logs.contains("invalid OTEL_TRACES_SAMPLER=\"sometimes\""));
    CHECK(describe({{"OTEL_TRACES_SAMPLER", "traceidratio"}, {"OTEL_TRACES_SAMPLER_ARG", "1.5"}}) ==
          "ProbabilitySampler{1}");
    CHECK(logs.contains("invalid OTEL_TRACES_SAMPLER_ARG=\"1.5\""));
  }

  TEST_CASE("batch and limit variables; invalid values warn and fall back") {
    CapturedLog logs;
    MapEnvironment environment{{"OTEL_BSP_MAX_QUEUE_SIZE", "100"},         {"OTEL_BSP_MAX_EXPORT_BATCH_SIZE", "200"},
                               {"OTEL_BSP_SCHEDULE_DELAY", "-5"},          {"OTEL_BSP_EXPORT_TIMEOUT", "1000"},
                               {"OTEL_ATTRIBUTE_COUNT_LIMIT", "10"},       {"OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT", "20"},
                               {"OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT", "7"}, {"OTEL_SPAN_EVENT_COUNT_LIMIT", "3"},
                               {"OTEL_SPAN_LINK_COUNT_LIMIT", "x"},        {"OTEL_SDK_DISABLED", "yes"}};
    auto config = finalize_config({}, environment);
    CHECK(config.batch.max_queue_size == 100);
    CHECK(config.batch.max_export_batch_size == 100);
    CHECK(config.batch.schedule_delay.count() == 5000);
    CHECK(config.batch.export_timeout.count() == 1000);
    CHECK(config.limits.attribute_count == 20);
    CHECK(config.limits.attribute_value_length == 7);
    CHECK(config.limits.event_count == 3);
    CHECK(config.limits.link_count == 128);
    CHECK_FALSE(config.disabled);
    CHECK(logs.contains("OTEL_BSP_MAX_EXPORT_BATCH_SIZE=200 exceeds OTEL_BSP_MAX_QUEUE_SIZE=100"));
    CHECK(logs.contains("invalid OTEL_BSP_SCHEDULE_DELAY=\"-5\""));
    CHECK(logs.contains("invalid OTEL_SPAN_LINK_COUNT_LIMIT=\"x\""));
    CHECK(logs.contains("invalid OTEL_SDK_DISABLED=\"yes\""));
  }

  TEST_CASE("OTEL_TRACES_EXPORTER builds the pipeline; none, duplicates and unknown names") {
    CapturedLog logs;
    detail::ReportedValues::instance().clear();  // another test may have reported the same list
    auto provider =
        make_provider_from_environment({}, MapEnvironment{{"OTEL_TRACES_EXPORTER", "console, CONSOLE,none,nope"}});
    REQUIRE(provider->processor() != nullptr);
    CHECK(provider->processor()->describe() == "SimpleSpanProcessor{ConsoleExporter{line}}");
    CHECK(logs.contains("OTEL_TRACES_EXPORTER: skipped 1 unknown or unavailable exporter(s): \"nope\""));
    auto none = make_provider_from_environment({}, MapEnvironment{{"OTEL_TRACES_EXPORTER", "none"}});
    CHECK(none->processor() == nullptr);
  }

  TEST_CASE("OTEL_TRACES_EXPORTER=zipkin and =jaeger select those exporters behind a batch processor") {
    auto zipkin = make_provider_from_environment({}, MapEnvironment{{"OTEL_TRACES_EXPORTER", "zipkin"}});
    REQUIRE(zipkin->processor() != nullptr);
    CHECK(zipkin->processor()->describe().find("exporter=ZipkinExporter") != std::string::npos);
    auto jaeger = make_provider_from_environment({}, MapEnvironment{{"OTEL_TRACES_EXPORTER", "jaeger"}});
    REQUIRE(jaeger->processor() != nullptr);
    CHECK(jaeger->processor()->describe().find("exporter=JaegerUdpExporter") != std::string::npos);
  }

  TEST_CASE("OTEL_SDK_DISABLED=true gives a no-op provider") {
    auto provider = make_provider_from_environment({}, MapEnvironment{{"OTEL_SDK_DISABLED", "TRUE"}});
    auto span = provider->tracer("x").start_span("nothing");
    CHECK_FALSE(span.is_recording());
  }

  TEST_CASE("An invalid value read twice is reported once, per variable and value") {
    detail::ReportedValues::instance().clear();
    CapturedLog logs;
    const MapEnvironment environment{{"OTEL_BSP_SCHEDULE_DELAY", "soon"}, {"OTEL_TRACES_SAMPLER", "sometimes"}};
    for (int i = 0; i < 3; ++i) (void)finalize_config({}, environment);
    const auto lines_with = [&](std::string_view fragment) {
      std::size_t count = 0;
      for (std::size_t at = logs.text().find(fragment); at != std::string::npos;
           at = logs.text().find(fragment, at + 1)) {
        ++count;
      }
      return count;
    };
    CHECK(lines_with("invalid OTEL_BSP_SCHEDULE_DELAY=\"soon\"") == 1);
    CHECK(lines_with("invalid OTEL_TRACES_SAMPLER=\"sometimes\"") == 1);
    // another value of the same variable is news, and so is the same value elsewhere
    (void)finalize_config({},
                          MapEnvironment{{"OTEL_BSP_SCHEDULE_DELAY", "later"}, {"OTEL_BSP_EXPORT_TIMEOUT", "soon"}});
    CHECK(lines_with("invalid OTEL_BSP_SCHEDULE_DELAY=\"later\"") == 1);
    CHECK(lines_with("invalid OTEL_BSP_EXPORT_TIMEOUT=\"soon\"") == 1);
    CHECK(lines_with("invalid OTEL_BSP_SCHEDULE_DELAY=\"soon\"") == 1);
  }

  TEST_CASE("Diagnostics quote a value cut to a readable length, with its size") {
    detail::ReportedValues::instance().clear();
    CapturedLog logs;
    const std::string huge = "x\n" + std::string(99998, 'y');
    (void)finalize_config({}, MapEnvironment{{"OTEL_TRACES_SAMPLER", huge}});
    REQUIRE(logs.count() == 1);
    const std::string line = logs.text();
    CHECK(line.size() < 400);
    CHECK(line.find("invalid OTEL_TRACES_SAMPLER=\"x\\nyyyy") != std::string::npos);  // escaped: one line
    CHECK(line.find("…(100000 bytes)") != std::string::npos);
    CHECK(detail::quote("short") == "\"short\"");
    CHECK(detail::quote(std::string(64, 'a')) == "\"" + std::string(64, 'a') + "\"");
    CHECK(detail::quote(std::string(65, 'a')) == "\"" + std::string(64, 'a') + "\"…(65 bytes)");
  }

  TEST_CASE("List variables warn once per variable, not once per bad item") {
    detail::ReportedValues::instance().clear();
    // a 100 kB value of bad items (50,000 of them) made 50,000 lines
    std::string bad_items;
    for (int i = 0; i < 50000; ++i) bad_items += "x,";
    {
      CapturedLog logs;
      (void)finalize_config({}, MapEnvironment{{"OTEL_RESOURCE_ATTRIBUTES", bad_items}});
      REQUIRE(logs.count() == 1);
      CHECK(
          logs.contains("OTEL_RESOURCE_ATTRIBUTES: skipped 50000 malformed entr(ies) (expected key=value): "
                        "\"x\", \"x\", \"x\" and 49997 more"));
      CHECK(logs.text().size() < 300);
    }
    {
      CapturedLog logs;
      std::string names;
      for (int i = 0; i < 20000; ++i) names += "exporter" + std::to_string(i) + ",";
      auto provider = make_provider_from_environment({}, MapEnvironment{{"OTEL_TRACES_EXPORTER", names}});
      CHECK(provider->processor() == nullptr);
      CHECK(
          logs.contains("OTEL_TRACES_EXPORTER: skipped 20000 unknown or unavailable exporter(s): \"exporter0\", "
                        "\"exporter1\", \"exporter2\" and 19997 more"));
      CHECK(logs.text().find("exporter19999") == std::string::npos);
      // the warning itself, plus the provider's and propagator's description lines
      CHECK(logs.text().size() < 1000);
      (void)make_provider_from_environment({}, MapEnvironment{{"OTEL_TRACES_EXPORTER", names}});
      CHECK(logs.text().find("OTEL_TRACES_EXPORTER: skipped") == logs.text().rfind("OTEL_TRACES_EXPORTER: skipped"));
    }
  }

  TEST_CASE("OTEL_BSP_EXPORT_TIMEOUT=0 is rejected with a warning and the default used") {
    detail::ReportedValues::instance().clear();
    CapturedLog logs;
    const auto config =
        finalize_config({}, MapEnvironment{{"OTEL_BSP_EXPORT_TIMEOUT", "0"}, {"OTEL_BSP_SCHEDULE_DELAY", "0"}});
    CHECK(config.batch.export_timeout.count() == 30000);
    CHECK(logs.contains("invalid OTEL_BSP_EXPORT_TIMEOUT=\"0\": expected an integer in [1, "));
    CHECK(config.batch.schedule_delay.count() == 0);  // a delay of 0 is valid: export at once
  }
}
