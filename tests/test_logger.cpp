// RateLimitedLog, the diagnostic behind "reported at most once a minute" (the batch
// processor's queue-full report, exporters' failures): how often it speaks, and what it says
// about the messages it held back.
#include <doctest/doctest.h>

#include <chrono>
#include <thread>

#include "mocks/recording_logger.hpp"
#include "tracewire/core/logger.hpp"

using tracewire::LogLevel;
using tracewire::detail::RateLimitedLog;

TEST_SUITE("core") {
  TEST_CASE("RateLimitedLog: by default one message a minute, the others counted and mentioned next time") {
    tracewire_test::CapturedLog log;
    RateLimitedLog limited;  // the default period: 60 s, one message
    for (int i = 0; i < 100; ++i) limited(LogLevel::warn, "queue full: {} dropped", i);
    CHECK(log.count() == 1);  // the other 99 fall in the same minute
    CHECK(log.contains("queue full: 0 dropped"));
    CHECK_FALSE(log.contains("suppressed"));
  }

  TEST_CASE("RateLimitedLog: after its period it speaks again and says how many it held back") {
    tracewire_test::CapturedLog log;
    RateLimitedLog limited(std::chrono::seconds(1));
    limited(LogLevel::warn, "first");
    limited.suppress();  // a hot path that counts without formatting
    limited(LogLevel::warn, "held back");
    const auto spoke = std::chrono::steady_clock::now();
    // Whatever the load, a whole period has passed after this sleep.
    std::this_thread::sleep_until(spoke + std::chrono::milliseconds(1100));
    limited(LogLevel::warn, "again");
    REQUIRE(log.count() >= 2);
    CHECK(log.contains("again (2 similar messages suppressed)"));
    CHECK_FALSE(log.contains("held back"));
  }
}
