#!/usr/bin/env python3
"""Prints the table of bench/README.md from tracewire_bench's JSON output.

Usage: bench/report.py bench.json [--readme README.md --commit REV]

With --readme it also rewrites the README's cost table (between the lines
`<!-- bench-table: ... -->` and `<!-- bench-table-end -->`) from this run, with the machine,
the compiler, the date and the commit, so that no figure there is edited by hand.

Reads Google Benchmark's JSON (`--benchmark_out_format=json`). With repetitions it uses the
medians, otherwise the single run. A benchmark named in the table but absent from the file
shows "not run", so a partial run (a --benchmark_filter, a build without libcurl) still
prints every row. Only the standard library is used.
"""
import argparse
import json
import os
import re
import sys


def load(path):
    with open(path, encoding="utf-8") as handle:
        data = json.load(handle)
    runs = {}
    for entry in data.get("benchmarks", []):
        name = entry.get("run_name") or entry["name"]
        aggregate = entry.get("aggregate_name")
        if entry.get("run_type") == "aggregate" and aggregate != "median":
            continue
        if entry.get("error_occurred"):
            runs.setdefault(name + " (error)", entry)
            continue
        # A median replaces a single repetition of the same run.
        if aggregate == "median" or name not in runs:
            runs[name] = entry
    return data.get("context", {}), runs


def nanoseconds(entry, key):
    scale = {"ns": 1.0, "us": 1e3, "ms": 1e6, "s": 1e9}[entry.get("time_unit", "ns")]
    return entry[key] * scale


def cpu_ns(entry):
    return nanoseconds(entry, "cpu_time")


def fmt_ns(value):
    return f"{value:.1f} ns" if value < 100 else f"{value:.0f} ns"


def fmt_rate(value):
    return f"{value / 1e6:.2f} M spans/s"


def verdict(ok):
    return "met" if ok else "**not met**"


class Table:
    def __init__(self, runs):
        self.runs = runs
        self.rows = []

    def get(self, name):
        return self.runs.get(name)

    def add(self, measure, target, benchmark, figure, ok):
        self.rows.append((measure, target, benchmark, figure, "" if ok is None else verdict(ok)))

    def missing(self, measure, target, benchmark):
        self.rows.append((measure, target, benchmark, "not run", ""))

    def rate_row(self, measure, target_rate, name, counters=()):
        entry = self.get(name)
        target = f"≥ {target_rate / 1e6:g} M spans/s" if target_rate else "(no target)"
        if entry is None:
            return self.missing(measure, target, name)
        rate = entry.get("items_per_second", 0.0)
        figure = fmt_rate(rate)
        for counter in counters:
            if counter in entry:
                figure += f", {counter}={entry[counter]:g}"
        self.add(measure, target, name, figure, rate >= target_rate if target_rate else None)

    def render(self):
        lines = ["| measure | target | benchmark | measured | |", "|---|---|---|---|---|"]
        lines += ["| " + " | ".join(row) + " |" for row in self.rows]
        return "\n".join(lines)


