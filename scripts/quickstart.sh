#!/usr/bin/env bash
# The quickstart (README: `npm ci && npm run quickstart`): installs Deno and Bun from npm into
# node_modules when they are missing, then runs examples/quickstart.ts with Deno. Without
# CONDUCTOR_SERVER_URL it runs the embedded Conductor engine in-process; with it (e.g.
# http://localhost:8080/api) it uses that server. QUICKSTART_RUNTIME=bun runs it with Bun.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x node_modules/.bin/deno ] || [ ! -x node_modules/.bin/bun ]; then
  npm ci --no-audit --no-fund >&2
fi
export PATH="$PWD/node_modules/.bin:$PATH" DENO_NO_UPDATE_CHECK=1
unset RUST_BACKTRACE
case "${QUICKSTART_RUNTIME:-deno}" in
  deno) exec deno run -A examples/quickstart.ts ;;
  bun) exec bun examples/quickstart.ts ;;
  *) echo "QUICKSTART_RUNTIME must be deno or bun, got ${QUICKSTART_RUNTIME}" >&2; exit 2 ;;
esac
