#!/usr/bin/env bash
# Fetches, starts and stops the real Conductor OSS server for tests and benchmarks.
#
#   scripts/conductor-server.sh start    # prints the API URL (…/api) on stdout
#   scripts/conductor-server.sh restart  # stops and starts it again, keeping its data and port
#   scripts/conductor-server.sh stop     # stops only the server this script started
#   scripts/conductor-server.sh status   # prints the API URL if it is up, exits 1 otherwise
#   scripts/conductor-server.sh logs     # prints the server log
#
# The boot jar comes from Maven Central (org.conductoross:conductor-server:<version>:jar:boot) via
# Maven and is cached outside the work tree (CONDUCTOR_JAR_CACHE, default ~/.cache/conductor-edge).
# The server runs on 127.0.0.1 on a free port with SQLite in a temporary directory, under a JDK >= 21
# found on the machine (JAVA_HOME, then java on PATH, then /usr/lib/jvm/*).
#
# `start` begins with an empty state folder (CONDUCTOR_SERVER_STATE) on a new free port, unless
# its server is already up. `restart` keeps the folder (the SQLite database: definitions,
# executions, queues, schedules) and the port, so a test of the SDK across a server restart finds
# its data at the same URL; it fails when there is no state to restart from.
set -euo pipefail

VERSION="${CONDUCTOR_SERVER_VERSION:-3.32.3}"
CACHE="${CONDUCTOR_JAR_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/conductor-edge}"
JAR="$CACHE/conductor-server-$VERSION-boot.jar"
STATE="${CONDUCTOR_SERVER_STATE:-${TMPDIR:-/tmp}/conductor-edge-server}"
TIMEOUT="${CONDUCTOR_SERVER_START_TIMEOUT:-180}"

log() { printf '[conductor-server] %s\n' "$*" >&2; }

java_major() { # prints the major version of the given java binary
  "$1" -version 2>&1 | awk -F'"' '/version/ { split($2, v, "."); print (v[1] == "1" ? v[2] : v[1]); exit }'
}

find_java() {
  local candidates=() c
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME/bin/java")
  command -v java >/dev/null 2>&1 && candidates+=("$(command -v java)")
  for c in /usr/lib/jvm/*/bin/java /opt/java/*/bin/java /opt/*jdk*/bin/java; do [ -x "$c" ] && candidates+=("$c"); done
  for c in "${candidates[@]}"; do
    local m; m=$(java_major "$c" 2>/dev/null || echo 0)
    if [ "${m:-0}" -ge 21 ] 2>/dev/null; then echo "$c"; return 0; fi
  done
  log "no JDK >= 21 found (looked at JAVA_HOME, PATH and /usr/lib/jvm); Conductor $VERSION needs Java 21+"
  return 1
}

fetch_jar() {
  [ -s "$JAR" ] && return 0
  mkdir -p "$CACHE"
  command -v mvn >/dev/null 2>&1 || { log "mvn is needed to fetch the server jar from Maven Central"; return 1; }
  log "fetching org.conductoross:conductor-server:$VERSION:jar:boot into $CACHE"
  local t0=$SECONDS
  local tmp; tmp=$(mktemp -d)
  if ! mvn -q -B org.apache.maven.plugins:maven-dependency-plugin:3.6.1:copy \
      -Dartifact="org.conductoross:conductor-server:$VERSION:jar:boot" -DoutputDirectory="$tmp" >&2; then
    rm -rf "$tmp"; log "could not fetch the jar (see Maven's output above)"; return 1
  fi
  mv "$tmp/conductor-server-$VERSION-boot.jar" "$JAR"; rm -rf "$tmp"
  log "fetched $(du -h "$JAR" | cut -f1) in $((SECONDS - t0)) s"
}

free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

is_ours_running() {
  [ -f "$STATE/pid" ] && kill -0 "$(cat "$STATE/pid")" 2>/dev/null
}

healthy() { curl -fsS -m 3 "http://127.0.0.1:$1/health" 2>/dev/null | grep -q '"healthy":true'; }

