#!/usr/bin/env bash
# The README's first command, run as a user runs it and checked (.ci/run runs this once; it
# builds the demo in Release, about two minutes the first time):
#  1. scripts/demo.sh succeeds and prints the trace of uservice3 → uservice4 as the README
#     shows it: the incoming uber-trace-id's trace id, the five spans nested across the two
#     services; and writes the OTLP/JSON file and the HTML page it names.
#  2. a service that crashes during the demo fails it, named with the way it ended.
set -euo pipefail
cd "$(dirname "$0")/../.."
log=$(mktemp -d /tmp/tracewire-demo-check-XXXXXX)
trap 'rm -rf "$log"' EXIT
failed=0
fail() { echo "check_demo: $*" >&2; failed=1; }

echo "=== scripts/demo.sh"
if ! scripts/demo.sh >"$log/out" 2>"$log/err"; then
  cat "$log/out" "$log/err" >&2
  echo "check_demo: scripts/demo.sh failed" >&2
  exit 1
fi
cat "$log/out"
trace_id=$(sed -n 's/^The first trace continues the caller.s uber-trace-id \([0-9a-f]\{32\}\):$/\1/p' "$log/out")
[ -n "$trace_id" ] || fail "no line naming the incoming trace id"
# The first tree is the trace of the request carrying uber-trace-id.
first_tree=$(sed -n "/^trace $trace_id · service uservice3$/,/^\$/p" "$log/out")
[ -n "$first_tree" ] || fail "no tree for trace $trace_id"
expected=("handle_incoming_call \[server\] " "  redis_call " "  call_other_uservice \[client\] "
          "    uservice4: handle_incoming_call \[server\] " "      uservice4: database_call ")
for i in "${!expected[@]}"; do
  line=$(sed -n "$((i + 2))p" <<<"$first_tree")
  grep -qE "^${expected[$i]} +[0-9]+\.[0-9] ms \|[ █]{40}\|$" <<<"$line" || fail "tree line $((i + 2)) is '$line'"
done
# Two traces of uservice3: the one continued, and a new one.
[ "$(grep -c '^trace [0-9a-f]\{32\} · service uservice3$' "$log/out")" -eq 2 ] || fail "not two uservice3 traces"
grep -q '^uservice1 (not instrumented) → uservice2 *200 in ' "$log/out" || fail "uservice1 did not answer 200"
[ "$(grep -c '^uservice3 → uservice4.* 200 in ' "$log/out")" -eq 2 ] || fail "uservice3 did not answer 200 twice"
for file in build/demo/uservices-traces.json build/demo/traces.html; do
  [ -s "$file" ] || fail "$file is missing or empty"
done
grep -q "\"traceId\":\"$trace_id\"" build/demo/uservices-traces.json || fail "the OTLP/JSON file lacks trace $trace_id"

echo "=== scripts/demo.sh with uservice4 killed by SIGSEGV while the requests run"
rm -rf build/demo  # the first run's logs must not be taken for this run's
scripts/demo.sh >"$log/crash-out" 2>"$log/crash-err" &
demo=$!
# uservice3 starts last, just before the requests (each takes a second or more).
for _ in $(seq 600); do
  grep -q '^uservice3 listening on ' build/demo/uservice3.log 2>/dev/null && break
  kill -0 "$demo" 2>/dev/null || break
  sleep 0.2
done
# Only the demo's own child, found by its parent's pid.
victim=$(pgrep -P "$demo" -x uservice4 || true)
if [ -n "$victim" ]; then
  kill -SEGV "$victim"
else
  fail "uservice4 of the second demo run was not found"
fi
status=0
wait "$demo" || status=$?
[ "$status" -ne 0 ] || fail "scripts/demo.sh exited 0 although uservice4 crashed"
grep -q '^uservice4 crashed (signal SEGV)' "$log/crash-err" || fail "the crash was not reported"
grep -q 'the demo failed: uservice4 crashed' "$log/crash-err" || fail "no closing line naming the crashed service"
[ "$failed" -eq 0 ] || { cat "$log/crash-out" "$log/crash-err" >&2; exit 1; }
echo "check_demo: 2 passed, 0 failed"
