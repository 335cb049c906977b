#!/usr/bin/env python3
"""Checks that includes between tracewire's layers point the way DESIGN.md draws them.

Each folder of include/tracewire/ is a layer; a header may include headers of its own layer
and of the layers listed for it below (some only through named headers). The two umbrella
headers (tracewire.hpp, api.hpp) may include anything; semconv.hpp and version.hpp are
leaves that every layer may use. Prints every include that goes another way and exits 1.

Usage: check_layers.py [include-dir]   (default: include/ next to this repository's tests/)
"""
import pathlib
import re
import sys

UMBRELLAS = {"tracewire.hpp", "api.hpp"}
LEAVES = {"semconv.hpp", "version.hpp"}

# layer -> what it may include: a layer name (all of it) or "layer/header.hpp" (that header).
ALLOWED = {
    "core": set(),
    "trace": {"core"},
    "propagation": {"core", "trace/context.hpp"},
    "transport": {"core"},
    "export": {"core", "transport", "trace/span_exporter.hpp"},
    "config": {"core", "trace", "propagation", "transport", "export"},
    "instrumentation": {"core", "trace", "propagation"},
}

INCLUDE = re.compile(r'^\s*#\s*include\s+"tracewire/([^"]+)"', re.MULTILINE)


def layer_of(relative: str) -> str:
    return relative.split("/", 1)[0] if "/" in relative else relative


def allowed(source_layer: str, target: str) -> bool:
    target_layer = layer_of(target)
    if target in LEAVES or target_layer == source_layer:
        return True
    rules = ALLOWED[source_layer]
    return target_layer in rules or target in rules


def main() -> int:
    root = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else pathlib.Path(__file__).resolve().parents[2] / "include"
    headers = root / "tracewire"
    violations = []
    unknown = []
    for path in sorted(headers.rglob("*.hpp")):
        relative = path.relative_to(headers).as_posix()
        if relative in UMBRELLAS or relative in LEAVES:
            continue
        source_layer = layer_of(relative)
        if source_layer not in ALLOWED:
            unknown.append(relative)
            continue
        for target in INCLUDE.findall(path.read_text()):
            if not allowed(source_layer, target):
                violations.append(f"{relative} includes {target} ({source_layer} -> {layer_of(target)})")
    for line in unknown:
        print(f"{line}: in no layer of DESIGN.md (add the folder to check_layers.py)")
    for line in violations:
        print(line)
    if violations or unknown:
        print(f"{len(violations)} include(s) against the layers, {len(unknown)} header(s) outside them")
        return 1
    print(f"layers: every include of {sum(1 for _ in headers.rglob('*.hpp'))} headers points down")
    return 0


if __name__ == "__main__":
    sys.exit(main())
