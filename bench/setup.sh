#!/usr/bin/env bash
# Installs the peer SDKs that bench/run.ts compares against, from their registries, into
# bench/.peers/ (gitignored; override with BENCH_PEERS_DIR). Never vendored, never committed.
#
#   js/  @io-orkes/conductor-javascript (npm, needs --legacy-peer-deps: its optional zod@3 peer
#        clashes with the zod 4 its optional AI peers want)
#   py/  a virtual environment with conductor-python (PyPI)
#
# Idempotent: a peer whose marker file matches the wanted version is left as it is.
set -euo pipefail
cd "$(dirname "$0")"
JS_PEER_VERSION="${BENCH_JS_PEER_VERSION:-4.0.0}"
PY_PEER_VERSION="${BENCH_PY_PEER_VERSION:-2.0.0}"
PEERS="${BENCH_PEERS_DIR:-$PWD/.peers}"
log() { printf '[bench setup] %s\n' "$*" >&2; }

mkdir -p "$PEERS/js"
want_js="conductor-javascript@$JS_PEER_VERSION"
if [ "$(cat "$PEERS/js/.installed" 2>/dev/null)" != "$want_js" ]; then
  log "npm: @io-orkes/conductor-javascript@$JS_PEER_VERSION -> $PEERS/js"
  (cd "$PEERS/js" && { [ -f package.json ] || echo '{"name":"bench-js-peer","private":true,"type":"module"}' > package.json; } \
    && npm install --no-audit --no-fund --legacy-peer-deps --save-exact \
      "@io-orkes/conductor-javascript@$JS_PEER_VERSION" >&2)
  echo "$want_js" > "$PEERS/js/.installed"
fi

want_py="conductor-python==$PY_PEER_VERSION"
if [ "$(cat "$PEERS/py/.installed" 2>/dev/null)" != "$want_py" ]; then
  PYTHON="${BENCH_PYTHON:-$(command -v python3)}"
  log "PyPI: $want_py -> venv $PEERS/py (with $("$PYTHON" --version 2>&1))"
  rm -rf "$PEERS/py"
  "$PYTHON" -m venv "$PEERS/py"
  "$PEERS/py/bin/pip" install --quiet --disable-pip-version-check "$want_py" >&2
  echo "$want_py" > "$PEERS/py/.installed"
fi
echo "$PEERS"
