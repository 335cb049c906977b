#!/usr/bin/env python3
"""The C++ blocks of README.md and docs/*.md, as the tests build them.

Every ```cpp block is preceded by a comment that the rendered page hides:

    <!-- snippet name=usage target=tracewire::otlp_http run -->
    <!-- snippet name=propagation wrap=tests/readme/request_handler.cpp -->

- name:   the block's build target is readme_<name> (unique);
- target: the CMake target it links (default tracewire::tracewire);
- wrap:   a file of tests/readme/ that places the block (`#include TRACEWIRE_README_SNIPPET`)
          inside the code it needs around it: the includes, and the session or function the
          block is a part of. Without it the block is a whole translation unit;
- run:    the block is a program; test_readme.cpp runs it and checks its spans;
- cxx20:  the block is C++20 code (coroutines): built in C++20 mode, as the suite of its
          header is;
- excerpt: a source file the block is quoted from: each line of the block (less its
          trailing comment) is a line of that file, in the same order.

What a reader is told must be what the build uses: every tracewire header the block or its
wrapper includes, and every target other than tracewire::tracewire, is named in the text of
the block's section (from its heading to the next one).

Usage:
  readme_blocks.py extract SOURCE_DIR OUT_DIR   writes OUT_DIR/<name>.cpp for each block and
                                                OUT_DIR/snippets.cmake, which calls
                                                tracewire_readme_snippet(NAME FILE TARGET WRAP RUN CXX20)
  readme_blocks.py check SOURCE_DIR             the rules above; prints each violation, exit 1
"""
import glob
import os
import re
import sys

PREAMBLE = re.compile(r"^<!-- snippet (.*?) -->$")
HEADING = re.compile(r"^#{1,6} ")
INCLUDE = re.compile(r'^\s*#\s*include\s*[<"](tracewire/[^>"]+)[>"]', re.M)


def documents(source):
    paths = [os.path.join(source, "README.md")] + sorted(glob.glob(os.path.join(source, "docs", "*.md")))
    return [path for path in paths if os.path.exists(path)]


def blocks(path):
    """Yields dicts: file, line, options (or None), code, section (the section's text)."""
    with open(path, encoding="utf-8") as handle:
        lines = handle.read().split("\n")
    # Each line's section: the lines from the last heading to the next one.
    starts = [i for i, line in enumerate(lines) if HEADING.match(line)] + [len(lines)]
    i = 0
    in_fence = False
    while i < len(lines):
        line = lines[i]
        if line.startswith("```"):
            if not in_fence and line.strip() == "```cpp":
                end = i + 1
                while end < len(lines) and not lines[end].startswith("```"):
                    end += 1
                begin = max([s for s in starts if s <= i], default=0)
                finish = min(s for s in starts if s > i)
                match = PREAMBLE.match(lines[i - 1]) if i > 0 else None
                yield {
                    "file": path,
                    "line": i + 1,
                    "options": parse_options(match.group(1)) if match else None,
                    "code": "\n".join(lines[i + 1:end]) + "\n",
                    # The hidden snippet lines do not count as telling the reader anything.
                    "section": "\n".join(line for line in lines[begin:finish] if not PREAMBLE.match(line)),
                }
                i = end + 1
                continue
            in_fence = not in_fence
        i += 1


def parse_options(text):
    options = {"target": "tracewire::tracewire", "run": False, "cxx20": False}
    for word in text.split():
        if word in ("run", "cxx20"):
            options[word] = True
        elif "=" in word:
            key, value = word.split("=", 1)
            options[key] = value
        else:
            options.setdefault("unknown", []).append(word)
    return options


def all_blocks(source):
    return [block for path in documents(source) for block in blocks(path)]


def code_lines(text):
    """Lines without their trailing // comment and surrounding blanks; empty ones dropped."""
    lines = (re.sub(r"\s*//.*$", "", line).strip() for line in text.split("\n"))
    return [line for line in lines if line]


def excerpt_problems(code, source, excerpt):
    path = os.path.join(source, excerpt)
    if not os.path.exists(path):
        return [f"excerpt={excerpt} does not exist"]
    with open(path, encoding="utf-8") as handle:
        quoted = code_lines(handle.read())
    position = 0
    for line in code_lines(code):
        try:
            position = quoted.index(line, position) + 1
        except ValueError:
            return [f"'{line}' is not in {excerpt} (after what precedes it)"]
    return []


def check(source):
    problems = []
    names = {}
    for block in all_blocks(source):
        where = f"{os.path.relpath(block['file'], source)}:{block['line']}"
        options = block["options"]
        if options is None:
            problems.append(f"{where}: a ```cpp block without a <!-- snippet name=... --> line before it")
            continue
        if "name" not in options or not re.fullmatch(r"[a-z0-9_]+", options["name"]):
            problems.append(f"{where}: the snippet needs name=[a-z0-9_]+")
            continue
        if options.get("unknown"):
            problems.append(f"{where}: unknown snippet options {options['unknown']}")
        if options["name"] in names:
            problems.append(f"{where}: name={options['name']} is also used at {names[options['name']]}")
        names[options["name"]] = where
        code = block["code"]
        if "wrap" in options:
            wrapper = os.path.join(source, options["wrap"])
            if not os.path.exists(wrapper):
                problems.append(f"{where}: wrap={options['wrap']} does not exist")
                continue
            with open(wrapper, encoding="utf-8") as handle:
                code += handle.read()
        if "excerpt" in options:
            problems += [f"{where}: {problem}" for problem in excerpt_problems(block["code"], source, options["excerpt"])]
        section = block["section"]
        for header in sorted(set(INCLUDE.findall(code))):
            if header not in section:
                problems.append(f"{where}: the build includes <{header}>, which the section never names")
        target = options["target"]
        if target != "tracewire::tracewire" and target not in section:
            problems.append(f"{where}: the block links {target}, which the section never names")
    for problem in problems:
        print(problem)
    if not names and not problems:
        print("no ```cpp block found")
        return 1
    if not problems:
        print(f"{len(names)} C++ blocks, each built and named in its section: {', '.join(sorted(names))}")
    return 1 if problems else 0


def extract(source, out):
    os.makedirs(out, exist_ok=True)
    calls = []
    for block in all_blocks(source):
        options = block["options"]
        if options is None or "name" not in options:
            continue  # the check test reports it
        path = os.path.join(out, options["name"] + ".cpp")
        # Rewritten only when it changed, so that a README edit elsewhere rebuilds nothing.
        previous = None
        if os.path.exists(path):
            with open(path, encoding="utf-8") as handle:
                previous = handle.read()
        if previous != block["code"]:
            with open(path, "w", encoding="utf-8") as handle:
                handle.write(block["code"])
        wrap = os.path.join(source, options["wrap"]) if "wrap" in options else ""
        calls.append(f'tracewire_readme_snippet({options["name"]} "{path}" {options["target"]} "{wrap}" '
                     f'{"ON" if options["run"] else "OFF"} {"ON" if options["cxx20"] else "OFF"})')
    with open(os.path.join(out, "snippets.cmake"), "w", encoding="utf-8") as handle:
        handle.write("# Written by tests/readme/readme_blocks.py from README.md and docs/*.md.\n")
        handle.write("\n".join(calls) + "\n")
    return 0


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "extract":
        return extract(sys.argv[2], sys.argv[3])
    if len(sys.argv) == 3 and sys.argv[1] == "check":
        return check(sys.argv[2])
    sys.exit(__doc__)


if __name__ == "__main__":
    sys.exit(main())
