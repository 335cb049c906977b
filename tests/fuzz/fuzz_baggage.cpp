// libFuzzer target: the W3C `baggage` header (BaggagePropagator).
// Input: every line is one `baggage` field (several fields combine); for inject, every line
// is also an arbitrary `key=value` entry, bytes of any kind included.
#include <string>

#include "fuzz_support.hpp"
#include "tracewire/core/detail/utf8.hpp"
#include "tracewire/propagation/baggage_propagator.hpp"

using namespace tracewire;
using namespace tracewire_fuzz;

namespace {
// Members in a written `baggage` value (values and properties are encoded, so no ',' inside).
std::size_t member_count(const Headers& headers) {
  const std::string value = tracewire_test::header(headers, "baggage");
  if (value == "<absent>") return 0;
  std::size_t count = 1;
  for (char c : value) count += c == ',' ? 1 : 0;
  return count;
}

// Every entry of `back` is an entry of `sent`, in the same order (inject drops whole
// members only, never part of one).
bool is_subsequence(const Baggage& back, const std::vector<Baggage::Entry>& sent) {
  std::size_t next = 0;
  for (const Baggage::Entry& entry : back.entries()) {
    while (next < sent.size() &&
           !(sent[next].key == entry.key && sent[next].value == entry.value && sent[next].metadata == entry.metadata)) {
      ++next;
    }
    if (next == sent.size()) return false;
    ++next;
  }
  return true;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const BaggagePropagator propagator;
  const std::string_view input = as_text(data, size);
  {
    std::vector<Baggage::Entry> entries;
    std::size_t bytes = 0;
    (void)BaggagePropagator::parse(input, entries, bytes);
    TRACEWIRE_FUZZ_CHECK(entries.size() <= BaggagePropagator::max_members && bytes <= BaggagePropagator::max_bytes);
  }

  // Extract, then extract(inject(baggage)) == baggage unless inject had to drop members
  // (decoded bytes that were not UTF-8 come back as U+FFFD, which encodes longer).
  const std::vector<std::string_view> values = lines(input);
  Headers headers;
  for (std::string_view value : values) headers.emplace_back("Baggage", std::string(value));
  const Context extracted = tracewire_test::extract(propagator, headers);
  check_nothing_found(extracted);
  const Baggage& found = extracted.baggage();
  TRACEWIRE_FUZZ_CHECK(found.size() <= BaggagePropagator::max_members);
  for (const Baggage::Entry& entry : found.entries()) {
    TRACEWIRE_FUZZ_CHECK(detail::is_token(entry.key));
    TRACEWIRE_FUZZ_CHECK(detail::is_valid_utf8(entry.value));
  }
  Headers written;
  const Baggage back = round_trip(propagator, extracted, &written).baggage();
  if (member_count(written) == found.size()) {
    TRACEWIRE_FUZZ_CHECK(back == found);
  } else {
    TRACEWIRE_FUZZ_CHECK(is_subsequence(back, found.entries()));
  }

  // Inject arbitrary entries: clean headers; what comes back is what was sent, values
  // repaired to UTF-8, keys that are not tokens left out.
  Baggage arbitrary;
  for (std::string_view line : values) {
    const std::size_t equals = line.find('=');
    arbitrary = arbitrary.set(line.substr(0, equals), equals == std::string_view::npos ? "" : line.substr(equals + 1));
  }
  std::vector<Baggage::Entry> expected;
  for (const Baggage::Entry& entry : arbitrary.entries()) {
    if (!detail::is_token(entry.key)) continue;
    Baggage::Entry repaired = entry;
    detail::make_valid_utf8(repaired.value);
    expected.push_back(std::move(repaired));
  }
  const Baggage arbitrary_back = round_trip(propagator, Context().with_baggage(arbitrary), &written).baggage();
  if (member_count(written) == expected.size()) {
    TRACEWIRE_FUZZ_CHECK(arbitrary_back == Baggage::from_entries(expected));
  } else {
    TRACEWIRE_FUZZ_CHECK(is_subsequence(arbitrary_back, expected));
  }
  return 0;
}
