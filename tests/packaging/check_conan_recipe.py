#!/usr/bin/env python3
"""Checks conanfile.py and test_package/conanfile.py without Conan (Debian has none):

1. both compile, and pyflakes (Debian python3-pyflakes) finds nothing in them;
2. the recipe follows conan-center-index's header-only conventions: package_type
   "header-library", package_id() clears the info, validate() rejects C++14 and accepts
   C++17, options with_otlp_http/with_otlp_grpc/with_beast/with_grpc/with_curl/with_libpq/
   with_spdlog (True/False, off by default), the
   version read from project(VERSION), tests/examples/benchmarks off in the toolchain;
3. run through the stand-in conan module (conan_stand_in/) for every option combination,
   requirements() and package_info() obey Conan's component rules: every direct
   requirement is used by some component, every "<package>::<component>" a component
   requires names a direct requirement, every internal reference exists; each option adds
   exactly its requirements and its component; every requirement's headers and libraries
   are transitive (the public headers include them);
4. the components reproduce tracewire's own CMake package, read from an install of it
   (--cmake-package): the same target names, each depending on the same targets, and the
   root target renamed so that tracewire::tracewire is not CMakeDeps' aggregate of all
   components; their pkg-config names are the installed .pc files (--pkgconfig);
5. README.md's `-o "tracewire/*:<option>=..."` name existing options.

Usage: check_conan_recipe.py <repository root> --cmake-package <share/cmake/tracewire> --pkgconfig <share/pkgconfig>
"""
import argparse
import importlib.util
import itertools
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "conan_stand_in"))

from conan import ConanFile  # noqa: E402  (the stand-in)
from conan import _Settings  # noqa: E402
from conan.errors import ConanInvalidConfiguration  # noqa: E402

OPTION_REQUIREMENTS = {"with_otlp_http": {"libcurl", "zlib"}, "with_otlp_grpc": {"grpc"}, "with_beast": {"boost"},
                       "with_grpc": {"grpc"}, "with_curl": {"libcurl"}, "with_libpq": {"libpq"},
                       "with_spdlog": {"spdlog"}}
OPTION_COMPONENT = {"with_otlp_http": "otlp_http", "with_otlp_grpc": "otlp_grpc", "with_beast": "beast",
                    "with_grpc": "grpc", "with_curl": "curl", "with_libpq": "libpq", "with_spdlog": "spdlog"}
# The CMake target each Conan "<package>::<component>" stands for in CMakeDeps' output.
CMAKE_TARGET_OF = {"fmt::fmt": "fmt::fmt", "libcurl::curl": "CURL::libcurl", "zlib::zlib": "ZLIB::ZLIB",
                   "grpc::grpc++": "gRPC::grpc++", "boost::headers": "Boost::headers",
                   "libpq::libpq": "PostgreSQL::PostgreSQL", "spdlog::spdlog": "spdlog::spdlog"}
REFERENCE = re.compile(r"^([a-z0-9_][a-z0-9_+.-]*)/(\[[^\]]+\]|[0-9][0-9A-Za-z.+-]*)$")


def load_recipe(path, name):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    recipes = [value for value in vars(module).values()
               if isinstance(value, type) and issubclass(value, ConanFile) and value is not ConanFile]
    if len(recipes) != 1:
        raise SystemExit(f"{path}: expected one ConanFile subclass, found {len(recipes)}")
    return recipes[0]


def cmake_package_targets(directory):
    """{target: [its INTERFACE_LINK_LIBRARIES]} of the installed tracewire targets files."""
    targets = {}
    for name in sorted(os.listdir(directory)):
        if not name.endswith("-targets.cmake"):
            continue
        with open(os.path.join(directory, name), encoding="utf-8") as handle:
            text = handle.read()
        for target in re.findall(r"add_library\((tracewire::\w+) INTERFACE IMPORTED\)", text):
            links = re.search(re.escape(f"set_target_properties({target} PROPERTIES") +
                              r".*?INTERFACE_LINK_LIBRARIES \"([^\"]*)\"", text, re.S)
            targets[target] = sorted(links.group(1).split(";")) if links else []
    return targets


