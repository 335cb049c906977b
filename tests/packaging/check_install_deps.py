#!/usr/bin/env python3
"""Each purpose of scripts/install-deps.sh installs what the commands of that purpose need,
read from the files that decide it (run on every change, where the bare-machine check,
../shared/tools/bare-debian-check, runs by hand):

- every purpose installs what `install` does (CMake, Ninja, a compiler, fmt);
- demo: the Debian packages that CMakeLists.txt names for each component scripts/demo.sh
  requires (-DTRACEWIRE_WITH_<X>=ON), nlohmann-json for the tools it builds (trace_tree,
  tracewire-view), and curl, which sends its requests;
- bench: Google Benchmark (bench/CMakeLists.txt's find_package(benchmark REQUIRED)) and the
  python3 bench/run.sh runs report.py with;
- test: the packages of every component the ci-* presets require, the test frameworks the
  tests' CMakeLists.txt requires, openssl and curl (TLS tests) and what bench needs (ci-gcc
  builds the benchmarks).

Usage: check_install_deps.py SOURCE_DIR. Prints 'N passed, M failed'.
"""
import json
import os
import re
import subprocess
import sys

source = sys.argv[1]


def read(path):
    with open(os.path.join(source, path), encoding="utf-8") as handle:
        return handle.read()


def packages(purpose):
    result = subprocess.run([os.path.join(source, "scripts", "install-deps.sh"), "--list", purpose],
                            capture_output=True, text=True, check=True)
    return set(result.stdout.split())


# CMakeLists.txt: tracewire_require_component(<component> TRACEWIRE_WITH_<X> ... "<debian packages>")
# (a variable set to "<what>" "<packages>" and passed as ${variable} stands for its two values)
cmakelists = read("CMakeLists.txt")
for name, what, debian in re.findall(r'set\((\w+) "([^"]*)" "([^"]*)"\)', cmakelists):
    cmakelists = cmakelists.replace("${" + name + "}", f'"{what}" "{debian}"')
component_packages = {}
for option, debian in re.findall(r'tracewire_require_component\(\w+ (TRACEWIRE_WITH_\w+) .*?"([^"]*)"\)',
                                 cmakelists, re.S):
    component_packages[option] = set(debian.split())

demo_options = set(re.findall(r"-D(TRACEWIRE_WITH_\w+)=ON", read("scripts/demo.sh")))
presets = json.loads(read("CMakePresets.json"))["configurePresets"]
ci_options = {name for preset in presets if preset["name"].startswith("ci-")
              for name, value in preset.get("cacheVariables", {}).items()
              if name.startswith("TRACEWIRE_WITH_") and value == "ON"}
needed = {
    "demo": set().union(*(component_packages[o] for o in demo_options)) | {"nlohmann-json3-dev", "curl"},
    "bench": {"libbenchmark-dev", "python3"},
    "test": set().union(*(component_packages[o] for o in ci_options)) |
            {"doctest-dev", "nlohmann-json3-dev", "openssl", "curl", "libbenchmark-dev", "python3-yaml"},
}
assert "find_package(benchmark REQUIRED)" in read("bench/CMakeLists.txt")
assert "find_package(doctest REQUIRED)" in read("tests/CMakeLists.txt")

passed = failed = 0
base = packages("install")
for purpose in ("install", "demo", "bench", "test"):
    have = packages(purpose)
    missing = (needed.get(purpose, set()) | base) - have
    if missing:
        print(f"FAILED: install-deps.sh {purpose} does not install {sorted(missing)}")
        failed += 1
    else:
        passed += 1
if len(component_packages) != cmakelists.count("tracewire_require_component(") or not demo_options or not ci_options:
    print(f"FAILED: read {sorted(component_packages)} components, demo {demo_options}, ci {ci_options}")
    failed += 1
print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
