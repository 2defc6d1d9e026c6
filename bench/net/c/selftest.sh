#!/usr/bin/env bash
# `make check`'s run: about a second of the load generator against each server, built with
# AddressSanitizer + UBSan (any report aborts the program, so a non-zero exit fails the check),
# asserting echoes came back, none were lost on loopback, and each server exits cleanly on SIGTERM
# with its counters. The paperclip mode runs against paperclip_mock (the real server needs Node),
# which drops and duplicates datagrams on purpose, after paperclip_test's protocol vectors. Then
# the GSO/GRO probe. Usage: selftest.sh BUILD_DIR
set -euo pipefail
dir=${1:?usage: selftest.sh BUILD_DIR}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

tmp=$(mktemp -d)
server_pid=
cleanup() {
  if [[ -n $server_pid ]]; then kill -KILL "$server_pid" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT
passed=0

fail() {
  echo "selftest: FAIL: $*" >&2
  for f in server.out server.err loadgen.out loadgen.err; do
    [[ -s $tmp/$f ]] && { echo "--- $f" >&2; tail -n 20 "$tmp/$f" >&2; }
  done
  exit 1
}

# field NAME JSON -> the number after "NAME":
field() { sed -n "s/.*\"$1\":\([0-9.]*\).*/\1/p" <<<"$2"; }

start_server() {
  "$@" >"$tmp/server.out" 2>"$tmp/server.err" &
  server_pid=$!
  for _ in $(seq 1 200); do
    grep -q '"event":"ready"' "$tmp/server.out" && break
    kill -0 "$server_pid" 2>/dev/null || fail "$1 exited before its ready line"
    sleep 0.05
  done
  port=$(field port "$(grep '"event":"ready"' "$tmp/server.out")")
  [[ -n $port ]] || fail "$1 printed no ready line with a port"
}

stop_server() {
  kill -TERM "$server_pid"
  local status=0
  wait "$server_pid" || status=$?
  server_pid=
  [[ $status -eq 0 ]] || fail "server exited with status $status after SIGTERM"
  grep -q '"event":"exit"' "$tmp/server.out" || fail "server printed no exit counters"
}

# run_loadgen NAME MAX_LOST ARGS...: checks the result line; MAX_LOST is "0" or "any".
run_loadgen() {
  local name=$1 max_lost=$2
  shift 2
  "$dir/loadgen" --port "$port" --duration 1 --warmup 0.2 "$@" >"$tmp/loadgen.out" 2>"$tmp/loadgen.err" ||
    fail "$name: loadgen exited with status $?"
  local line
  line=$(tail -n 1 "$tmp/loadgen.out")
  local received lost bad p50 p99
  received=$(field received "$line")
  lost=$(field lost "$line")
  bad=$(field bad "$line")
  p50=$(field p50_us "$line")
  p99=$(field p99_us "$line")
  [[ -n $received && $received -gt 0 ]] || fail "$name: no echoes ($line)"
  [[ $bad -eq 0 ]] || fail "$name: $bad malformed echoes"
  [[ $max_lost == any || $lost -eq 0 ]] || fail "$name: $lost lost on loopback"
  awk -v a="$p50" -v b="$p99" 'BEGIN { exit !(a > 0 && b >= a) }' || fail "$name: p50 $p50 / p99 $p99"
  grep -q '"mark":"measure_start"' "$tmp/loadgen.err" || fail "$name: no measure_start mark"
  grep -q '"mark":"measure_end"' "$tmp/loadgen.err" || fail "$name: no measure_end mark"
  echo "selftest: ok  $name  $(field msgs_per_sec "$line") msgs/s  p50 ${p50} us  p99 ${p99} us  lost $lost"
  passed=$((passed + 1))
}

start_server "$dir/raw_echo" --port 0
run_loadgen "raw 64 B" 0 --proto raw --clients 8 --window 4 --size 64
run_loadgen "raw 1200 B paced" 0 --proto raw --clients 8 --window 4 --size 1200 --rate 20000
stop_server

# Option errors are exit status 2, not a crash.
status=0
"$dir/loadgen" --proto raw --port 1 --mode reliable >/dev/null 2>&1 || status=$?
[[ $status -eq 2 ]] || fail "raw + reliable should be rejected with status 2, got $status"
passed=$((passed + 1))

if [[ -x $dir/enet_echo ]]; then
  start_server "$dir/enet_echo" --port 0
  run_loadgen "enet reliable 1200 B" 0 --proto enet --clients 8 --window 4 --size 1200 --mode reliable
  run_loadgen "enet unreliable 64 B" any --proto enet --clients 8 --window 4 --size 64 --mode unreliable
  stop_server
else
  echo "selftest: skip enet (libenet-dev not installed)"
fi

# at_least NAME FIELD MIN: the last result line's FIELD is at least MIN (a path that must have run).
at_least() {
  local value
  value=$(field "$2" "$(tail -n 1 "$tmp/loadgen.out")")
  [[ -n $value && $value -ge $3 ]] || fail "$1: $2 is ${value:-missing}, expected at least $3"
}

"$dir/paperclip_test" || fail "paperclip_test exited with status $?"
passed=$((passed + 1))

sessions=$tmp/sessions.txt
# 1 datagram in 50 dropped (reliable messages must be resent), 1 echo datagram in 40 sent twice
# (a duplicate echo is "late", never received twice)
start_server "$dir/paperclip_mock" --port 0 --clients 8 --sessions "$sessions" --drop-every 50 --dup-every 40
run_loadgen "paperclip reliable 64 B (mock, drops + dups)" 0 --proto paperclip --sessions "$sessions" --window 4 \
  --size 64 --mode reliable
at_least "paperclip reliable 64 B" retransmits 1
at_least "paperclip reliable 64 B" late 1
stop_server
# AES-256-GCM; 1200-byte echoes come back fragmented and deflated
start_server "$dir/paperclip_mock" --port 0 --clients 8 --sessions "$sessions" --aead 1 --drop-every 50 --dup-every 40
run_loadgen "paperclip reliable 1200 B (mock, AES-GCM, fragmented)" 0 --proto paperclip --sessions "$sessions" \
  --clients 8 --window 4 --size 1200 --mode reliable
at_least "paperclip reliable 1200 B" retransmits 1
stop_server
start_server "$dir/paperclip_mock" --port 0 --clients 8 --sessions "$sessions" --drop-every 50
run_loadgen "paperclip unreliable 64 B paced (mock, drops)" any --proto paperclip --sessions "$sessions" --window 4 \
  --size 64 --mode unreliable --rate 20000 --loss-timeout-ms 50
at_least "paperclip unreliable 64 B" lost 1
stop_server

# A session file that disagrees with --clients, or no session file, is an option error.
for args in "--sessions $sessions --clients 9" "--clients 8"; do
  status=0
  # shellcheck disable=SC2086 # word splitting intended
  "$dir/loadgen" --proto paperclip --port 1 $args >/dev/null 2>&1 || status=$?
  [[ $status -eq 2 ]] || fail "paperclip $args should be rejected with status 2, got $status"
  passed=$((passed + 1))
done

probe=$("$dir/gso_probe") || fail "gso_probe exited with status $?"
echo "selftest: ok  gso_probe $probe"
passed=$((passed + 1))
echo "$passed passed, 0 failed"
