// XRayIdGenerator: trace ids AWS X-Ray accepts (the start time in the first 4 bytes).
#pragma once

#include <chrono>
#include <cstdint>

#include "tracewire/core/span_id.hpp"
#include "tracewire/core/trace_id.hpp"
#include "tracewire/trace/id_generator.hpp"

namespace tracewire {
inline namespace v0 {

/// Ids for traces that go to AWS X-Ray. X-Ray reads a trace id as `1-{8 hex}-{24 hex}`,
/// where the 8 digits are the trace's start in Unix seconds, and rejects a trace whose
/// time is more than 30 days old or in the future. This generator puts the current Unix
/// time (seconds, big-endian) in the first 4 bytes of each new trace id and 96 random bits
/// in the other 12; span ids are random, as with RandomIdGenerator. The ids work with
/// every exporter and propagator: for W3C they are ordinary 128-bit ids whose rightmost 7
/// bytes are random, so the `random` trace flag is still set.
///
/// Selected by `OTEL_TRACES_ID_GENERATOR=xray` (tracewire's own variable; see
/// `config/tracer_config.hpp`), or in code.
///
/// **Example**:
/// ```
/// tracewire::TracerProviderOptions options;
/// options.id_generator = std::make_unique<tracewire::XRayIdGenerator>();
/// ```
class XRayIdGenerator final : public IdGenerator {
 public:
  TraceId new_trace_id() noexcept override { return trace_id_at(unix_seconds_now()); }
  SpanId new_span_id() noexcept override { return RandomIdGenerator::random_span_id(); }
  bool random_trace_ids() const noexcept override { return true; }

  /// A trace id whose first 4 bytes are `unix_seconds` and whose other 12 are random.
  static TraceId trace_id_at(std::uint32_t unix_seconds) noexcept {
    std::uint64_t words[2];
    do detail::Xoshiro256::thread_fill(words);
    while ((words[0] & 0xffffffffULL) == 0 && words[1] == 0);  // keep the random part non-zero
    return TraceId::from_halves((static_cast<std::uint64_t>(unix_seconds) << 32) | (words[0] & 0xffffffffULL),
                                words[1]);
  }

  /// The time X-Ray reads from a trace id: its first 4 bytes as Unix seconds.
  static std::uint32_t unix_seconds_of(const TraceId& trace_id) noexcept {
    return static_cast<std::uint32_t>(trace_id.high() >> 32);
  }

 private:
  static std::uint32_t unix_seconds_now() noexcept {
    const auto since_epoch = std::chrono::system_clock::now().time_since_epoch();
    return static_cast<std::uint32_t>(std::chrono::duration_cast<std::chrono::seconds>(since_epoch).count());
  }
};

}  // namespace v0
}  // namespace tracewire