def build(runs):
    table = Table(runs)
    clock = table.get("BM_ClockReads")
    sampled = table.get("BM_SpanSampled")

    if clock is not None:
        table.add("the clock reads one sampled span performs", "(reference)", "BM_ClockReads", fmt_ns(cpu_ns(clock)), None)
    else:
        table.missing("the clock reads one sampled span performs", "(reference)", "BM_ClockReads")

    # Issue 17's targets are ratios to the clock reads of the same run, so that they hold on
    # any machine: what a span costs beyond reading the clock is tracewire's.
    def ratio_row(measure, ratio, name):
        entry = table.get(name)
        target = f"≤ {ratio:g}× BM_ClockReads"
        if entry is None or clock is None:
            return table.missing(measure, target, name)
        value = cpu_ns(entry)
        figure = f"{fmt_ns(value)} = {value / cpu_ns(clock):.2f}×"
        if "allocations_per_span" in entry:
            figure += f", {entry['allocations_per_span']:g} allocations/span"
        if entry.get("dropped_per_span"):
            figure += f", {100 * entry['dropped_per_span']:.1f}% dropped (queue full)"
        table.add(measure, target, name, figure, value <= ratio * cpu_ns(clock))

    ratio_row("sampled span start+end, no attributes, batch processor, discarding exporter", 1.5, "BM_SpanSampled")
    ratio_row("sampled span with 3 attributes (string, int, double) and 1 event", 2.5, "BM_SpanSampledAttrsEvent")
    ratio_row("sampled child of the current span", 1.5, "BM_SpanChild")
    ratio_row("unsampled span start+end (always_off root)", 0.25, "BM_SpanUnsampled")
    ratio_row("unsampled span start+end (parent not sampled)", 0.25, "BM_SpanUnsampledChild")

    allocations = [(name, table.get(name)) for name in ("BM_SpanSampled", "BM_SpanSampledAttrsEvent")]
    measured = [(name, entry["allocations_per_span"]) for name, entry in allocations
                if entry is not None and "allocations_per_span" in entry]
    if measured:
        figure = ", ".join(f"{value:g} ({name})" for name, value in measured)
        table.add("heap allocations per sampled span in steady state", "0 (and tests/test_allocations.cpp)",
                  "allocations_per_span counters", figure, all(value == 0 for _, value in measured))
    else:
        table.missing("heap allocations per sampled span in steady state", "0", "allocations_per_span counters")

    threaded = table.get("BM_SpanSampled/real_time/threads:2") or table.get("BM_SpanSampled/threads:2")
    if threaded is not None and sampled is not None:
        ratio = cpu_ns(threaded) / cpu_ns(sampled)
        table.add("two threads starting and ending spans at once (CPU time per span)", "≤ 1.1× the 1-thread figure",
                  "BM_SpanSampled/threads:2", f"{fmt_ns(cpu_ns(threaded))} = {ratio:.2f}× 1 thread", ratio <= 1.1)
    else:
        table.missing("two threads starting and ending spans at once", "≤ 1.1× the 1-thread figure",
                      "BM_SpanSampled/threads:2")

    # The highest paced rate with no drop (BM_SpanPaced/<thousands per second>), and what a
    # free-running producer (the last argument) loses.
    paced = sorted(((int(m.group(1)), entry) for name, entry in runs.items()
                    for m in [re.match(r"BM_SpanPaced/(\d+)", name)] if m), key=lambda item: item[0])
    if paced:
        sustained = [rate for rate, entry in paced if not entry.get("dropped_per_span")]
        free = paced[-1][1]
        figure = (f"{max(sustained) / 1e3:g} M spans/s with 0 drops" if sustained else "drops at every rate") + \
            f"; free-running: {fmt_rate(free.get('items_per_second', 0.0))}, " \
            f"{100 * free.get('dropped_per_span', 0.0):.1f}% dropped"
        table.add("spans/s the pipeline sustains with 0 drops (default queue 2048)", "(reported)", "BM_SpanPaced/*",
                  figure, None)
    else:
        table.missing("spans/s the pipeline sustains with 0 drops (default queue 2048)", "(reported)", "BM_SpanPaced/*")

    # Propagation: one row per format the suite benchmarks; W3C trace context has targets.
    # Names are BM_ExtractFormat or, from BENCHMARK_TEMPLATE, BM_Extract<Format>.
    propagation = {(m.group(1), m.group(2)): name for name in runs
                   for m in [re.match(r"BM_(Extract|Inject)<?(\w+?)>?$", name)] if m}
    formats = sorted({fmt for _, fmt in propagation})
    w3c = [f for f in formats if re.search(r"w3c|tracecontext|traceparent", f, re.I)]
    if not w3c:
        table.missing("W3C extract (traceparent + tracestate)", "≤ 3× BM_ClockReads", "BM_Extract<TraceContext…>")
        table.missing("W3C inject", "≤ 60 ns", "BM_Inject<TraceContext…>")
    for name in formats:
        for operation in ("Extract", "Inject"):
            benchmark = propagation.get((operation, name))
            if benchmark is None:
                continue
            value = cpu_ns(runs[benchmark])
            if name not in w3c:
                table.add(f"{operation.lower()} {name}", "(no target)", benchmark, fmt_ns(value), None)
            elif operation == "Inject":
                table.add(f"inject {name}", "≤ 60 ns", benchmark, fmt_ns(value), value <= 60)
            elif clock is None:
                table.missing(f"extract {name}", "≤ 3× BM_ClockReads", benchmark)
            else:
                table.add(f"extract {name}", "≤ 3× BM_ClockReads", benchmark,
                          f"{fmt_ns(value)} = {value / cpu_ns(clock):.2f}×", value <= 3 * cpu_ns(clock))

    table.rate_row("OTLP protobuf encoding, 512 spans × (3 attributes + 1 event)", 8e6, "BM_OtlpProtoEncode512")
    table.rate_row("OTLP JSON encoding, same batch", 2e6, "BM_OtlpJsonEncode512")
    table.rate_row("Jaeger Thrift compact encoding, same batch", 2e6, "BM_JaegerCompactEncode512")
    table.rate_row("Zipkin JSON encoding, same batch", None, "BM_ZipkinJsonEncode512")
    # The target is for a full queue's worth (8192 spans) per flush; fall back to any size run.
    loopbacks = sorted((name for name in runs if name.startswith("BM_ExportOtlpHttpLoopback")),
                       key=lambda name: "/8192" not in name)
    loopback = loopbacks[0] if loopbacks else "BM_ExportOtlpHttpLoopback"
    entry = runs.get(loopback)
    drop_counters = [key for key in (entry or {}) if "drop" in key.lower()]
    table.rate_row("end to end: spans → batch processor → OTLP/HTTP over loopback (queue 8192)", 5e5, loopback,
                   drop_counters)

    # tracewire-gen: shop traces per second, one and two generating threads.
    for prefix, measure, target in (
            ("BM_GeneratorDiscard", "tracewire-gen, shop topology, discarding exporter", 1e6),
            ("BM_GeneratorOtlpHttpLoopback", "tracewire-gen, shop topology, OTLP/HTTP over loopback", None)):
        for threads in (1, 2):
            name = next((n for n in runs if n.startswith(prefix) and n.endswith(f"threads:{threads}")), None)
            label = f"{measure}, {threads} worker{'s' if threads > 1 else ''}"
            if name is None:
                table.missing(label, f"≥ {target / 1e6:g} M spans/s" if target else "(no target)", prefix)
            else:
                table.rate_row(label, target if threads == 1 else None, name, ["dropped"])

    down = next((name for name in runs if name.startswith("BM_BackendDownRss")), None)
    if down is None:
        table.missing("memory with the backend down, spans produced at full speed for 10 s",
                      "resident memory flat, drops counted exactly", "BM_BackendDownRss")
    else:
        entry = runs[down]
        growth = entry["rss_end_mib"] - entry["rss_start_mib"]
        exact = entry.get("unaccounted_spans", 1) == 0
        figure = (f"RSS {entry['rss_start_mib']:.1f} → {entry['rss_end_mib']:.1f} MiB after warm-up, "
                  f"{entry['spans'] / 1e6:.1f} M spans, {entry['dropped'] / 1e6:.1f} M dropped, "
                  f"{entry.get('unaccounted_spans', float('nan')):g} unaccounted")
        table.add("memory with the backend down, spans produced at full speed for 10 s",
                  "resident memory flat, drops counted exactly", down, figure, growth < 4 and exact)
    return table


