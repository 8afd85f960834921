#!/usr/bin/env bash
# SigOpt's Franke example through the official sigopt Python client, against a fresh server:
#   bash packages/server/scripts/franke-sigopt.sh OUT        (or: npx nx run server:franke -- OUT)
# Starts `serve` on a temporary database (port 0, 127.0.0.1), creates a token, runs scripts/franke_sigopt.py for
# seeds 0..3 with budget 30 (FRANKE_SEEDS="0 1 2 3", FRANKE_BUDGET=30 to change), writes OUT/franke-sigopt.json,
# stops the server. Needs Debian's python3 with the client's dependencies (see the python script's error message);
# the client is the vendored, unmodified shared/vendor/sigopt-python (SIGOPT_PYTHON_DIR to point elsewhere).
set -euo pipefail
out=${1:?usage: franke-sigopt.sh OUT_DIR}
here=$(cd "$(dirname "$0")" && pwd)
pkg=$(cd "$here/.." && pwd)
root=$(cd "$pkg/../.." && pwd)
python=${PARETOBENCH_PYTHON:-/usr/bin/python3}
client=${SIGOPT_PYTHON_DIR:-}
if [ -z "$client" ]; then
  for c in "$root/../shared/vendor/sigopt-python" /work/shared/vendor/sigopt-python; do
    if [ -d "$c/sigopt" ]; then client=$(cd "$c" && pwd); break; fi
  done
fi
[ -n "$client" ] || { echo "franke-sigopt: the vendored sigopt client (shared/vendor/sigopt-python) is missing; set SIGOPT_PYTHON_DIR" >&2; exit 2; }
mkdir -p "$out"
tmp=$(mktemp -d -t franke-sigopt-XXXXXX)
pid=
cleanup() {
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then kill "$pid"; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT
cd "$pkg"
token=$(node --import tsx src/cli/token.ts --db "$tmp/franke.db" create --name franke)
# one node process (no tsx wrapper, no watcher), so the pid is the server's
PARETOBENCH_SERVE_UNSUPERVISED=1 node --import tsx src/cli/serve.ts --port 0 --host 127.0.0.1 --db "$tmp/franke.db" \
  >"$tmp/serve.log" 2>&1 &
pid=$!
url=
for _ in $(seq 1 300); do
  url=$(grep -o 'listening on http://[^ ]*' "$tmp/serve.log" | head -1 | cut -d' ' -f3 || true)
  [ -n "$url" ] && break
  kill -0 "$pid" 2>/dev/null || { echo "franke-sigopt: server exited: $(cat "$tmp/serve.log")" >&2; exit 1; }
  sleep 0.1
done
[ -n "$url" ] || { echo "franke-sigopt: server did not start within 30 s: $(cat "$tmp/serve.log")" >&2; exit 1; }
echo "franke-sigopt: server $url (pid $pid), client $client, python $python"
# shellcheck disable=SC2086 # FRANKE_SEEDS is a list of seeds
PYTHONPATH="$client" "$python" "$here/franke_sigopt.py" --url "$url" --token "$token" \
  --budget "${FRANKE_BUDGET:-30}" --out "$out/franke-sigopt.json" ${FRANKE_SEEDS:-0 1 2 3} >/dev/null
"$python" - "$out/franke-sigopt.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
print("franke-sigopt: median best %.5f (min %.5f; grid max %.5f); near duplicates %d, near corners %d; "
      "suggestion latency median %s ms, p95 %s ms; wall %s s; -> %s"
      % (d["median_best"], d["min_best"], d["franke_max_grid"]["value"], d["total_near_duplicates"],
         d["total_near_corner"], d["suggestion_latency"]["median_ms"], d["suggestion_latency"]["p95_ms"],
         d["wall_s"], sys.argv[1]))
for r in d["runs"]:
    print("  seed %d: best %.5f at suggestion %d %s, near duplicates %d, near corners %d"
          % (r["seed"], r["best"], r["best_index"], [round(v, 4) for v in r["best_point"]], r["near_duplicates"],
             r["near_corner"]))
PY
