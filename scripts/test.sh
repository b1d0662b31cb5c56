#!/usr/bin/env bash
# The project's test command (README: `npm ci && npm test`).
#
# Runs every test phase under Deno and under Bun, writes JUnit reports to test-results/, and ends
# with one line `N passed, N failed` computed from those reports. Phases (TEST_PHASES, default
# all of them, in this order):
#   unit  library and engine tests (src/, tests/unit/), no external server
#   embedded       the integration suite against the embedded engine in-process (its fetch handler),
#                  the conformance suite (tests/conformance/) against the real server's goldens, and
#                  the engine itself in Deno, Bun and Node (tests/runtimes/matrix_engine)
#   embedded-sqlite  the same suites as embedded, plus the engine's unit tests, on the SQLite store
#                  (CONDUCTOR_TEST_STORE=sqlite: a temp file per engine, the runtime's own SQLite),
#                  and the durability tests (tests/durability/: the dev server command, kill -9
#                  with 1,000 workflows in flight, due times across a restart, the store's writer
#                  killed) and the dev server on Node (tests/runtimes/dev_server_node)
#   embedded-port  the integration suite against the embedded engine on a loopback port, the
#                  webhook adapter, client smoke and DSL/executor matrix in workerd, Deno, Bun
#                  and Node (tests/runtimes/hono_*, client_smoke, matrix_dsl), and the
#                  hostile-workflows suite (tests/hostile: limits, the HTTP edge, fuzz)
#   ui    the web UI in headless Chromium (tests/ui/): Debian's chromium driven by playwright-core,
#         against the embedded engine serving the UI and /api on one port. Installs chromium
#         with apt-get when it is missing; if it cannot be installed or launched, the phase fails.
#         The real phase runs the same page tests with the UI on its own against the real server.
#   edge  the integration suite, the examples, the conformance suite, the webhook adapter and the
#         worker drain in workerd (tests/runtimes/hono_workerd, worker_drain) against the engine in
#         a Durable Object in workerd (one workerd for the phase, started here), and tests/edge/
#         (alarms, kill -9 and restart, token flow, tenants, scripts; each on a workerd of its own),
#         under Deno only (the engine is in workerd either way; the clients run under both elsewhere)
#   real  the integration suite (tests/integration/), the suites only the real server can pass
#         (tests/integration_real/: a restart of the real server's own process),
#         the runtime smoke tests
#         (tests/runtimes/: Deno, Bun, Node, workerd) and the conformance suite
#         (tests/conformance/: goldens still hold) against the real Conductor OSS server,
#         started here with scripts/conductor-server.sh (or CONDUCTOR_SERVER_URL when given)
#         and stopped on every exit path. If the server cannot start, the phase fails.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$PWD

