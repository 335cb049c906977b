// TraceBuilder: makes one synthetic trace of a topology through the public tracing API.
#pragma once

#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "tracewire/core/attribute_value.hpp"
#include "tracewire/trace/context.hpp"
#include "tracewire/trace/id_generator.hpp"
#include "tracewire/trace/span.hpp"
#include "tracewire/trace/span_start_options.hpp"
#include "tracewire/trace/tracer.hpp"
#include "tracewire_gen/random.hpp"
#include "tracewire_gen/topology.hpp"

namespace tracewire_gen {

/// The random streams of the trace being built on this thread. Ids have their own stream,
/// so a trace's ids do not depend on how many numbers its shape used.
struct TraceStreams {
  Rng shape;
  Rng ids;
  std::uint32_t unix_seconds = 0;  ///< the trace's start, for X-Ray ids
  bool xray = false;

  static TraceStreams*& current() noexcept {
    thread_local TraceStreams* streams = nullptr;
    return streams;
  }
};

/// The ids of the trace being built come from its seeded stream, so that `--seed` repeats
/// traces exactly, ids included. With X-Ray ids the first 4 bytes are the trace's start
/// time (which X-Ray requires to be recent). Outside a trace (never, in tracewire-gen) it
/// falls back to random ids.
class SeededIdGenerator final : public tracewire::IdGenerator {
 public:
  tracewire::TraceId new_trace_id() noexcept override {
    TraceStreams* streams = TraceStreams::current();
    if (streams == nullptr) return tracewire::RandomIdGenerator::random_trace_id();
    std::uint64_t high, low;
    do {
      high = streams->ids.next();
      low = streams->ids.next();
    } while (high == 0 && low == 0);
    if (streams->xray) high = (std::uint64_t(streams->unix_seconds) << 32) | (high & 0xffffffffULL);
    return tracewire::TraceId::from_halves(high, low);
  }
  tracewire::SpanId new_span_id() noexcept override {
    TraceStreams* streams = TraceStreams::current();
    if (streams == nullptr) return tracewire::RandomIdGenerator::random_span_id();
    std::uint64_t id;
    do id = streams->ids.next();
    while (id == 0);
    return tracewire::SpanId::from_u64(id);
  }
  bool random_trace_ids() const noexcept override { return true; }
};

/// When each trace is due, in seconds after the start: a steady `rate` per second, reached
/// by a linear ramp over `ramp` seconds first (the shape of a k6 stage). A rate of 0 means
/// "no schedule": every trace is due at once.
struct Schedule {
  double rate = 10;
  double ramp = 0;

  double due(std::uint64_t index) const noexcept {
    if (rate <= 0) return 0;
    const double n = static_cast<double>(index);
    const double ramp_traces = rate * ramp / 2;  // traces sent during the ramp
    if (n < ramp_traces) return std::sqrt(2 * n * ramp / rate);
    return ramp + (n - ramp_traces) / rate;
  }
};

/// Builds traces of one topology. Each service has its own Tracer (from its own provider,
/// so its own resource); spans get explicit start and end times and explicit parents, so
/// a whole trace is made in one go, as fast as the SDK records spans. One builder per
/// thread.
///
/// Timing: an operation's own work takes a duration drawn from its distribution; its
/// calls start after a fifth of it, one after another (or all at once when `parallel`),
/// and it ends when its calls have returned and the rest of its work is done. A call to
/// another service is a client (or producer) span in the caller and the callee's span
/// as its child, the network adding `network_latency_ms` each way; a call within the
/// service is a plain child span; a call to an uninstrumented service (a database) is a
/// client span only, carrying that operation's attributes.
///
/// Failures: an operation fails with its error rate: Error status with its message, an
/// `exception` event if it has one, its `http_status`. The client span of a failed call
/// fails too; with `propagate` the failure climbs to the root (callers that declare
/// `http.response.status_code` answer 500).
class TraceBuilder {
 public:
  /// `tracers[s]` is service `s`'s tracer (ignored for uninstrumented services).
  TraceBuilder(const Topology& topology, std::vector<tracewire::Tracer> tracers, bool xray_ids)
      : topology_(topology), tracers_(std::move(tracers)), xray_ids_(xray_ids) {
    for (const EntryPoint& entry : topology_.entry_points) total_weight_ += entry.weight;
  }

