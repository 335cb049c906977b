// fork(): a traced process forks children (idle and busy exporter, 200 forks while another
// thread floods the queue); each child ends spans and exits by return, exit() or
// shutdown(). Counted at a loopback receiver (receiver.js, decoded by the OpenTelemetry
// JS code): every child's span arrives exactly once, no child exports its parent's queued
// spans, and every child exits in time. (Under AddressSanitizer the program forks only with an
// idle worker: see tests/programs/fork_children.cpp.)
#include <doctest/doctest.h>

#include <cstdlib>
#include <map>
#include <set>
#include <sstream>
#include <string>

#include "support/peer_process.hpp"

using tracewire_test::ChildProcess;
using tracewire_test::Receiver;

TEST_SUITE("export") {
  TEST_CASE("forked children get a pipeline of their own: each span exported exactly once, no child hangs") {
    Receiver receiver;
    // Under AddressSanitizer, no leak check at the children's exit: a child abandons what the
    // parent's threads were holding (the worker's batch, the transfer in flight), since it
    // cannot know what a thread that does not exist in it left half-done. (The variable
    // reaches this program's parent process too; every other suite keeps the leak check
    // on the same pipeline.)
    const char* asan = std::getenv("ASAN_OPTIONS");
    const std::string asan_options = "ASAN_OPTIONS=" + std::string(asan ? asan : "") + ":detect_leaks=0";
    ChildProcess program({"env", asan_options,
                          "OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:" + std::to_string(receiver.http_port()),
                          "OTEL_SERVICE_NAME=fork-test", "OTEL_BSP_MAX_QUEUE_SIZE=256", "OTEL_BSP_SCHEDULE_DELAY=200",
                          TRACEWIRE_FORK_PROGRAM});
    const auto output = program.read_to_eof(std::chrono::minutes(3));
    REQUIRE(output);
    REQUIRE(program.wait(std::chrono::seconds(30)) == 0);

    std::set<std::string> expected;
    std::uint64_t parent_exported = 0;
    bool only_idle = false;  // under AddressSanitizer (see the program)
    std::istringstream lines(*output);
    for (std::string line; std::getline(lines, line);) {
      CAPTURE(line);
      CHECK(line.rfind("hung ", 0) != 0);
      CHECK(line.rfind("failed ", 0) != 0);
      if (line.rfind("child ", 0) == 0) expected.insert(line.substr(6));
      if (line.rfind("parent-exported ", 0) == 0) parent_exported = std::stoull(line.substr(16));
      if (line == "skipped busy flood") only_idle = true;
    }
    CHECK(expected.size() == (only_idle ? 3 * 10 : 3 * 10 + 3 * 10 + 200 * 3));
    CHECK(parent_exported > 0);

    std::map<std::string, int> received;
    std::uint64_t parent_spans = 0;
    while (auto request = receiver.next(std::chrono::seconds(3))) {
      if ((*request)["kind"] != "otlp-proto") continue;
      for (const auto& resource : (*request)["body"]["resourceSpans"]) {
        for (const auto& scope : resource["scopeSpans"]) {
          for (const auto& span : scope["spans"]) {
            const std::string name = span["name"];
            if (name.rfind("child-", 0) == 0)
              ++received[name];
            else
              ++parent_spans;
          }
        }
      }
    }
    for (const std::string& name : expected) {
      CAPTURE(name);
      CHECK(received[name] == 1);
    }
    CHECK(received.size() == expected.size());
    CHECK(parent_spans == parent_exported);  // a child exporting its parent's queue would add to it
  }
}
