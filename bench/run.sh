#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# Runs the bench suite side by side: every case against our server and against the Node.js
# reference (bench/reference), each on a fresh server on a loopback port, then prints and
# writes the table of figures and ratios. See bench/README.md.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")

usage() {
    cat <<'EOF'
usage: bench/run.sh [options]
  --size tiny|small|full   tiny: a smoke run of seconds; small: ~1-2k connections; full: the
                           sizes of the targets (10,000 connections) (default full)
  --targets LIST           comma-separated: ours,reference,mock (default ours,reference); mock
                           is chat-loadgen's own minimal server, the generator's ceiling
  --cases LIST             comma-separated: connect,fanout,latency,storm,persist,persist-rate
                           (default all)
  --workers N              load generator processes (default 2 at full size, else 1)
  --out DIR                where results go (default bench/results)
  --loadgen PATH           chat-loadgen (default $BUILD_DIR/bench/chat-loadgen)
  --ours PATH              chat-server (default $BUILD_DIR/server/chat-server)
Environment: BUILD_DIR (default <repo>/build-bench), OURS_ARGS (arguments of our server, default
"--data-dir @DATA_DIR@"; @DATA_DIR@ becomes a fresh directory per start), CHAT_LISTEN_BACKLOG
(reference).
EOF
}

size=full
targets=ours,reference
cases=connect,fanout,latency,storm,persist,persist-rate
workers=
out=$here/results
build=${BUILD_DIR:-$root/build-bench}
loadgen=""
ours=""
while [[ $# -gt 0 ]]; do
    case $1 in
    --size) size=$2; shift 2 ;;
    --targets) targets=$2; shift 2 ;;
    --cases) cases=$2; shift 2 ;;
    --workers) workers=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --loadgen) loadgen=$2; shift 2 ;;
    --ours) ours=$2; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "run.sh: unknown option $1" >&2; usage >&2; exit 2 ;;
    esac
done
# At full size one generator process reads 100,000 deliveries/s at about 75 % of a core, close
# enough to saturation to add to the latency it measures; two share the work.
if [[ -z $workers ]]; then
    if [[ $size == full ]]; then workers=2; else workers=1; fi
fi
loadgen=${loadgen:-$build/bench/chat-loadgen}
# Our server keeps its embedded database and secret in a fresh folder per start.
ours_args=${OURS_ARGS:---data-dir @DATA_DIR@}
ours=${ours:-$build/server/chat-server}

# Sizes of each case: connect and storm spread their clients over the six default rooms; the
# fan-out case is one room of N members; the latency case offers 100 messages/s to one room
# of 1000 members (100,000 deliveries/s at full size). Its window of 8 unacknowledged messages
# per sender bounds the backlog of a server that cannot keep up: the sends it would exceed
# are skipped and counted, and its latency stays a measure of the server, not of a queue.
# persist has one sender per room, so that a stored message costs one delivery (to its
# sender) and the generator's work stays small next to the server's: persist finds the most
# the server stores (closed loop), persist-rate offers 50,000 messages/s and reads the ack
# latency at that load.
case $size in
tiny)  n=20;    members=20;    lat_members=10;   lat_rate=20;  store_rate=500;   duration=1;  timeout=20;  settle=0.5 ;;
small) n=1000;  members=1000;  lat_members=200;  lat_rate=100; store_rate=10000; duration=5;  timeout=60;  settle=2 ;;
full)  n=10000; members=10000; lat_members=1000; lat_rate=100; store_rate=50000; duration=10; timeout=120; settle=2 ;;
*) echo "run.sh: --size is tiny, small or full" >&2; exit 2 ;;
esac

[[ -x $loadgen ]] || { echo "run.sh: no load generator at $loadgen (build target chat-loadgen)" >&2; exit 2; }
if [[ ,$targets, == *,ours,* && ! -x $ours ]]; then
    echo "run.sh: no server at $ours (build target chat-server, or pass --ours)" >&2
    exit 2
fi
if [[ ,$targets, == *,reference,* && ! -d $here/reference/node_modules/socket.io ]]; then
    echo "run.sh: installing the reference's locked dependencies (npm ci)" >&2
    (cd "$here/reference" && npm ci --no-audit --no-fund --loglevel=error) >&2
