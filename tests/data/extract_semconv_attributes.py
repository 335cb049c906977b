#!/usr/bin/env python3
"""Writes semconv-attributes.txt, the list test_semconv.cpp checks semconv.hpp against.

Run in a clone of https://github.com/open-telemetry/semantic-conventions (python3-yaml):

    extract_semconv_attributes.py v1.44.0 > semconv-attributes.txt

It reads every model/<namespace>/*.yaml of the tag (both model formats: `groups:` with
`id:`, and `file_format: definition/2` with `key:`), skips model/*/deprecated/ and
attributes marked deprecated, and prints one line per attribute of the namespaces
tracewire names: `<attribute> <stability>`, sorted.
"""
import subprocess
import sys

import yaml

NAMESPACES = {"http", "url", "server", "client", "network", "db", "exception", "error", "service",
              "telemetry", "user_agent", "code", "otel", "rpc", "process", "os", "host", "messaging"}


def attributes(document):
    """(name, stability) of every attribute a model file defines."""
    for attribute in document.get("attributes") or []:  # definition/2
        if "key" in attribute:
            yield attribute
    for group in document.get("groups") or []:
        if group.get("type") == "attribute_group" and group.get("id", "").startswith("registry."):
            for attribute in group.get("attributes") or []:
                if "id" in attribute:
                    yield attribute


def main():
    tag = sys.argv[1]
    files = subprocess.run(["git", "ls-tree", "-r", "--name-only", tag, "model/"],
                           check=True, capture_output=True, text=True).stdout.split()
    found = {}
    for path in files:
        if not path.endswith(".yaml") or "/deprecated/" in path:
            continue
        text = subprocess.run(["git", "show", f"{tag}:{path}"], check=True, capture_output=True, text=True).stdout
        for attribute in attributes(yaml.safe_load(text) or {}):
            name = attribute.get("key") or attribute.get("id")
            if name.split(".")[0] in NAMESPACES and "deprecated" not in attribute:
                found[name] = attribute.get("stability", "development")
    commit = subprocess.run(["git", "rev-list", "-n1", tag], check=True, capture_output=True, text=True).stdout.strip()
    print(f"# open-telemetry/semantic-conventions {tag} (commit {commit}), schema https://opentelemetry.io/schemas/{tag[1:]}")
    print("# every non-deprecated attribute of the registries of model/{" + ",".join(sorted(NAMESPACES)) + "}")
    print("# written by tests/data/extract_semconv_attributes.py; format: <attribute> <stability>")
    for name in sorted(found):
        print(name, found[name])


if __name__ == "__main__":
    main()