  /// Makes trace `index` of `seed`, starting at `start_unix_nano`; returns its span count.
  std::size_t build(std::uint64_t seed, std::uint64_t index, std::uint64_t start_unix_nano) {
    const std::uint64_t trace_seed = mix64(seed ^ mix64(index));
    streams_.shape.reseed(trace_seed);
    streams_.ids.reseed(~trace_seed);
    streams_.unix_seconds = static_cast<std::uint32_t>(start_unix_nano / 1000000000ULL);
    streams_.xray = xray_ids_;
    TraceStreams::current() = &streams_;
    spans_ = 0;
    const EntryPoint& entry = pick_entry();
    run(entry.service, entry.operation, nullptr, static_cast<double>(start_unix_nano) / 1000.0);
    TraceStreams::current() = nullptr;
    return spans_;
  }

 private:
  struct Outcome {
    double end_us;
    const ErrorSpec* failure = nullptr;  // why the span failed (its own error or a callee's), or nullptr
    bool propagates = false;             // the caller fails too
    std::size_t failed_service = 0;      // where the failure started
  };

  const EntryPoint& pick_entry() {
    double x = streams_.shape.uniform() * total_weight_;
    for (const EntryPoint& entry : topology_.entry_points) {
      if (x < entry.weight) return entry;
      x -= entry.weight;
    }
    return topology_.entry_points.back();
  }

  static std::chrono::system_clock::time_point at(double unix_us) {
    return std::chrono::system_clock::time_point(std::chrono::duration_cast<std::chrono::system_clock::duration>(
        std::chrono::nanoseconds(static_cast<std::int64_t>(unix_us * 1000.0))));
  }

  void add_attributes(const std::vector<AttributeSpec>& specs) {
    for (const AttributeSpec& spec : specs) attributes_.push_back({spec.key, spec.pick(streams_.shape)});
  }

  tracewire::Span start(std::size_t service, std::string_view name, tracewire::SpanKind kind,
                        const tracewire::SpanContext* parent, double start_us) {
    tracewire::SpanStartOptions options;
    options.kind = kind;
    options.make_current = false;
    options.start_time = at(start_us);
    if (parent) {
      options.parent = tracewire::Context().with_span_context(*parent);
    } else {
      options.root = true;
    }
    options.attributes = tracewire::ArrayView<tracewire::KeyValue>(attributes_);
    ++spans_;
    return tracers_[service].start_span(name, options);
  }

  void fail(tracewire::Span& span, const ErrorSpec& error, double end_us) {
    span.set_status(tracewire::StatusCode::error, error.message);
    if (error.exception) {
      tracewire::KeyValue exception[] = {{"exception.type", error.exception_type},
                                         {"exception.message", error.exception_message},
                                         {"exception.stacktrace", error.stacktrace}};
      span.add_event("exception",
                     tracewire::ArrayView<tracewire::KeyValue>(exception, error.stacktrace.empty() ? 2 : 3),
                     at(end_us));
    }
    if (error.http_status != 0) span.set_attribute("http.response.status_code", error.http_status);
  }

  // Draws whether `operation` fails this time, and marks `span` if it does.
  Outcome maybe_fail(tracewire::Span& span, const Operation& operation, std::size_t service, double end_us) {
    Outcome outcome;
    outcome.end_us = end_us;
    if (operation.error.rate > 0 && streams_.shape.chance(operation.error.rate)) {
      fail(span, operation.error, end_us);
      outcome.failure = &operation.error;
      outcome.propagates = operation.error.propagate;
      outcome.failed_service = service;
    }
    return outcome;
  }

