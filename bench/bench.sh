#!/usr/bin/env bash
# The benchmark command (`npm run bench` / `deno task bench`): installs the peer SDKs
# (bench/setup.sh), starts a real Conductor OSS server of its own (scripts/conductor-server.sh with
# a state dir of its own, so a shared server is left alone), runs bench/run.ts against it and the
# embedded engine, and stops the server on every exit path. Results: bench/results/.
#
# Extra arguments go to bench/run.ts (e.g. `npm run bench -- --n 500 --reps 1`). With
# BENCH_REAL_URL set, that server is used and none is started.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$PATH" NO_COLOR=1 DENO_NO_UPDATE_CHECK=1
unset RUST_BACKTRACE
if [ ! -x node_modules/.bin/deno ] || [ ! -x node_modules/.bin/bun ]; then npm ci --no-audit --no-fund >&2; fi

bash bench/setup.sh >/dev/null

export CONDUCTOR_SERVER_STATE="${BENCH_SERVER_STATE:-${TMPDIR:-/tmp}/conductor-edge-bench-server}"
started=0
cleanup() { if [ "$started" = 1 ]; then bash scripts/conductor-server.sh stop >/dev/null 2>&1 || true; fi; }
trap cleanup EXIT
trap 'exit 130' INT TERM

url="${BENCH_REAL_URL:-}"
pid_args=()
if [ -z "$url" ]; then
  url=$(bash scripts/conductor-server.sh start)
  started=1
  pid_args=(--real-server-pid "$(cat "$CONDUCTOR_SERVER_STATE/pid")")
fi
deno run -A bench/run.ts --real-url "$url" "${pid_args[@]}" "$@"
