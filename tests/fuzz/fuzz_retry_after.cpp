// libFuzzer target: parse_retry_after and parse_http_date, the readers of a receiver's
// `Retry-After` header. Input: any bytes, read as a header value; its first 16 bytes also
// make a time and a "now", which the C library's strftime (not the project's code) writes
// in RFC 9110's three date forms, and a delay in seconds: reading them back must give the
// time exactly, and the wait from "now" to it.
#include <cstring>
#include <ctime>

#include "fuzz_support.hpp"
#include "tracewire/export/detail/retry_policy.hpp"

using namespace tracewire;
using namespace tracewire_fuzz;
using tracewire::detail::parse_http_date;
using tracewire::detail::parse_retry_after;

namespace {

constexpr std::int64_t last_second_of_9999 = 253402300799;

std::string format(std::int64_t seconds, const char* layout) {
  const std::time_t time = static_cast<std::time_t>(seconds);
  std::tm parts{};
  if (gmtime_r(&time, &parts) == nullptr) return {};
  char text[64];
  const std::size_t length = std::strftime(text, sizeof text, layout, &parts);
  return std::string(text, length);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input = as_text(data, size);
  const auto now = std::chrono::system_clock::time_point(std::chrono::seconds(1700000000));
  const std::optional<std::chrono::milliseconds> wait = parse_retry_after(input, now);
  if (wait) TRACEWIRE_FUZZ_CHECK(wait->count() >= 0);
  if (const std::optional<std::int64_t> date = parse_http_date(input)) {
    TRACEWIRE_FUZZ_CHECK(*date >= 0);  // years before 1970 are refused
    TRACEWIRE_FUZZ_CHECK(*date <= last_second_of_9999 + 86400);
  }

  if (size < 16) return 0;
  std::uint64_t words[2];
  std::memcpy(words, data, sizeof words);
  const auto time = static_cast<std::int64_t>(words[0] % (last_second_of_9999 + 1));
  // system_clock counts nanoseconds in 64 bits: "now" stays before 2262.
  const auto now_ms = static_cast<std::int64_t>(words[1] % 9000000000000);
  const auto at = std::chrono::system_clock::time_point(std::chrono::milliseconds(now_ms));
  const std::int64_t expected_wait = std::max<std::int64_t>(0, time * 1000 - now_ms);

  // IMF-fixdate (what servers send), RFC 850 (two-digit years: 1970-2069 only), asctime.
  const std::int64_t year = 1970 + time / 31556952;  // an estimate; RFC 850 is checked well inside its range
  for (const char* layout : {"%a, %d %b %Y %H:%M:%S GMT", "%A, %d-%b-%y %H:%M:%S GMT", "%a %b %e %H:%M:%S %Y"}) {
    if (layout[1] == 'A' && (year < 1971 || year > 2068)) continue;
    const std::string text = format(time, layout);
    if (text.empty()) continue;
    const std::optional<std::int64_t> parsed = parse_http_date(text);
    TRACEWIRE_FUZZ_CHECK(parsed.has_value());
    TRACEWIRE_FUZZ_CHECK(*parsed == time);
    const std::optional<std::chrono::milliseconds> until = parse_retry_after(text, at);
    TRACEWIRE_FUZZ_CHECK(until.has_value());
    TRACEWIRE_FUZZ_CHECK(until->count() == expected_wait);
  }

  // delay-seconds: up to nine digits, as is (leading zeros and surrounding blanks allowed).
  const std::uint64_t delay = words[1] % 1000000000;
  const std::string text = " " + std::to_string(delay) + "\t";
  const std::optional<std::chrono::milliseconds> delayed = parse_retry_after(text, at);
  TRACEWIRE_FUZZ_CHECK(delayed.has_value());
  TRACEWIRE_FUZZ_CHECK(delayed->count() == static_cast<std::int64_t>(delay) * 1000);
  return 0;
}