README_BEGIN = re.compile(r"^<!-- bench-table: .* -->$", re.M)
README_END = "<!-- bench-table-end -->"


def cpu_model():
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown CPU"


def readme_table(context, runs, commit):
    """The README's cost table: one row per figure a user asks about, from this run only."""
    def ns(name):
        entry = runs.get(name)
        return None if entry is None else cpu_ns(entry)

    def shown(value):
        return "not run" if value is None else fmt_ns(value)

    def rate(name):
        entry = runs.get(name)
        return "not run" if entry is None else f"{entry.get('items_per_second', 0.0) / 1e6:.1f} M"

    allocations = [runs[name].get("allocations_per_span") for name in ("BM_SpanSampled", "BM_SpanSampledAttrsEvent")
                   if name in runs]
    allocations = [value for value in allocations if value is not None]
    loopbacks = sorted((name for name in runs if name.startswith("BM_ExportOtlpHttpLoopback")),
                       key=lambda name: "/8192" not in name)
    loopback = runs.get(loopbacks[0]) if loopbacks else None
    if loopback is None:
        end_to_end = "not run"
    else:
        dropped = sum(value for key, value in loopback.items() if "drop" in key.lower() and isinstance(value, (int, float)))
        end_to_end = f"{loopback.get('items_per_second', 0.0) / 1e6:.2f} M spans/s, " + \
            ("no drops" if dropped == 0 else f"{dropped:g} dropped")
    clock = ns("BM_ClockReads")

    def versus_clock(value):
        """A figure and its ratio to the clock reads of the same run (issue 17's targets)."""
        if value is None:
            return "not run"
        return fmt_ns(value) + ("" if clock is None else f" ({value / clock:.2f}×)")

    rows = [
        ("two clock reads (what a sampled span must pay)", shown(clock), "reference"),
        ("sampled span start+end, batch processor", versus_clock(ns("BM_SpanSampled")), "≤ 1.5× clock reads"),
        ("sampled span with 3 attributes and an event", versus_clock(ns("BM_SpanSampledAttrsEvent")),
         "≤ 2.5× clock reads"),
        ("unsampled span (always_off root / parent not sampled)",
         f"{versus_clock(ns('BM_SpanUnsampled'))} / {versus_clock(ns('BM_SpanUnsampledChild'))}",
         "≤ 0.25× clock reads"),
        ("heap allocations per sampled span, steady state",
         ("not run" if not allocations else f"{max(allocations):g}") + " (a test proves 0)", "0"),
        ("W3C traceparent + tracestate extract / inject",
         f"{versus_clock(ns('BM_Extract<TraceContext>'))} / {shown(ns('BM_Inject<TraceContext>'))}",
         "≤ 3× clock reads / ≤ 60 ns"),
        ("OTLP protobuf / OTLP JSON / Jaeger compact encoding",
         f"{rate('BM_OtlpProtoEncode512')} / {rate('BM_OtlpJsonEncode512')} / {rate('BM_JaegerCompactEncode512')} spans/s",
         "8 M / 2 M / 2 M"),
        ("spans → batch processor (queue 8192) → OTLP/HTTP on loopback", end_to_end, "≥ 0.5 M"),
    ]
    lines = [
        f"Measured by `bench/run.sh --readme` at commit {commit}: the whole `tracewire_bench` suite, "
        f"CPU-time medians; {context.get('compiler', 'compiler ?')}, {context.get('tracewire_build', 'build ?')}; "
        f"{context.get('host_name', '?')}, {context.get('num_cpus', '?')} × {cpu_model()}; {context.get('date', '?')}.",
        "",
        "| | tracewire | target |",
        "|---|---|---|",
    ]
    lines += [f"| {measure} | {figure} | {target} |" for measure, figure, target in rows]
    return "\n".join(lines)