if [ ! -x node_modules/.bin/deno ] || [ ! -x node_modules/.bin/bun ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund >&2 || { echo "npm ci failed" >&2; exit 1; }
fi
export PATH="$root/node_modules/.bin:$PATH" NO_COLOR=1 DENO_NO_UPDATE_CHECK=1
unset RUST_BACKTRACE

phases="${TEST_PHASES:-unit embedded embedded-sqlite embedded-port ui edge real}"
results="$root/test-results"
rm -rf "$results"; mkdir -p "$results"
status=0
started_server=0

cleanup() {
  if [ "$started_server" = 1 ]; then bash scripts/conductor-server.sh stop >/dev/null 2>&1 || true; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

has_tests() { # true when the path is a test file, or a folder holding one
  local d=$1
  [ -f "$d" ] && return 0
  [ -d "$d" ] && find "$d" -name '*.test.ts' -o -name '*_test.ts' | grep -q . && return 0
  return 1
}

run_both() { # run_both <phase> <paths...>: the same files under Deno and under Bun
  local phase=$1; shift
  local paths=() d
  for d in "$@"; do
    if has_tests "$d"; then
      paths+=("$d")
    elif [ ! -e "$d" ] && [[ "$d" == *.ts ]]; then
      # A test file named here that is gone is a mistake, not an empty phase.
      echo "[test] phase $phase: listed test file $d does not exist" >&2; status=1
    fi
  done
  if [ ${#paths[@]} -eq 0 ]; then echo "[test] phase $phase: no test files" >&2; return 0; fi
  echo "[test] phase $phase under Deno: ${paths[*]}" >&2
  deno test -A --quiet --junit-path="$results/deno-$phase.xml" "${paths[@]}" || status=1
  [ "${DENO_ONLY:-0}" = 1 ] && return 0
  echo "[test] phase $phase under Bun: ${paths[*]}" >&2
  bun test --timeout 120000 --reporter=junit --reporter-outfile="$results/bun-$phase.xml" "${paths[@]/#/./}" || status=1
}

need_chromium() { # installs Debian's chromium for the browser tests when it is missing
  [ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ] && return 0
  echo "[test] installing Debian's chromium for the browser tests (apt-get)" >&2
  local sudo=""
  [ "$(id -u)" != 0 ] && command -v sudo >/dev/null && sudo="sudo"
  { $sudo apt-get update && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y chromium; } >&2 &&
    [ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ] && return 0
  echo "[test] chromium could not be installed: the browser tests FAIL" >&2
  printf '<testsuites><testsuite name="ui"><testcase name="chromium is installed"><failure message="apt-get install chromium failed"/></testcase></testsuite></testsuites>\n' > "$results/chromium-install-$1.xml"
  status=1
  return 1
}

for phase in $phases; do
  case "$phase" in
    unit)
      run_both unit src tests/unit
      ;;
    embedded|embedded-port)
      extra=()
      # The conformance suite holds the in-process engine to the real server's goldens.
      # The runtime matrix's engine cell starts its own engine in Deno, Bun and Node.
      [ "$phase" = embedded ] && extra=(tests/conformance tests/runtimes/matrix_engine.test.ts)
      # The runtime tests (workerd, Deno, Bun, Node: the webhook adapter and the client smoke)
      # need the engine on a socket.
      # The hostile-workflows suite (issue 16) starts its own engines on loopback ports.
      [ "$phase" = embedded-port ] &&
        extra=(tests/runtimes/hono_{workerd,deno,bun,node}.test.ts tests/runtimes/client_smoke.test.ts
          tests/runtimes/matrix_dsl.test.ts tests/hostile)
      CONDUCTOR_TEST_SERVER=$phase run_both "$phase" tests/integration tests/examples "${extra[@]}"
      ;;
    ui)
      need_chromium ui && CONDUCTOR_TEST_SERVER=embedded run_both ui tests/ui
      ;;
    edge)
      edge_dir=$(mktemp -d)
      CONDUCTOR_EDGE_DIR="$edge_dir/data/edge" PORT=0 deno run -A scripts/edge_server.ts \
        >"$edge_dir/url" 2>"$edge_dir/log" &
      edge_pid=$!
      for _ in $(seq 1 600); do [ -s "$edge_dir/url" ] || ! kill -0 "$edge_pid" 2>/dev/null && break; sleep 0.1; done
      edge_url=$(head -n1 "$edge_dir/url")
      if [ -z "$edge_url" ]; then
        echo "[test] the edge engine (workerd) did not start: the edge phase FAILS" >&2; cat "$edge_dir/log" >&2
        printf '<testsuites><testsuite name="edge-server"><testcase name="the edge engine starts in workerd"><failure message="scripts/edge_server.ts did not print its URL"/></testcase></testsuite></testsuites>\n' > "$results/edge-server-start.xml"
        status=1
      else
        # The engine runs in workerd whichever runtime runs the tests (they are its clients, and
        # the other phases run them under both): Deno alone here.
        DENO_ONLY=1 CONDUCTOR_TEST_SERVER=edge CONDUCTOR_SERVER_URL="$edge_url" run_both edge tests/integration tests/examples \
          tests/conformance tests/runtimes/hono_workerd.test.ts tests/runtimes/worker_drain.test.ts tests/edge
      fi
      kill "$edge_pid" 2>/dev/null; wait "$edge_pid" 2>/dev/null
      rm -rf "$edge_dir"
      ;;
    embedded-sqlite)
      CONDUCTOR_TEST_SERVER=embedded CONDUCTOR_TEST_STORE=sqlite run_both "$phase" tests/integration \
        tests/examples tests/conformance tests/unit/engine_*.test.ts tests/durability \
        tests/runtimes/dev_server_node.test.ts
      ;;
    real)
      url="${CONDUCTOR_SERVER_URL:-}"
      if [ -z "$url" ]; then
        if url=$(bash scripts/conductor-server.sh start); then
          started_server=1
        else
          echo "[test] the real Conductor server did not start: the real-server phase FAILS" >&2
          printf '<testsuites><testsuite name="real-server"><testcase name="real Conductor server starts"><failure message="scripts/conductor-server.sh start failed"/></testcase></testsuite></testsuites>\n' > "$results/real-server-start.xml"
          status=1
          continue
        fi
      fi
      ui_tests=(tests/ui)
      need_chromium real || ui_tests=()
      CONDUCTOR_TEST_SERVER=real CONDUCTOR_SERVER_URL="$url" run_both real tests/integration tests/integration_real tests/runtimes tests/examples tests/conformance "${ui_tests[@]}"
      if [ "$started_server" = 1 ]; then bash scripts/conductor-server.sh stop >/dev/null 2>&1; started_server=0; fi
      ;;
    *) echo "[test] unknown phase: $phase" >&2; status=1 ;;
  esac
done

summary=$(deno run --allow-read scripts/junit_summary.ts "$results") || status=1
echo "$summary"
case "$summary" in *" 0 failed"*) ;; *) status=1 ;; esac
exit $status
