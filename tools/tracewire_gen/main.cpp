// tracewire-gen: synthetic distributed traces from a topology, through any tracewire exporter.
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "tracewire/config/environment.hpp"
// The transports this build has register themselves as the exporters' defaults.
#if defined(TRACEWIRE_GEN_WITH_CURL)
#include "tracewire/transport/curl_http_client.hpp"
#endif
#if defined(TRACEWIRE_GEN_WITH_GRPC)
#include "tracewire/export/otlp/otlp_grpc_exporter.hpp"
#endif
#include "tracewire_gen/generator.hpp"
#include "tracewire_gen/pipeline.hpp"
#include "tracewire_gen/shipped_topologies.hpp"
#include "tracewire_gen/topology.hpp"

namespace {

constexpr const char* usage = R"(usage: tracewire-gen [options]

Generates synthetic distributed traces (services, client/server calls, errors) and sends
them through the exporters the OTEL_* variables configure, like any tracewire program:
OTEL_TRACES_EXPORTER (otlp by default; also jaeger, zipkin, xray, console, none,
`otlp_file` (OTLP/JSON lines to the file TRACEWIRE_GEN_OTLP_FILE names, default stdout)
and `discard`, which drops everything after batching), OTEL_EXPORTER_OTLP_ENDPOINT and
_PROTOCOL (http/protobuf, http/json, grpc), OTEL_BSP_*, OTEL_TRACES_SAMPLER, ...
(OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES are not used: each simulated service
has the resource its topology gives it.)

  --topology NAME|FILE      shop (default), uservices, random[:SERVICES,DEPTH,FANOUT]
                            (default random:10,4,3), or a topology JSON file
  --traces N                stop after N traces
  --duration SECONDS        stop after SECONDS (without --traces or --duration: run
                            until interrupted)
  --traces-per-second R     the steady rate (default 10; 0: as fast as the exporters
                            take them)
  --ramp SECONDS            rise linearly from 0 to R over the first SECONDS
  --workers W               threads making traces (default 1)
  --seed S                  the same seed makes the same traces, ids included
  --backfill SECONDS        timestamps spread over the SECONDS before now (at R traces
                            per second, or --traces N), sent as fast as possible
  --start-time UNIX_SECONDS the first trace's time (default: now, or now - SECONDS with
                            --backfill)
  --allow-drops             exit 0 even if spans were dropped or failed to export
  --quiet                   no progress line
  --print-topology          print the topology (resolved) and exit
  --help

A progress line each second and a summary go to stderr. Exit status: 0, 1 if spans
were dropped or failed (unless --allow-drops), 2 for a bad command line or topology.
)";

std::atomic<bool> interrupted{false};
extern "C" void on_signal(int) { interrupted.store(true); }

struct Options {
  std::string topology = "shop";
  std::optional<std::uint64_t> traces;
  std::optional<double> duration;
  double rate = 10;
  double ramp = 0;
  unsigned workers = 1;
  std::optional<std::uint64_t> seed;
  std::optional<double> backfill;
  std::optional<double> start_time;
  bool allow_drops = false;
  bool quiet = false;
  bool print_topology = false;
};

[[noreturn]] void usage_error(const std::string& message) {
  std::cerr << "tracewire-gen: " << message << "\n(tracewire-gen --help for usage)\n";
  std::exit(2);
}

double parse_number(const std::string& option, const std::string& text, double minimum) {
  std::size_t used = 0;
  double value = 0;
  try {
    value = std::stod(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != text.size() || !(value >= minimum))
    usage_error(fmt::format("{} {:?}: expected a number >= {}", option, text, minimum));
  return value;
}

std::uint64_t parse_count(const std::string& option, const std::string& text, std::uint64_t minimum) {
  if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos || text.size() > 19) {
    usage_error(fmt::format("{} {:?}: expected a whole number", option, text));
  }
  const std::uint64_t value = std::stoull(text);
  if (value < minimum) usage_error(fmt::format("{} {}: expected at least {}", option, text, minimum));
  return value;
}

