// A process that exits while its exports fail must exit cleanly, in every order in which
// the process-wide slots (global provider, logger, propagator) were first used.
#include <doctest/doctest.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "support/hostile_receiver.hpp"
#include "support/child_process.hpp"

using tracewire_test::HostileReceiver;

TEST_SUITE("export") {
  TEST_CASE("a process exits cleanly while exports hang, in every initialisation order of the global slots") {
    HostileReceiver collector(HostileReceiver::Behaviour::hang);
    const std::vector<std::string> orders{
        "provider,logger,propagator", "provider,propagator,logger", "logger,provider,propagator",
        "logger,propagator,provider", "propagator,provider,logger", "propagator,logger,provider",
        "user-logger,provider",       "provider,user-logger",       "none"};
    const std::vector<std::string> ends{"return", "exit", "shutdown"};
    struct Run {
      std::string order, end;
      int status = -1;
      std::chrono::milliseconds took{};
    };
    std::vector<Run> runs;
    for (const auto& order : orders) {
      for (const auto& end : ends) runs.push_back({order, end});
    }
    // Several at a time: each waits up to its exit deadline on the hung collector.
    for (std::size_t first = 0; first < runs.size(); first += 9) {
      std::vector<std::thread> threads;
      for (std::size_t i = first; i < std::min(runs.size(), first + 9); ++i) {
        threads.emplace_back([&, i] {
          Run& run = runs[i];
          const auto started = std::chrono::steady_clock::now();
          tracewire_test::ChildProcess process({"env", "OTEL_EXPORTER_OTLP_ENDPOINT=" + collector.url(),
                                                "OTEL_EXPORTER_OTLP_TIMEOUT=1000", "OTEL_SERVICE_NAME=exit-test",
                                                TRACEWIRE_EXIT_PROGRAM, run.order, run.end});
          run.status = process.wait(std::chrono::seconds(60)).value_or(-1);
          run.took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
        });
      }
      for (auto& thread : threads) thread.join();
    }
    for (const Run& run : runs) {
      CAPTURE(run.order);
      CAPTURE(run.end);
      CHECK(run.status == 0);                      // no crash, no sanitizer report
      CHECK(run.took < std::chrono::seconds(30));  // the exit deadline is 5 s; 30 s catches an unbounded wait
    }
    CHECK(collector.connections() > 0);  // the exports really were attempted
  }
}