def write_readme(path, table):
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    begin = README_BEGIN.search(text)
    end = text.find(README_END, begin.end() if begin else 0)
    if begin is None or end < 0:
        print(f"{path} has no '<!-- bench-table: ... -->' ... '{README_END}' lines to write between", file=sys.stderr)
        return False
    text = text[:begin.end()] + "\n" + table + "\n" + text[end:]
    with open(path + ".tmp", "w", encoding="utf-8") as handle:
        handle.write(text)
    os.replace(path + ".tmp", path)
    return True


def main():
    parser = argparse.ArgumentParser(description="The table of bench/README.md from tracewire_bench's JSON.")
    parser.add_argument("json")
    parser.add_argument("--readme", help="rewrite this README's cost table from the run")
    parser.add_argument("--commit", default="?", help="the commit measured, for the README")
    parser.add_argument("--any-build", action="store_true",
                        help="write the README from a build that is not Release (the tests' smoke run)")
    arguments = parser.parse_args()
    readme, commit = arguments.readme, arguments.commit
    context, runs = load(arguments.json)
    print(f"{context.get('date', '?')} · {context.get('host_name', '?')} · {context.get('num_cpus', '?')} CPUs at "
          f"{context.get('mhz_per_cpu', '?')} MHz · {context.get('compiler', 'compiler ?')} · "
          f"{context.get('tracewire_build', 'build ?')} · figures are CPU-time medians")
    print()
    print(build(runs).render())
    errors = [f"{name}: {entry.get('error_message', '')}" for name, entry in runs.items() if entry.get("error_occurred")]
    if readme and not arguments.any_build and not context.get("tracewire_build", "").startswith("Release"):
        print(f"\nnot writing {readme}: the figures of a {context.get('tracewire_build', '?')} build are meaningless",
              file=sys.stderr)
        return 1
    if readme and not errors:
        if not write_readme(readme, readme_table(context, runs, commit)):
            return 1
        print(f"\nwrote the cost table of {readme}")
    if errors:
        # A benchmark that reported an error (SkipWithError: e.g. the exporter did not see
        # every span) broke an invariant: the run fails, whatever the other rows say.
        print("\nfailed benchmarks (their rows show \"not run\"):\n  " + "\n  ".join(errors))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