Options parse_command_line(int argc, char** argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    const std::string option = argv[i];
    const auto value = [&]() -> std::string {
      if (i + 1 >= argc) usage_error(option + " needs a value");
      return argv[++i];
    };
    if (option == "--help" || option == "-h") {
      std::cout << usage;
      std::exit(0);
    } else if (option == "--topology") {
      options.topology = value();
    } else if (option == "--traces") {
      options.traces = parse_count(option, value(), 1);
    } else if (option == "--duration") {
      options.duration = parse_number(option, value(), 0);
    } else if (option == "--traces-per-second") {
      options.rate = parse_number(option, value(), 0);
    } else if (option == "--ramp") {
      options.ramp = parse_number(option, value(), 0);
    } else if (option == "--workers") {
      options.workers = static_cast<unsigned>(parse_count(option, value(), 1));
      if (options.workers > 256) usage_error("--workers: at most 256");
    } else if (option == "--seed") {
      options.seed = parse_count(option, value(), 0);
    } else if (option == "--backfill") {
      options.backfill = parse_number(option, value(), 0.001);
    } else if (option == "--start-time") {
      options.start_time = parse_number(option, value(), 0);
    } else if (option == "--allow-drops") {
      options.allow_drops = true;
    } else if (option == "--quiet") {
      options.quiet = true;
    } else if (option == "--print-topology") {
      options.print_topology = true;
    } else {
      usage_error("unknown option " + option);
    }
  }
  if (options.traces && options.duration) usage_error("give --traces or --duration, not both");
  if (options.backfill && options.duration) usage_error("--backfill sets the time window itself: drop --duration");
  if (options.backfill && !options.traces && options.rate <= 0)
    usage_error("--backfill needs --traces or a rate above 0");
  return options;
}

tracewire_gen::Topology load_topology(const std::string& name, std::uint64_t seed) {
  try {
    if (name == "random" || name.rfind("random:", 0) == 0) {
      unsigned services = 10, depth = 4, fanout = 3;
      if (name.size() > 7) {
        char comma1 = 0, comma2 = 0;
        std::istringstream shape(name.substr(7));
        if (!(shape >> services >> comma1 >> depth >> comma2 >> fanout) || comma1 != ',' || comma2 != ',' ||
            !shape.eof() || services < 1 || services > 10000 || depth < 1 || fanout < 1 || fanout > 100) {
          usage_error(fmt::format("--topology {:?}: expected random:SERVICES,DEPTH,FANOUT", name));
        }
      }
      return tracewire_gen::random_topology(services, depth, fanout, seed);
    }
    if (const std::string_view shipped = tracewire_gen::shipped_topology(name); !shipped.empty()) {
      return tracewire_gen::parse_topology_text(shipped);
    }
    std::ifstream file(name);
    if (!file) usage_error(fmt::format("--topology {:?}: not shop, uservices, random, or a readable file", name));
    std::stringstream text;
    text << file.rdbuf();
    return tracewire_gen::parse_topology_text(text.str());
  } catch (const tracewire_gen::TopologyError& error) {
    std::cerr << "tracewire-gen: " << name << ": " << error.what() << "\n";
    std::exit(2);
  }
}

void print_topology(const tracewire_gen::Topology& topology) {
  for (const auto& service : topology.services) {
    fmt::print("{}{}\n", service.name, service.instrumented ? "" : " (not instrumented)");
    for (const auto& operation : service.operations) {
      fmt::print("  {} [{}]{}\n", operation.name, tracewire::to_string(operation.kind),
                 operation.error.rate > 0 ? fmt::format(" fails {:.1f}%", operation.error.rate * 100) : "");
      for (const auto& call : operation.calls) {
        fmt::print("    -> {}/{}{}\n", topology.services[call.service].name,
                   topology.operation(call.service, call.operation).name, operation.parallel ? " (parallel)" : "");
      }
    }
  }
}

std::string human_bytes(std::uint64_t bytes) {
  if (bytes < 10 * 1024) return fmt::format("{} B", bytes);
  if (bytes < 10 * 1024 * 1024) return fmt::format("{:.1f} KiB", bytes / 1024.0);
  return fmt::format("{:.1f} MiB", bytes / (1024.0 * 1024.0));
}

}  // namespace

