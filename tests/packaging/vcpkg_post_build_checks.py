#!/usr/bin/env python3
"""The checks vcpkg runs on a port's package directory after its portfile (vcpkg-tool's
post-build lint), those that apply to a header-only port on Linux, applied to the package
tests/packaging's vcpkg stand-in produced:

- include/ exists and is not empty, and has no file a port may not install (libc's headers);
- no debug/include, no debug/share;
- no .cmake file in cmake/, lib/cmake/, debug/cmake/ or debug/lib/cmake/ (vcpkg wants
  share/<port>), and no lib/cmake directory at all;
- share/<port>/copyright is a file; the port's usage file, if it has one, is installed;
- no bin/ or debug/bin/ (a header-only package has no binaries), no empty directory, no
  file directly in the package root or in debug/;
- .pc files only in lib/pkgconfig, or in share/pkgconfig when they have no Libs;
- no file contains an absolute path of the build (buildtrees, packages, the sources);
  headers are searched outside C comments, CMake/.pc files outside # comments, as vcpkg does.

Usage: vcpkg_post_build_checks.py --package <dir> --port <port dir> --forbid <path>...
"""
import argparse
import os
import re
import sys

# Header names a port may not install at the top of include/ (libc's; vcpkg's list is longer).
RESTRICTED_HEADERS = {"assert.h", "errno.h", "limits.h", "math.h", "signal.h", "stdint.h", "stdio.h",
                      "stdlib.h", "string.h", "time.h", "unistd.h", "config.h", "json.h", "parser.h", "platform.h"}


def files_under(root):
    for directory, _, names in os.walk(root):
        for name in names:
            yield os.path.relpath(os.path.join(directory, name), root)


def strip_c_comments(text):
    return re.sub(r"/\*.*?\*/|//[^\n]*", "", text, flags=re.S)


def strip_hash_comments(text):
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))


def check(package, port, forbidden):
    problems = []
    name = os.path.basename(os.path.normpath(port))
    all_files = sorted(files_under(package))

    include = os.path.join(package, "include")
    if not os.path.isdir(include) or not os.listdir(include):
        problems.append("include/ is missing or empty")
    for entry in os.listdir(include) if os.path.isdir(include) else []:
        if entry in RESTRICTED_HEADERS:
            problems.append(f"include/{entry} is a restricted header name")
    for directory in ("debug/include", "debug/share", "bin", "debug/bin", "lib/cmake", "debug/lib/cmake"):
        if os.path.exists(os.path.join(package, directory)):
            problems.append(f"{directory}/ must not exist")
    for path in all_files:
        parts = path.split(os.sep)
        if path.endswith(".cmake") and (parts[0] == "cmake" or parts[:2] == ["lib", "cmake"]
                                        or parts[:2] == ["debug", "cmake"] or parts[:3] == ["debug", "lib", "cmake"]):
            problems.append(f"{path}: CMake files belong in share/{name}")
        if len(parts) == 1 or (len(parts) == 2 and parts[0] == "debug"):
            problems.append(f"{path}: a file directly in the package root or debug/")

    copyright_file = os.path.join(package, "share", name, "copyright")
    if not os.path.isfile(copyright_file):
        problems.append(f"share/{name}/copyright is missing")
    if os.path.isfile(os.path.join(port, "usage")) and not os.path.isfile(os.path.join(package, "share", name, "usage")):
        problems.append(f"the port's usage file is not installed to share/{name}/usage")

    for directory, subdirectories, names in os.walk(package):
        if not subdirectories and not names:
            problems.append(f"{os.path.relpath(directory, package)}/ is empty")

    for path in all_files:
        if not path.endswith(".pc"):
            continue
        parent = os.path.dirname(path)
        with open(os.path.join(package, path), encoding="utf-8") as pc:
            has_libs = any(re.match(r"Libs(\.private)?:\s*\S", line) for line in pc)
        if parent in ("lib/pkgconfig", "debug/lib/pkgconfig") or (parent == "share/pkgconfig" and not has_libs):
            continue
        problems.append(f"{path}: .pc files go to lib/pkgconfig, or to share/pkgconfig without Libs")

    for path in all_files:
        extension = os.path.splitext(path)[1]
        with open(os.path.join(package, path), encoding="utf-8", errors="replace") as handle:
            text = handle.read()
        if extension in (".h", ".hpp", ".hxx"):
            text = strip_c_comments(text)
        elif extension in (".cmake", ".pc", ".py", ".sh", ".conf") or (extension == "" and text.startswith("#!")):
            text = strip_hash_comments(text)
        elif os.path.basename(path) != "usage" and extension not in (".cfg", ".ini"):
            continue
        for absolute in forbidden:
            if absolute in text:
                problems.append(f"{path} contains the absolute path {absolute}")
    return problems


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--package", required=True)
    parser.add_argument("--port", required=True)
    parser.add_argument("--forbid", action="append", default=[])
    args = parser.parse_args()
    problems = check(os.path.abspath(args.package), os.path.abspath(args.port),
                     [os.path.abspath(path) for path in args.forbid])
    for problem in problems:
        print(f"post-build check: {problem}", file=sys.stderr)
    if problems:
        return 1
    print(f"{args.package}: every post-build check passed ({sum(1 for _ in files_under(args.package))} files)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