def check_component_rules(recipe, problems, label):
    """Conan's own checks of components against the recipe's requirements."""
    direct = {reference.split("/")[0] for reference, traits in recipe.requirements_declared
              if not traits.get("build") and traits.get("headers", True) is not False}
    components = recipe.cpp_info.components
    used = set()
    for name, component in components.items():
        for required in component.requires:
            if "::" in required:
                package = required.split("::")[0]
                if package not in direct:
                    problems.append(f"{label}: component {name} requires {required}, but {package} "
                                    "is not a requirement of the recipe")
                used.add(package)
            elif required not in components:
                problems.append(f"{label}: component {name} requires the unknown component {required}")
    for package in sorted(direct - used):
        problems.append(f"{label}: requirement {package} is used by no component")
    return direct


def check(root, cmake_package, pkgconfig):
    problems = []
    recipe_path = os.path.join(root, "conanfile.py")
    test_package_path = os.path.join(root, "test_package", "conanfile.py")
    for path in (recipe_path, test_package_path):
        with open(path, encoding="utf-8") as handle:
            source = handle.read()
        try:
            compile(source, path, "exec")
        except SyntaxError as error:
            problems.append(f"{path}: does not compile: {error}")
    lint = subprocess.run([sys.executable, "-m", "pyflakes", recipe_path, test_package_path],
                          capture_output=True, text=True)
    if lint.returncode != 0 or lint.stdout.strip():
        problems.append("pyflakes:\n" + (lint.stdout + lint.stderr).strip())
    if problems:
        return problems

    Recipe = load_recipe(recipe_path, "tracewire_conanfile")
    TestPackage = load_recipe(test_package_path, "tracewire_test_package")
    if Recipe.package_type != "header-library":
        problems.append(f"package_type is {Recipe.package_type!r}, not 'header-library'")
    if Recipe.options != {option: [True, False] for option in OPTION_COMPONENT}:
        problems.append(f"options are {Recipe.options}")
    if any(Recipe.default_options.get(option) is not False for option in OPTION_COMPONENT):
        problems.append(f"the components must be off by default: {Recipe.default_options}")
    if set(Recipe.settings) != {"os", "arch", "compiler", "build_type"}:
        problems.append(f"settings are {Recipe.settings}")
    for needed in ("CMakeLists.txt", "LICENSE", "cmake/*", "include/*"):
        if needed not in Recipe.exports_sources:
            problems.append(f"exports_sources lacks {needed}")

    with open(os.path.join(root, "CMakeLists.txt"), encoding="utf-8") as handle:
        project_version = re.search(r"project\(tracewire VERSION (\d+\.\d+\.\d+)", handle.read()).group(1)
    recipe = Recipe(root)
    recipe.set_version()
    if recipe.version != project_version:
        problems.append(f"set_version() gives {recipe.version}, project(VERSION) is {project_version}")
    recipe.package_id()
    if not recipe.info.cleared:
        problems.append("package_id() does not clear the info (a header-only package has one binary)")
    for cppstd, accepted in (("14", False), ("gnu14", False), ("17", True), ("20", True)):
        candidate = Recipe(root, settings=_Settings(cppstd=cppstd))
        try:
            candidate.validate()
            if not accepted:
                problems.append(f"validate() accepts C++{cppstd}")
        except ConanInvalidConfiguration:
            if accepted:
                problems.append(f"validate() rejects C++{cppstd}")
    recipe.layout()
    recipe.generate()
    toolchain = next((call for call in recipe.calls if call[0] == "CMakeToolchain.generate"), None)
    if toolchain is None:
        problems.append("generate() does not write a CMakeToolchain")
    else:
        cache = toolchain[1]
        for variable, value in (("TRACEWIRE_BUILD_TESTS", False), ("TRACEWIRE_BUILD_EXAMPLES", False),
                                ("TRACEWIRE_BUILD_BENCH", False), ("TRACEWIRE_INSTALL", True)):
            if cache.get(variable) != value:
                problems.append(f"the toolchain sets {variable}={cache.get(variable)!r}, not {value}")
    recipe.build()
    recipe.package()
    if not any(call[0] == "CMake.install" for call in recipe.calls):
        problems.append("package() does not install with CMake (version.hpp is generated)")

    cmake_targets = cmake_package_targets(cmake_package)
    pc_files = {name[:-3] for name in os.listdir(pkgconfig) if name.endswith(".pc")}
    for values in itertools.product([False, True], repeat=len(OPTION_COMPONENT)):
        chosen = dict(zip(OPTION_COMPONENT, values))
        label = ",".join(f"{option}={value}" for option, value in chosen.items())
        recipe = Recipe(root, option_values=chosen)
        recipe.set_version()
        recipe.requirements()
        recipe.package_info()
        names = [reference.split("/")[0] for reference, _ in recipe.requirements_declared]
        for name in sorted({name for name in names if names.count(name) > 1}):
            problems.append(f"{label}: {name} is required twice (Conan rejects a duplicated requirement)")
        for reference, traits in recipe.requirements_declared:
            if not REFERENCE.match(reference):
                problems.append(f"{label}: {reference!r} is not a Conan reference")
            if traits.get("transitive_headers") is not True or traits.get("transitive_libs") is not True:
                problems.append(f"{label}: {reference}: headers and libraries must be transitive")
        direct = check_component_rules(recipe, problems, label)
        expected = {"fmt"}.union(*(OPTION_REQUIREMENTS[option] for option, on in chosen.items() if on))
        if direct != expected:
            problems.append(f"{label}: requirements {sorted(direct)}, expected {sorted(expected)}")

        info = recipe.cpp_info
        if info.get_property("cmake_file_name") != "tracewire":
            problems.append(f"{label}: cmake_file_name is {info.get_property('cmake_file_name')!r}")
        root_target = info.get_property("cmake_target_name")
        if root_target in (None, "tracewire::tracewire"):
            problems.append(f"{label}: the root target must be renamed (CMakeDeps makes it depend on every component)")
        components = info.components
        expected_components = {"core"} | {OPTION_COMPONENT[option] for option, on in chosen.items() if on}
        if set(components) != expected_components:
            problems.append(f"{label}: components {sorted(components)}, expected {sorted(expected_components)}")
        conan_targets = {}
        for name, component in components.items():
            target = component.get_property("cmake_target_name")
            links = []
            for required in component.requires:
                links.append(components[required].get_property("cmake_target_name") if "::" not in required
                             else CMAKE_TARGET_OF.get(required, required))
            if name == "core":
                links.append("Threads::Threads" if "pthread" in component.system_libs else "(no pthread)")
            conan_targets[target] = sorted(links)
            if component.libdirs or component.bindirs:
                problems.append(f"{label}: component {name} has libdirs/bindirs (header-only)")
            if component.get_property("pkg_config_name") not in pc_files:
                problems.append(f"{label}: component {name}'s pkg_config_name "
                                f"{component.get_property('pkg_config_name')!r} is not an installed .pc ({sorted(pc_files)})")
        expected_targets = {target: links for target, links in cmake_targets.items()
                            if target == "tracewire::tracewire" or target.split("::")[1] in expected_components}
        if conan_targets != expected_targets:
            problems.append(f"{label}: the components' targets {conan_targets} differ from the CMake package's "
                            f"{expected_targets}")

    test_package = TestPackage(os.path.join(root, "test_package"))
    test_package.requirements()
    if test_package.requirements_declared != [(test_package.tested_reference_str, {})]:
        problems.append("test_package must require exactly the tested reference")
    if getattr(TestPackage, "test_type", None) != "explicit":
        problems.append("test_package: test_type must be 'explicit'")

    with open(os.path.join(root, "README.md"), encoding="utf-8") as handle:
        readme = handle.read()
    mentioned = re.findall(r"tracewire/\*:(\w+)=", readme)
    if not mentioned:
        problems.append("README.md shows no -o \"tracewire/*:<option>=...\"")
    for option in mentioned:
        if option not in OPTION_COMPONENT:
            problems.append(f"README.md sets the unknown option {option}")
    return problems


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root")
    parser.add_argument("--cmake-package", required=True)
    parser.add_argument("--pkgconfig", required=True)
    args = parser.parse_args()
    problems = check(os.path.abspath(args.root), args.cmake_package, args.pkgconfig)
    for problem in problems:
        print(f"conan recipe: {problem}", file=sys.stderr)
    if problems:
        return 1
    print("conanfile.py and test_package: compiled, lint-free, and consistent with Conan's component rules "
          f"and tracewire's CMake package for all {2 ** len(OPTION_COMPONENT)} option combinations")
    return 0


if __name__ == "__main__":
    sys.exit(main())