int main(int argc, char** argv) {
  const Options options = parse_command_line(argc, argv);
  const std::uint64_t seed =
      options.seed ? *options.seed : (std::uint64_t(std::random_device()()) << 32) ^ std::random_device()();
  const tracewire_gen::Topology topology = load_topology(options.topology, options.seed.value_or(1));
  if (options.print_topology) {
    print_topology(topology);
    return 0;
  }
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);

  tracewire_gen::Pipeline pipeline(topology, tracewire::ProcessEnvironment());

  // The timeline: trace i starts at origin + due(i). Live, traces are also sent at that
  // moment; in backfill the window before now is filled as fast as possible.
  const double now = std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  tracewire_gen::Schedule schedule{options.rate, options.ramp};
  std::optional<std::uint64_t> limit = options.traces;
  if (options.backfill) {
    // The window holds R traces per second (or N in all), evenly spread: no ramp.
    schedule = {options.traces ? *options.traces / *options.backfill : options.rate, 0};
    if (!options.traces) limit = static_cast<std::uint64_t>(*options.backfill * options.rate);
  }
  const double origin = options.start_time ? *options.start_time : options.backfill ? now - *options.backfill : now;
  const bool paced = !options.backfill && options.rate > 0;
  const bool wall_clock_times = !options.backfill && options.rate <= 0 && !options.start_time;
  const auto started = std::chrono::steady_clock::now();

  std::atomic<std::uint64_t> traces{0}, spans{0};
  std::atomic<unsigned> running{options.workers};
  std::vector<std::thread> workers;
  for (unsigned w = 0; w < options.workers; ++w) {
    workers.emplace_back([&, w] {
      tracewire_gen::TraceBuilder builder(topology, pipeline.tracers(), pipeline.xray_ids());
      for (std::uint64_t i = w;; i += options.workers) {
        if (interrupted.load(std::memory_order_relaxed) || (limit && i >= *limit)) break;
        const double due = schedule.due(i);
        if (options.duration &&
            (paced ? due : std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count()) >=
                *options.duration) {
          break;
        }
        if (paced) {
          const auto when = started + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                          std::chrono::duration<double>(due));
          while (std::chrono::steady_clock::now() < when && !interrupted.load(std::memory_order_relaxed)) {
            std::this_thread::sleep_until(
                std::min(when, std::chrono::steady_clock::now() + std::chrono::milliseconds(100)));
          }
          if (interrupted.load(std::memory_order_relaxed)) break;
        }
        while (pipeline.congested() && !interrupted.load(std::memory_order_relaxed)) {
          std::this_thread::sleep_for(std::chrono::microseconds(200));
        }
        const double start =
            wall_clock_times
                ? std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count()
                : origin + (schedule.rate > 0 ? due : static_cast<double>(i) / 1000);  // unpaced: 1 ms apart
        const std::size_t made = builder.build(seed, i, static_cast<std::uint64_t>(start * 1e9));
        traces.fetch_add(1, std::memory_order_relaxed);
        spans.fetch_add(made, std::memory_order_relaxed);
      }
      running.fetch_sub(1);
    });
  }

  // Progress once a second until the workers are done.
  std::uint64_t last_spans = 0;
  auto last = started;
  while (running.load() > 0) {
    const auto next = last + std::chrono::seconds(1);
    while (running.load() > 0 && std::chrono::steady_clock::now() < next)
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    if (running.load() == 0) break;
    const auto now_steady = std::chrono::steady_clock::now();
    const std::uint64_t made = spans.load();
    const double seconds = std::chrono::duration<double>(now_steady - last).count();
    if (!options.quiet) {
      const tracewire_gen::Totals totals = pipeline.totals();
      std::cerr << fmt::format(
          "tracewire-gen: {:.0f}s traces {} spans {} spans/s {:.0f} sent {} dropped {} export errors {}\n",
          std::chrono::duration<double>(now_steady - started).count(), traces.load(), made,
          (made - last_spans) / seconds, human_bytes(totals.bytes), totals.dropped, totals.failed);
    }
    last_spans = made;
    last = now_steady;
  }
  for (std::thread& worker : workers) worker.join();
  const double generating = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  const bool flushed = pipeline.shutdown(std::chrono::seconds(30));
  const double total = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

  const tracewire_gen::Totals totals = pipeline.totals();
  std::cerr << fmt::format(
      "tracewire-gen: done{}: {} traces, {} spans in {:.2f}s ({:.0f} spans/s generated, {:.0f} spans/s exported); "
      "exported {}, dropped {}, export errors {}, sent {}\n",
      interrupted.load() ? " (interrupted)" : "", traces.load(), spans.load(), generating, spans.load() / generating,
      totals.exported / total, totals.exported, totals.dropped, totals.failed, human_bytes(totals.bytes));
  for (const std::string& line : pipeline.describe_exporters()) std::cerr << "tracewire-gen:   " << line << "\n";
  if (!flushed) std::cerr << "tracewire-gen: the exporters did not finish within 30 s\n";
  const bool lost = totals.dropped > 0 || totals.failed > 0 || !flushed;
  if (lost && !options.allow_drops) {
    std::cerr << "tracewire-gen: spans were lost (--allow-drops to accept that)\n";
    return 1;
  }
  return 0;
}
