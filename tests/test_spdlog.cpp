// spdlog integration: the trace context in each line (SpdlogTraceFlag,
// make_spdlog_trace_formatter) and warnings as span events (SpdlogSpanEventSink), with a
// real spdlog logger writing to a string.
#include <doctest/doctest.h>

#include <memory>
#include <sstream>
#include <string>
#include <thread>

#include <fmt/format.h>
#include <spdlog/logger.h>
#include <spdlog/sinks/ostream_sink.h>

#include "support/recording_provider.hpp"
#include "support/span_attributes.hpp"
#include "tracewire/export/in_memory_exporter.hpp"
#include "tracewire/instrumentation/spdlog.hpp"
#include "tracewire/trace/simple_span_processor.hpp"
#include "tracewire/trace/tracer_provider.hpp"

using namespace tracewire;
using tracewire_test::text_attribute;

namespace {

// A synchronous spdlog logger writing into a string, with tracewire's formatter.
struct StringLogger {
  std::ostringstream text;
  std::shared_ptr<spdlog::logger> logger;

  explicit StringLogger(std::unique_ptr<spdlog::formatter> formatter = make_spdlog_trace_formatter("%l %&%v")) {
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(text);
    logger = std::make_shared<spdlog::logger>("test", sink);
    logger->set_formatter(std::move(formatter));
    logger->set_level(spdlog::level::trace);
  }
  std::string lines() {
    logger->flush();
    return text.str();
  }
};

}  // namespace

TEST_SUITE("instrumentation") {
  TEST_CASE("spdlog: %& writes the current span's trace and span ids, and nothing without a span") {
    tracewire_test::RecordingProvider recorded;
    StringLogger log;
    log.logger->info("before");
    std::string expected = "info before\n";
    {
      auto span = recorded.tracer.start_span("work");
      log.logger->warn("inside {}", 42);
      expected +=
          fmt::format("warning trace_id={} span_id={} inside 42\n", span.context().trace_id, span.context().span_id);
      auto child = recorded.tracer.start_span("child");
      log.logger->info("in child");
      expected +=
          fmt::format("info trace_id={} span_id={} in child\n", child.context().trace_id, child.context().span_id);
    }
    log.logger->info("after");
    expected += "info after\n";
    CHECK(log.lines() == expected);
  }

  TEST_CASE("spdlog: a Scope's context is what a line logged on another thread carries") {
    tracewire_test::RecordingProvider recorded;
    StringLogger log;
    auto span = recorded.tracer.start_span("request", SpanStartOptions().not_current());
    std::thread([&] {
      Scope scope(span);
      log.logger->info("on a worker");
    }).join();
    CHECK(log.lines() ==
          fmt::format("info trace_id={} span_id={} on a worker\n", span.context().trace_id, span.context().span_id));
  }

  TEST_CASE("spdlog: SpdlogTraceFlag's single fields, registered under letters of one's choice") {
    tracewire_test::RecordingProvider recorded;
    auto formatter = std::make_unique<spdlog::pattern_formatter>();
    formatter->add_flag<SpdlogTraceFlag>('J', SpdlogTraceFlag::Field::trace_id)
        .add_flag<SpdlogTraceFlag>('K', SpdlogTraceFlag::Field::span_id)
        .set_pattern("[%J/%K] %v");
    StringLogger log(std::move(formatter));
    auto span = recorded.tracer.start_span("work");
    log.logger->error("failed");
    log.logger->info("{}", span.context());  // the fmt formatter of a SpanContext
    const SpanContext& context = span.context();
    CHECK(log.lines() == fmt::format("[{}/{}] failed\n[{}/{}] 00-{}-{}-{:02x}\n", context.trace_id, context.span_id,
                                     context.trace_id, context.span_id, context.trace_id, context.span_id,
                                     context.flags.bits() & TraceFlags::w3c_bits));
  }

  TEST_CASE("spdlog: the default trace pattern is spdlog's with the ids before the message") {
    tracewire_test::RecordingProvider recorded;
    StringLogger log(make_spdlog_trace_formatter());
    auto span = recorded.tracer.start_span("work");
    log.logger->warn("cache miss");
    const std::string line = log.lines();
    CHECK(line.find("] [test] [warning] trace_id=" + span.context().trace_id.to_hex() +
                    " span_id=" + span.context().span_id.to_hex() + " cache miss\n") != std::string::npos);
    CHECK(line[0] == '[');
  }

  TEST_CASE("spdlog: SpdlogSpanEventSink records warnings and errors as events of the current span") {
    auto events = std::make_shared<LogSpanEvents>();
    auto exporter = std::make_unique<InMemorySpanExporter>();
    auto spans = exporter->storage();
    TracerProviderOptions options;
    options.processors.push_back(events->wrap(std::make_unique<SimpleSpanProcessor>(std::move(exporter))));
    auto provider = std::make_shared<TracerProvider>(std::move(options));
    Tracer tracer = provider->tracer("spdlog-test");

    StringLogger log;
    log.logger->sinks().push_back(std::make_shared<SpdlogSpanEventSink_mt>(events));
    {
      auto span = tracer.start_span("checkout");
      log.logger->info("just information");
      log.logger->warn("retrying {}", "payment");
      log.logger->critical("gave up");
    }
    const auto exported = spans->snapshot();
    REQUIRE(exported.size() == 1);
    const auto recorded_events = exported[0].events();
    REQUIRE(recorded_events.size() == 2);
    CHECK(text_attribute(recorded_events[0].attributes, "log.body") == "retrying payment");
    CHECK(text_attribute(recorded_events[0].attributes, "log.severity_text") == "WARN");
    CHECK(text_attribute(recorded_events[0].attributes, "log.logger") == "test");
    CHECK(text_attribute(recorded_events[1].attributes, "log.body") == "gave up");
    CHECK(text_attribute(recorded_events[1].attributes, "log.severity_text") == "FATAL");
    // The string sink still got every line.
    CHECK(log.lines().find("info trace_id=") != std::string::npos);
  }

  TEST_CASE("spdlog: the event sink's level is spdlog's sink level") {
    auto events = std::make_shared<LogSpanEvents>();
    tracewire_test::RecordingProvider recorded;
    StringLogger log;
    log.logger->sinks().push_back(std::make_shared<SpdlogSpanEventSink_st>(events, spdlog::level::err));
    auto span = recorded.tracer.start_span("work");
    log.logger->warn("below the sink's level");
    CHECK(events->waiting() == 0);
    log.logger->error("recorded");
    CHECK(events->waiting() == 1);
  }
}
