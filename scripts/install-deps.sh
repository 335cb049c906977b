#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages tracewire needs for a purpose, skipping what is
# already there. Usage: scripts/install-deps.sh demo|test|bench
# Works as root (no sudo needed) or as a user with sudo.
set -euo pipefail

purpose=${1:-test}
packages=(cmake ninja-build g++ libfmt-dev libcurl4-openssl-dev libboost-dev nlohmann-json3-dev ca-certificates)
case "$purpose" in
  demo) packages+=(curl) ;;  # demo.sh sends its requests with curl
  bench) packages+=(libbenchmark-dev python3) ;;  # python3: bench/report.py prints the table
  test)
    packages+=(clang doctest-dev libbenchmark-dev
               thrift-compiler python3-thrift python3-yaml protobuf-compiler libprotobuf-dev
               libgrpc++-dev protobuf-compiler-grpc openssl git curl gzip)
    packages+=(chromium)  # the trace viewer's tests run the page in headless chromium
    ;;
  *) echo "usage: $0 demo|test|bench" >&2; exit 2 ;;
esac

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
# Node.js runs the independent decoders in tests; a node from another source (whose
# package may itself provide npm) is used as is.
if [ "$purpose" = test ]; then
  command -v node >/dev/null || missing+=(nodejs)
  command -v npm >/dev/null || missing+=(npm)
fi
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then sudo=(); else sudo=(sudo); fi
echo "installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
