#!/usr/bin/env bash
# The README's first command: installs what is missing, builds the microservices demo
# (examples/uservices) in Release, starts the four services on loopback, sends requests to
# uservice1 and to uservice3 (one carrying an uber-trace-id as a proxy would add it, one
# without), stops the services and prints the trace of uservice3 → uservice4 as a tree.
# The spans are also written as one OTLP/JSON file that Jaeger's UI loads (Search → JSON File).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh demo
echo "building the demo (Release; the first build takes a few minutes, log: build/demo-build.log)"
mkdir -p build
if ! { cmake --preset release -DTRACEWIRE_WITH_CURL=ON -DTRACEWIRE_WITH_BOOST=ON &&
       cmake --build --preset release --target uservice1 uservice2 uservice3 uservice4 trace_tree tracewire_view; } \
     >build/demo-build.log 2>&1; then
  tail -n 40 build/demo-build.log >&2
  echo "the build failed; the whole log is in build/demo-build.log" >&2
  exit 1
fi

bin=build/release/examples/uservices
out=build/demo
rm -rf "$out"
mkdir -p "$out"

pids=()
names=()
crashed=()
stop_services() {
  # Each service exports what it still holds on SIGTERM, then exits 0. Any other end (a
  # crash while exporting, or earlier) is reported with the end of its log.
  local i status
  for i in "${!pids[@]}"; do kill -TERM "${pids[$i]}" 2>/dev/null || true; done
  for i in "${!pids[@]}"; do
    status=0
    wait "${pids[$i]}" 2>/dev/null || status=$?
    if [ "$status" -ne 0 ]; then
      local how="exit status $status"
      [ "$status" -gt 128 ] && how="signal $(kill -l "$((status - 128))" 2>/dev/null || echo "$((status - 128))")"
      echo "${names[$i]} crashed ($how); the end of $out/${names[$i]}.log:" >&2
      tail -n 20 "$out/${names[$i]}.log" >&2
      crashed+=("${names[$i]}")
    fi
  done
  pids=()
  names=()
}
trap 'stop_services; [ ${#crashed[@]} -eq 0 ] || exit 1' EXIT
trap 'echo "interrupted: stopping the services" >&2; stop_services; exit 130' INT TERM

# start NAME [ARGS...]: runs a service on a free loopback port, its output in $out/NAME.log;
# sets `port` to the port it listens on.
start() {
  local name=$1
  shift
  "$bin/$name" --listen 127.0.0.1:0 "$@" >"$out/$name.log" 2>&1 &
  pids+=($!)
  names+=("$name")
  for _ in $(seq 100); do
    port=$(sed -n "s|^$name listening on http://127.0.0.1:\([0-9]*\)$|\1|p" "$out/$name.log")
    [ -n "$port" ] && return 0
    kill -0 "${pids[-1]}" 2>/dev/null || break
    sleep 0.1
  done
  echo "$name did not start:" >&2
  cat "$out/$name.log" >&2
  exit 1
}

# The instrumented services write OTLP/JSON lines, one file each.
export OTEL_TRACES_EXPORTER=otlp_file
start uservice2;                                   port2=$port
start uservice1 --downstream "http://127.0.0.1:$port2/"; port1=$port
USERVICE_TRACES_FILE="$out/uservice4.traces.jsonl" start uservice4; port4=$port
USERVICE_TRACES_FILE="$out/uservice3.traces.jsonl" start uservice3 --downstream "http://127.0.0.1:$port4/"; port3=$port

request() {  # request LABEL URL [HEADER]
  local label=$1 url=$2
  shift 2
  printf '%-44s' "$label"
  curl -sS --max-time 60 -o /dev/null -w '%{http_code} in %{time_total} s\n' "$@" "$url"
}
echo
request "uservice1 (not instrumented) → uservice2" "http://127.0.0.1:$port1/"
trace_id=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
caller_span=$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')
request "uservice3 → uservice4, with uber-trace-id" "http://127.0.0.1:$port3/" \
  -H "uber-trace-id: $trace_id:$caller_span:0:1"
request "uservice3 → uservice4, new trace" "http://127.0.0.1:$port3/"
stop_services
if [ ${#crashed[@]} -ne 0 ]; then
  echo "the demo failed: ${crashed[*]} crashed (their traces may be incomplete)" >&2
  exit 1
fi
echo
echo "The first trace continues the caller's uber-trace-id $trace_id:"
echo
"$bin/trace_tree" --service uservice3 --merge "$out/uservices-traces.json" \
  "$out/uservice3.traces.jsonl" "$out/uservice4.traces.jsonl"
echo
echo "Spans as OTLP/JSON: $out/uservices-traces.json (Jaeger UI: Search → JSON File)"
echo "Service output: $out/uservice{1,2,3,4}.log"
# The same spans as one self-contained page (trace list, waterfall, service graph): open it
# in any browser, no backend needed.
build/release/tools/tracewire-view -o "$out/traces.html" "$out/uservice3.traces.jsonl" "$out/uservice4.traces.jsonl"
echo "The traces in a browser: $(pwd)/$out/traces.html"