  // One operation as a span under `parent` (nullptr: the root), from `start_us`.
  Outcome run(std::size_t service, std::size_t op, const tracewire::SpanContext* parent, double start_us) {
    const Operation& operation = topology_.operation(service, op);
    attributes_.clear();
    add_attributes(operation.attributes);
    tracewire::Span span = start(service, operation.name, operation.kind, parent, start_us);
    const tracewire::SpanContext context = span.context();

    const double work = operation.duration.draw(streams_.shape);
    double end = start_us + work / 5;
    Outcome passed_up;  // the first callee failure that propagates
    const double calls_start = end;
    for (const Call& call : operation.calls) {
      for (unsigned r = 0; r < call.repeat; ++r) {
        if (call.probability < 1 && !streams_.shape.chance(call.probability)) continue;
        const Outcome outcome = run_call(service, call, context, operation.parallel ? calls_start : end);
        end = operation.parallel ? std::max(end, outcome.end_us) : outcome.end_us;
        if (outcome.propagates && !passed_up.failure) passed_up = outcome;
      }
    }
    end += work * 4 / 5;

    Outcome outcome = maybe_fail(span, operation, service, end);
    if (!outcome.failure && passed_up.failure) {
      span.set_status(
          tracewire::StatusCode::error,
          fmt::format("{} failed: {}", topology_.services[passed_up.failed_service].name, passed_up.failure->message));
      if (operation.has_http_status) span.set_attribute("http.response.status_code", 500);
      outcome.failure = passed_up.failure;
      outcome.propagates = true;
      outcome.failed_service = passed_up.failed_service;
    }
    span.end(at(end));
    return outcome;
  }

  // A call from `caller` to `call`'s target, under the caller's span `parent`.
  Outcome run_call(std::size_t caller, const Call& call, const tracewire::SpanContext& parent, double start_us) {
    const Service& callee = topology_.services[call.service];
    const Operation& operation = callee.operations[call.operation];
    if (call.service == caller) return run(call.service, call.operation, &parent, start_us);

    attributes_.clear();
    add_attributes(call.attributes);
    attributes_.push_back({"peer.service", std::string_view(callee.name)});
    if (!callee.instrumented) add_attributes(operation.attributes);
    const bool messaging = operation.kind == tracewire::SpanKind::consumer;
    tracewire::Span client =
        start(caller, operation.name, messaging ? tracewire::SpanKind::producer : tracewire::SpanKind::client, &parent,
              start_us);
    const double latency = topology_.network_latency_us * streams_.shape.uniform(0.5, 1.5);

    if (!callee.instrumented) {
      const double end = start_us + 2 * latency + operation.duration.draw(streams_.shape);
      const Outcome outcome = maybe_fail(client, operation, call.service, end);
      client.end(at(end));
      return outcome;
    }

    const tracewire::SpanContext client_context = client.context();
    const Outcome served = run(call.service, call.operation, &client_context, start_us + latency);
    Outcome outcome = served;
    outcome.end_us = served.end_us + latency;
    // The caller sees the callee's failure whether or not it propagates further.
    if (served.failure) {
      client.set_status(tracewire::StatusCode::error, fmt::format("{}: {}", callee.name, served.failure->message));
      const std::int64_t status = served.failure == &operation.error ? served.failure->http_status : 500;
      if (status != 0) client.set_attribute("http.response.status_code", status);
    }
    client.end(at(outcome.end_us));
    return outcome;
  }

  const Topology& topology_;
  std::vector<tracewire::Tracer> tracers_;
  bool xray_ids_;
  double total_weight_ = 0;
  TraceStreams streams_;
  std::vector<tracewire::KeyValue> attributes_;
  std::size_t spans_ = 0;
};

}  // namespace tracewire_gen