fi

mkdir -p "$out"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
jsonl=$out/$stamp-$size.jsonl
work=$(mktemp -d "${TMPDIR:-/tmp}/chat-bench.XXXXXX")
secret=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
export CHAT_JWT_SECRET=$secret
# Load tests lift the rate limit (protocol.md §8).
export CHAT_RATE_LIMIT_PER_MIN=100000000

server_pid=""
cleanup() {
    if [[ -n $server_pid ]]; then
        kill "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

# Starts a fresh server; sets server_pid and server_port.
start_server() {
    local target=$1 log=$work/$1-$2.log
    case $target in
    reference)
        node "$here/reference/server.js" 0 >"$log" 2>&1 &
        ;;
    ours)
        local data
        data=$(mktemp -d "$work/data.XXXXXX")
        # shellcheck disable=SC2086
        "$ours" --host 127.0.0.1 --port 0 ${ours_args//@DATA_DIR@/$data} >"$log" 2>&1 &
        ;;
    mock)
        "$loadgen" mock-server --port 0 --timeout 3600 >"$log" 2>&1 &
        ;;
    *)
        echo "run.sh: unknown target $target" >&2
        return 1
        ;;
    esac
    server_pid=$!
    server_port=""
    for _ in $(seq 1 100); do
        case $target in
        reference|mock) server_port=$(grep -o '"port":[0-9]*' "$log" | head -1 | cut -d: -f2 || true) ;;
        ours) server_port=$(grep -o 'listening on [a-z]*://[0-9.]*:[0-9]*' "$log" | head -1 | sed 's/.*://' || true) ;;
        esac
        [[ -n $server_port ]] && break
        if ! kill -0 "$server_pid" 2>/dev/null; then break; fi
        sleep 0.1
    done
    if [[ -z $server_port ]]; then
        echo "run.sh: $target did not start; its log:" >&2
        cat "$log" >&2
        kill "$server_pid" 2>/dev/null || true
        server_pid=""
        return 1
    fi
    # Let the runtime finish starting before its memory is read.
    sleep "$settle"
}

stop_server() {
    [[ -n $server_pid ]] || return 0
    kill "$server_pid" 2>/dev/null || true
    for _ in $(seq 1 50); do
        kill -0 "$server_pid" 2>/dev/null || break
        sleep 0.1
    done
    kill -9 "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=""
}

case_args() {
    case $1 in
    connect) echo "connect --connections $n --rooms 6" ;;
    fanout) echo "fanout --rooms 1 --members $members --senders 4 --window 2 --duration $duration" ;;
    latency) echo "fanout --rooms 1 --members $lat_members --senders 10 --rate $lat_rate --window 8 --duration $duration" ;;
    storm) echo "storm --connections $n --rooms 6 --missed 10" ;;
    persist) echo "persist --senders 6 --rooms 6 --window 32 --duration $duration" ;;
    persist-rate) echo "persist --senders 6 --rooms 6 --rate $store_rate --window 64 --duration $duration" ;;
    *) echo "run.sh: unknown case $1" >&2; return 1 ;;
    esac
}

IFS=, read -r -a case_list <<<"$cases"
IFS=, read -r -a target_list <<<"$targets"
status=0
for c in "${case_list[@]}"; do
    args=$(case_args "$c")
    for t in "${target_list[@]}"; do
        echo "== $c: $t" >&2
        if ! start_server "$t" "$c"; then
            status=1
            continue
        fi
        # shellcheck disable=SC2086
        line=$("$loadgen" $args --case "$c" --label "$t" --port "$server_port" \
            --server-pid "$server_pid" --workers "$workers" --timeout "$timeout" --settle "$settle") || status=1
        stop_server
        if [[ -n $line ]]; then
            printf '%s\n' "$line" >>"$jsonl"
        fi
    done
done

command="bench/run.sh --size $size --targets $targets --cases $cases --workers $workers"
if [[ -s $jsonl ]] && command -v node >/dev/null; then
    node "$here/summarize.js" --command "$command" --size "$size" "$jsonl" | tee "${jsonl%.jsonl}.md"
fi
echo "results: $jsonl" >&2
exit $status
