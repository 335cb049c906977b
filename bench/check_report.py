#!/usr/bin/env python3
"""Tests bench/report.py on the JSON of a real (smoke) run of tracewire_bench.

Usage: check_report.py SMOKE_JSON README.md WORK_DIR

- report.py --readme rewrites the README's cost table between its two marker lines and
  nothing else; every figure in it is the run's (read back here from the JSON), with the
  machine, the compiler, the date and the commit; a second run writes the same file;
- report.py refuses to write the README from a build that is not Release;
- a run in which a benchmark reported an error (SkipWithError) fails, README untouched.
Prints 'N passed, M failed'.
"""
import json
import os
import re
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
failures = []
passed = 0


def check(condition, what):
    global passed
    if condition:
        passed += 1
    else:
        failures.append(what)
        print(f"FAILED: {what}")


def report(*arguments):
    return subprocess.run([sys.executable, os.path.join(HERE, "report.py"), *arguments],
                          capture_output=True, text=True)


def read(path):
    with open(path, encoding="utf-8") as handle:
        return handle.read()


def outside_table(text):
    return re.sub(r"(<!-- bench-table: .* -->\n).*?(<!-- bench-table-end -->)", r"\1\2", text, flags=re.S)


def median_cpu_ns(data, name):
    entries = [e for e in data["benchmarks"] if (e.get("run_name") or e["name"]) == name]
    entry = next((e for e in entries if e.get("aggregate_name") == "median"), entries[0] if entries else None)
    scale = {"ns": 1.0, "us": 1e3, "ms": 1e6, "s": 1e9}[entry.get("time_unit", "ns")]
    return entry["cpu_time"] * scale


def main():
    smoke, readme_source, work = sys.argv[1:4]
    os.makedirs(work, exist_ok=True)
    with open(smoke, encoding="utf-8") as handle:
        data = json.load(handle)
    readme = os.path.join(work, "README.md")
    shutil.copyfile(readme_source, readme)
    original = read(readme)

    result = report(smoke, "--readme", readme, "--commit", "abc1234", "--any-build")
    check(result.returncode == 0, f"report.py --readme exits 0 ({result.stderr.strip()})")
    written = read(readme)
    check(outside_table(written) == outside_table(original), "only the table between the markers changes")
    table = written[written.index("<!-- bench-table:"):written.index("<!-- bench-table-end -->")]
    context = data["context"]
    check("at commit abc1234:" in table, "the commit is named")
    check(context["date"] in table and context["host_name"] in table, "the date and the machine are named")
    check(context.get("compiler", "?") in table, "the compiler is named")
    rows = {line.split(" | ")[0].lstrip("| "): line.split(" | ")[1] for line in table.splitlines()
            if line.startswith("| ") and " | " in line and line.split(" | ")[0].lstrip("| ")}

    def shown(value):  # report.py's format of a time
        return f"{value:.1f} ns" if value < 100 else f"{value:.0f} ns"

    clock = median_cpu_ns(data, "BM_ClockReads")

    def versus_clock(name):  # a time and its ratio to the clock reads (issue 17's targets)
        value = median_cpu_ns(data, name)
        return f"{shown(value)} ({value / clock:.2f}×)"

    def plain(name):
        return shown(median_cpu_ns(data, name))

    for measure, names in (("two clock reads (what a sampled span must pay)", [(plain, "BM_ClockReads")]),
                           ("sampled span start+end, batch processor", [(versus_clock, "BM_SpanSampled")]),
                           ("sampled span with 3 attributes and an event", [(versus_clock, "BM_SpanSampledAttrsEvent")]),
                           ("unsampled span (always_off root / parent not sampled)",
                            [(versus_clock, "BM_SpanUnsampled"), (versus_clock, "BM_SpanUnsampledChild")]),
                           ("W3C traceparent + tracestate extract / inject",
                            [(versus_clock, "BM_Extract<TraceContext>"), (plain, "BM_Inject<TraceContext>")])):
        expected = " / ".join(show(name) for show, name in names)
        check(rows.get(measure) == expected, f"'{measure}' shows {expected} (table: {rows.get(measure)})")
    check(len(rows) == 8, f"the table has its 8 rows ({len(rows)})")
    check(all("not run" not in figure for figure in rows.values()), "every row comes from the run")

    result = report(smoke, "--readme", readme, "--commit", "abc1234", "--any-build")
    check(result.returncode == 0 and read(readme) == written, "a second run writes the same file")

    if not context.get("tracewire_build", "").startswith("Release"):
        result = report(smoke, "--readme", readme, "--commit", "abc1234")
        check(result.returncode != 0 and read(readme) == written, "a non-Release run does not write the README")

    data["benchmarks"][0]["error_occurred"] = True
    data["benchmarks"][0]["error_message"] = "the exporter did not see every span"
    failing = os.path.join(work, "error.json")
    with open(failing, "w", encoding="utf-8") as handle:
        json.dump(data, handle)
    shutil.copyfile(readme_source, readme)
    result = report(failing, "--readme", readme, "--commit", "abc1234", "--any-build")
    check(result.returncode != 0, "a benchmark error fails report.py")
    check("the exporter did not see every span" in result.stdout, "the error is shown")
    check(read(readme) == original, "a failed run does not write the README")

    print(f"{passed} passed, {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
