#!/usr/bin/env python3
"""Checks vcpkg.json (the repository's manifest) and ports/tracewire/vcpkg.json (the port's)
without vcpkg: a JSON schema written from vcpkg's manifest rules (microsoft/vcpkg-tool's
docs/vcpkg.schema.json and vcpkg-schema-definitions.schema.json, and the vcpkg.json
reference), validated with Debian's python3-jsonschema, then the cross-checks:

- every feature name is a vcpkg identifier (lowercase letters, digits, dashes; not reserved);
- the port declares one version, equal to project(VERSION) in CMakeLists.txt, as does vcpkg.json;
- the features of vcpkg_check_features in the portfile are exactly the port's features,
  and each sets a TRACEWIRE_WITH_* option that CMakeLists.txt reads;
- the repository's manifest has the same features with the same dependencies, and no
  default features (a plain `tracewire` is the core);
- the port depends on the host helpers its portfile calls (vcpkg-cmake, vcpkg-cmake-config);
- the README's `tracewire[...]` feature lists name existing features.

Usage: check_vcpkg_manifest.py <repository root>
"""
import json
import os
import re
import sys

import jsonschema

IDENTIFIER = {
    "type": "string",
    "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$",
    "not": {"anyOf": [{"pattern": "^(core|default)$"},
                      {"pattern": "^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\\.[^.]+)*$"}]},
}
STRING_OR_STRINGS = {"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]}
PLATFORM = {"type": "string"}
DEPENDENCY_FEATURE = {"anyOf": [IDENTIFIER, {
    "type": "object", "required": ["name"], "additionalProperties": False,
    "properties": {"name": IDENTIFIER, "platform": PLATFORM}}]}
DEPENDENCY = {"anyOf": [IDENTIFIER, {
    "type": "object", "required": ["name"],
    "properties": {"name": IDENTIFIER, "features": {"type": "array", "items": DEPENDENCY_FEATURE},
                   "host": {"type": "boolean"}, "default-features": {"type": "boolean"}, "platform": PLATFORM,
                   "version>=": {"type": "string", "pattern": "^[^#]+(#\\d+)?$"}},
    "patternProperties": {"^\\$": {}}, "additionalProperties": False}]}
SEMVER = ("^(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)(?:-((?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*)"
          "(?:\\.(?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\\+([0-9a-zA-Z-]+(?:\\.[0-9a-zA-Z-]+)*))?$")
VERSION_FIELDS = ["version", "version-semver", "version-date", "version-string"]
MANIFEST = {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "type": "object",
    "properties": {
        "name": IDENTIFIER,
        "version": {"type": "string", "pattern": "^\\d+(\\.\\d+)*(-[0-9A-Za-z.-]+)?(\\+[0-9A-Za-z.-]+)?$"},
        "version-semver": {"type": "string", "pattern": SEMVER},
        "version-date": {"type": "string", "pattern": "^\\d{4}-\\d{2}-\\d{2}(\\.\\d+)*$"},
        "version-string": {"type": "string", "pattern": "^[^#]+$"},
        "port-version": {"type": "integer", "minimum": 0},
        "maintainers": STRING_OR_STRINGS,
        "summary": {"type": "string"},
        "description": STRING_OR_STRINGS,
        "homepage": {"type": "string", "format": "uri"},
        "documentation": {"type": "string", "format": "uri"},
        "license": {"type": ["string", "null"]},
        "builtin-baseline": {"type": "string"},
        "dependencies": {"type": "array", "items": DEPENDENCY},
        "overrides": {"type": "array"},
        "features": {
            "type": "object",
            "propertyNames": IDENTIFIER,
            "additionalProperties": {
                "type": "object", "required": ["description"],
                "properties": {"description": STRING_OR_STRINGS, "dependencies": {"type": "array", "items": DEPENDENCY},
                               "supports": PLATFORM, "license": {"type": ["string", "null"]}},
                "patternProperties": {"^\\$": {}}, "additionalProperties": False}},
        "default-features": {"type": "array", "items": DEPENDENCY_FEATURE},
        "supports": PLATFORM,
        "configuration": {"type": "object"},
        "vcpkg-configuration": {"type": "object"},
    },
    "patternProperties": {"^\\$": {}},
    "additionalProperties": False,
    # At most one version field (a port: exactly one, checked below).
    "not": {"anyOf": [{"required": [a, b]} for i, a in enumerate(VERSION_FIELDS) for b in VERSION_FIELDS[i + 1:]]},
}


def dependency_name(dependency):
    return dependency if isinstance(dependency, str) else dependency["name"]


def non_host_dependencies(dependencies):
    return sorted(dependency_name(d) for d in dependencies if isinstance(d, str) or not d.get("host"))


def check(root):
    problems = []
    with open(os.path.join(root, "vcpkg.json"), encoding="utf-8") as handle:
        repository = json.load(handle)
    with open(os.path.join(root, "ports", "tracewire", "vcpkg.json"), encoding="utf-8") as handle:
        port = json.load(handle)
    validator = jsonschema.Draft7Validator(MANIFEST, format_checker=jsonschema.FormatChecker())
    for label, manifest in (("vcpkg.json", repository), ("ports/tracewire/vcpkg.json", port)):
        for error in validator.iter_errors(manifest):
            problems.append(f"{label}: {'/'.join(map(str, error.absolute_path)) or '(top)'}: {error.message}")

    with open(os.path.join(root, "CMakeLists.txt"), encoding="utf-8") as handle:
        cmakelists = handle.read()
    project_version = re.search(r"project\(tracewire VERSION (\d+\.\d+\.\d+)", cmakelists).group(1)
    for label, manifest in (("vcpkg.json", repository), ("ports/tracewire/vcpkg.json", port)):
        versions = [field for field in VERSION_FIELDS if field in manifest]
        if len(versions) != 1:
            problems.append(f"{label}: needs exactly one version field, has {versions}")
        elif manifest[versions[0]] != project_version:
            problems.append(f"{label}: version {manifest[versions[0]]} is not project(VERSION) {project_version}")
        if manifest.get("name") != "tracewire":
            problems.append(f"{label}: name is {manifest.get('name')!r}")
        if manifest.get("default-features"):
            problems.append(f"{label}: default features {manifest['default-features']}: a plain tracewire is the core")

    with open(os.path.join(root, "ports", "tracewire", "portfile.cmake"), encoding="utf-8") as handle:
        portfile = handle.read()
    block = re.search(r"vcpkg_check_features\((.*?)\)", portfile, re.S)
    pairs = re.findall(r"^\s*([a-z0-9-]+)\s+(TRACEWIRE_\w+)\s*$", block.group(1), re.M) if block else []
    portfile_features = {feature for feature, _ in pairs}
    port_features = set(port.get("features", {}))
    for feature in sorted(portfile_features - port_features):
        problems.append(f"portfile.cmake: feature {feature} is not in the port's vcpkg.json")
    for feature in sorted(port_features - portfile_features):
        problems.append(f"ports/tracewire/vcpkg.json: feature {feature} is not mapped in portfile.cmake")
    for feature, variable in pairs:
        if not re.search(rf"tracewire_component_mode\(\w+ {variable}\)", cmakelists):
            problems.append(f"portfile.cmake: {feature} sets {variable}, which CMakeLists.txt does not read")
    for helper, function in (("vcpkg-cmake", "vcpkg_cmake_configure"), ("vcpkg-cmake-config", "vcpkg_cmake_config_fixup")):
        if function in portfile and not any(not isinstance(d, str) and d["name"] == helper and d.get("host")
                                            for d in port.get("dependencies", [])):
            problems.append(f"ports/tracewire/vcpkg.json: portfile calls {function}, needs host dependency {helper}")

    if set(repository.get("features", {})) != port_features:
        problems.append(f"vcpkg.json features {sorted(repository.get('features', {}))} differ from the port's "
                        f"{sorted(port_features)}")
    for feature in sorted(port_features & set(repository.get("features", {}))):
        ours = non_host_dependencies(repository["features"][feature].get("dependencies", []))
        theirs = non_host_dependencies(port["features"][feature].get("dependencies", []))
        if ours != theirs:
            problems.append(f"feature {feature}: vcpkg.json depends on {ours}, the port on {theirs}")
    if non_host_dependencies(repository.get("dependencies", [])) != non_host_dependencies(port.get("dependencies", [])):
        problems.append("vcpkg.json and the port's vcpkg.json have different dependencies")

    with open(os.path.join(root, "README.md"), encoding="utf-8") as handle:
        readme = handle.read()
    mentioned = re.findall(r"\btracewire\[([a-z0-9,-]+)\]", readme)
    if not mentioned:
        problems.append("README.md shows no tracewire[<features>] install")
    for features in mentioned:
        for feature in features.split(","):
            if feature not in port_features:
                problems.append(f"README.md: tracewire[{features}] names the unknown feature {feature}")
    return problems


def main():
    root = sys.argv[1]
    problems = check(root)
    for problem in problems:
        print(f"vcpkg manifest: {problem}", file=sys.stderr)
    if problems:
        return 1
    print("vcpkg.json and ports/tracewire/vcpkg.json: valid, and consistent with the portfile, CMakeLists.txt and README.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