check_sync() {
  case "${CONDUCTOR_SQLITE_SYNCHRONOUS:-NORMAL}" in
    OFF | NORMAL | FULL | EXTRA) ;;
    *) log "CONDUCTOR_SQLITE_SYNCHRONOUS must be OFF, NORMAL, FULL or EXTRA, got '$CONDUCTOR_SQLITE_SYNCHRONOUS'"; return 2 ;;
  esac
}

cmd_start() {
  check_sync || return 2
  if is_ours_running && healthy "$(cat "$STATE/port")"; then
    echo "http://127.0.0.1:$(cat "$STATE/port")/api"; return 0
  fi
  local java; java=$(find_java)
  fetch_jar
  rm -rf "$STATE"; mkdir -p "$STATE/db"
  local port; port="${CONDUCTOR_SERVER_PORT:-$(free_port)}"
  echo "$port" > "$STATE/port"
  launch "$java" "$port"
}

cmd_restart() {
  check_sync || return 2
  if [ ! -s "$STATE/port" ] || [ ! -d "$STATE/db" ]; then
    log "nothing to restart in $STATE (no port or database): use start"; return 1
  fi
  local java; java=$(find_java)
  fetch_jar
  cmd_stop
  launch "$java" "$(cat "$STATE/port")"
}

launch() { # launch <java> <port>: runs the server on the state folder's database
  local java=$1 port=$2 sync="${CONDUCTOR_SQLITE_SYNCHRONOUS:-NORMAL}"
  log "starting Conductor $VERSION on 127.0.0.1:$port with $("$java" -version 2>&1 | head -1)"
  local t0=$SECONDS
  # synchronous=NORMAL on every pooled connection: the server's own SQLite setup runs
  # `PRAGMA synchronous=NORMAL` on one connection only (the setting is per connection), so the
  # other nine commit with FULL, an fsync under SQLite's single write lock ~8 times per task.
  # NORMAL (SQLite's advice for WAL) loses nothing on a process crash, only on power loss; it
  # took the raw worker loop from ~160 to ~290 tasks/s here (bench/README.md, "Findings").
  # CONDUCTOR_SQLITE_SYNCHRONOUS=FULL restores the server's default behaviour.
  # The workflow execution lock (local_only in the server's properties, but off unless enabled):
  # without it two decides of one workflow can run at once (an update by ref and the sweeper's),
  # and both schedule the next task; a CI run saw a HUMAN workflow end with its INLINE twice.
  # setsid: the server gets its own process group, so stop can end exactly what start began.
  setsid "$java" -Xms256m -Xmx1g -jar "$JAR" \
    --server.address=127.0.0.1 --server.port="$port" \
    "--spring.datasource.url=jdbc:sqlite:$STATE/db/conductor.db?busy_timeout=15000&journal_mode=WAL&synchronous=$sync" \
    --conductor.integrations.ai.enabled=false \
    --conductor.app.workflow-execution-lock-enabled=true \
    >> "$STATE/server.log" 2>&1 < /dev/null &
  echo $! > "$STATE/pid"
  while [ $((SECONDS - t0)) -lt "$TIMEOUT" ]; do
    if healthy "$port"; then
      log "healthy after $((SECONDS - t0)) s"
      echo "http://127.0.0.1:$port/api"; return 0
    fi
    if ! is_ours_running; then break; fi
    sleep 1
  done
  log "the server did not become healthy within ${TIMEOUT} s; last lines of its log:"
  tail -n 60 "$STATE/server.log" >&2 || true
  cmd_stop || true
  return 1
}

cmd_stop() {
  [ -f "$STATE/pid" ] || { log "not running (no pid file)"; return 0; }
  local pid; pid=$(cat "$STATE/pid")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
    log "stopped (pid $pid)"
  fi
  rm -f "$STATE/pid"
}

cmd_status() {
  if is_ours_running && healthy "$(cat "$STATE/port")"; then
    echo "http://127.0.0.1:$(cat "$STATE/port")/api"
  else
    echo "not running"; return 1
  fi
}

cmd_logs() { cat "$STATE/server.log"; }

case "${1:-}" in
  start) cmd_start ;;
  restart) cmd_restart ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  logs) cmd_logs ;;
  fetch) fetch_jar && echo "$JAR" ;;
  *) echo "usage: $0 start|restart|stop|status|logs|fetch" >&2; exit 2 ;;
esac
