#!/usr/bin/env python3
"""Writes the README's consumer CMake snippet, exactly as printed, to <out>/CMakeLists.txt,
and <consumer main.cpp> next to it as main.cpp, so that tests/packaging builds what a user
copies: the first ```cmake block of the section "Using it from your CMake project" that
calls find_package(tracewire.

Usage: readme_snippet.py <README.md> <main.cpp> <out directory>
"""
import os
import re
import shutil
import sys


def main():
    readme, main_cpp, out = sys.argv[1:4]
    with open(readme, encoding="utf-8") as handle:
        text = handle.read()
    section = re.search(r"^## Using it from your CMake project\n(.*?)(?=^## )", text, re.S | re.M)
    if not section:
        print("README.md has no section '## Using it from your CMake project'", file=sys.stderr)
        return 1
    blocks = [block for block in re.findall(r"^```cmake\n(.*?)^```", section.group(1), re.S | re.M)
              if "find_package(tracewire" in block]
    if not blocks:
        print("that section has no ```cmake block calling find_package(tracewire", file=sys.stderr)
        return 1
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "CMakeLists.txt"), "w", encoding="utf-8") as handle:
        handle.write(blocks[0])
    shutil.copyfile(main_cpp, os.path.join(out, "main.cpp"))
    print(blocks[0])
    return 0


if __name__ == "__main__":
    sys.exit(main())
