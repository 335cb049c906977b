#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages tracewire needs for a purpose, skipping what is
# already there; enough on a bare Debian 12 or Ubuntu 24.04 (CMake 3.25 or later).
# Usage: scripts/install-deps.sh install|demo|bench|test
#        scripts/install-deps.sh --list PURPOSE   prints the packages, installs nothing
#   install  what `cmake --preset install` and `cmake --install` need: CMake, a C++17
#            compiler, fmt (the optional components' libraries are looked for, not required)
#   demo     scripts/demo.sh: the microservices demo (libcurl, zlib, Boost, nlohmann-json)
#   bench    bench/run.sh: the benchmarks (Google Benchmark; libpq, PostgreSQL and spdlog for
#            the instrumentation's)
#   test     scripts/test.sh: everything above, clang with its sanitizer runtime, the test
#            frameworks and independent decoders, gRPC, libpq with a PostgreSQL server, spdlog,
#            Doxygen, pkg-config, and what the
#            packaging tests run (python3-jsonschema, python3-pyflakes)
# Works as root (no sudo needed) or as a user with sudo.
set -euo pipefail

list_only=false
if [ "${1:-}" = --list ]; then
  list_only=true
  shift
fi
purpose=${1:-test}
packages=(cmake ninja-build g++ libfmt-dev ca-certificates)
components=(libcurl4-openssl-dev zlib1g-dev libboost-dev)  # tracewire::otlp_http, tracewire::beast
# tracewire::libpq, tracewire::spdlog, and the PostgreSQL server their tests and benchmarks start
instrumented=(libpq-dev postgresql libspdlog-dev)
case "$purpose" in
  install) ;;
  demo) packages+=("${components[@]}" nlohmann-json3-dev curl) ;;  # demo.sh sends its requests with curl
  bench) packages+=("${components[@]}" nlohmann-json3-dev libbenchmark-dev python3  # bench/report.py
                    "${instrumented[@]}") ;;
  test)
    packages+=("${components[@]}" "${instrumented[@]}" nlohmann-json3-dev libgrpc++-dev protobuf-compiler-grpc
               clang doctest-dev libbenchmark-dev
               thrift-compiler python3-thrift python3-yaml protobuf-compiler libprotobuf-dev
               openssl git curl gzip tar doxygen pkg-config python3-jsonschema python3-pyflakes)
    packages+=(chromium)  # the trace viewer's tests run the page in headless chromium
    ;;
  *) echo "usage: $0 install|demo|bench|test" >&2; exit 2 ;;
esac

if [ "$list_only" = true ]; then
  printf '%s\n' "${packages[@]}"
  exit 0
fi

if [ "$(id -u)" -eq 0 ]; then sudo=(); else sudo=(sudo); fi
export DEBIAN_FRONTEND=noninteractive
updated=false
install_missing() {
  local missing=() package
  for package in "$@"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "installing: ${missing[*]}"
  if [ "$updated" = false ]; then
    "${sudo[@]}" apt-get update -qq
    updated=true
  fi
  "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

install_missing "${packages[@]}"
if [ "$purpose" = test ]; then
  # The sanitizer runtime is only a recommendation of clang (libclang-rt-14-dev on Debian 12,
  # -18- on Ubuntu 24.04): without it the ASan+UBSan build cannot link.
  install_missing "libclang-rt-$(clang -dumpversion | cut -d. -f1)-dev"
  # Node.js runs the independent decoders in tests; a node from another source (whose
  # package may itself provide npm) is used as is.
  node_packages=()
  command -v node >/dev/null || node_packages+=(nodejs)
  command -v npm >/dev/null || node_packages+=(npm)
  [ ${#node_packages[@]} -eq 0 ] || install_missing "${node_packages[@]}"
fi
