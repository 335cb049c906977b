#include <doctest/doctest.h>

#include <chrono>

#include "tracewire/export/detail/retry_policy.hpp"

using namespace std::chrono;
using tracewire::detail::RetryPolicy;

TEST_SUITE("export") {
  TEST_CASE("only 429, 502, 503 and 504 are retryable HTTP statuses") {
    for (int status : {429, 502, 503, 504}) CHECK(tracewire::detail::is_retryable_http_status(status));
    for (int status : {200, 204, 400, 401, 403, 404, 408, 413, 500, 501, 505}) {
      CHECK_FALSE(tracewire::detail::is_retryable_http_status(status));
    }
  }

  TEST_CASE("Retry-After: delay-seconds and the three HTTP date forms") {
    using tracewire::detail::parse_retry_after;
    // 1994-11-06 08:49:37 UTC, the RFC's example date, minus 30 seconds.
    const system_clock::time_point now{seconds(784111777 - 30)};
    CHECK(parse_retry_after("120", now) == milliseconds(120000));
    CHECK(parse_retry_after(" 0 ", now) == milliseconds(0));
    CHECK(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", now) == milliseconds(30000));
    CHECK(parse_retry_after("Sunday, 06-Nov-94 08:49:37 GMT", now) == milliseconds(30000));
    CHECK(parse_retry_after("Sun Nov  6 08:49:37 1994", now) == milliseconds(30000));
    CHECK(parse_retry_after("Sun, 06 Nov 1994 08:48:37 GMT", now) == milliseconds(0));  // in the past
    CHECK_FALSE(parse_retry_after("", now));
    CHECK_FALSE(parse_retry_after("-5", now));
    CHECK_FALSE(parse_retry_after("soon", now));
    CHECK_FALSE(parse_retry_after("1.5", now));
    CHECK_FALSE(parse_retry_after("Sun, 06 Nov 1994", now));
    CHECK_FALSE(parse_retry_after("99999999999999999999", now));
  }

  TEST_CASE("RetryPolicy backs off exponentially with bounded jitter, then gives up") {
    RetryPolicy::Options options;  // 1 s, ×1.5, max 5 s, ±20 %, 5 attempts
    RetryPolicy policy(options, 12345);
    const milliseconds plenty(60000);
    const double expected[] = {1000, 1500, 2250, 3375};
    for (std::uint32_t attempt = 1; attempt <= 4; ++attempt) {
      const auto delay = policy.next_delay(attempt, std::nullopt, plenty);
      REQUIRE(delay);
      CHECK(delay->count() >= expected[attempt - 1] * 0.8 - 1);
      CHECK(delay->count() <= expected[attempt - 1] * 1.2 + 1);
    }
    CHECK_FALSE(policy.next_delay(5, std::nullopt, plenty));  // five attempts made
    options.max_attempts = 20;
    RetryPolicy capped(options, 1);
    CHECK(capped.next_delay(15, std::nullopt, plenty)->count() <= 6000);
  }

  TEST_CASE("RetryPolicy honours the server's delay but never past the deadline") {
    RetryPolicy policy;
    CHECK(policy.next_delay(1, milliseconds(3000), milliseconds(10000)) == milliseconds(3000));
    CHECK_FALSE(policy.next_delay(1, milliseconds(3000), milliseconds(2000)));
    CHECK_FALSE(policy.next_delay(1, std::nullopt, milliseconds(500)));  // even the shortest backoff is 800 ms
  }

  TEST_CASE("RetryWait returns early when interrupted") {
    tracewire::detail::RetryWait wait;
    CHECK(wait.wait(milliseconds(1)));
    wait.interrupt();
    const auto started = steady_clock::now();
    CHECK_FALSE(wait.wait(milliseconds(10000)));
    CHECK(steady_clock::now() - started < milliseconds(1000));
  }
}
