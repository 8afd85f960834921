#!/usr/bin/env python3
"""SigOpt's single-metric Franke example, driven through the OFFICIAL sigopt Python client.

  PYTHONPATH=/work/shared/vendor/sigopt-python /usr/bin/python3 franke_sigopt.py \
      --url http://127.0.0.1:PORT --token TOKEN [--budget 30] [--out FILE.json] SEED [SEED ...]

URL and token may also come from SIGOPT_API_URL / SIGOPT_API_TOKEN. For each seed: one experiment (x, y doubles in
[0, 1], metric `franke` maximized, observation_budget BUDGET, and our extra `seed` field: the client forwards every
keyword argument of create() into the JSON body, and the server echoes it in the experiment), then BUDGET rounds of
suggestions().create() -> observations().create(suggestion=id, value=franke(x, y)). Prints one JSON document (also
written to --out):
  runs[]       seed, seed_echoed (the experiment's `seed` as the server stored it), experiment id, completed, error,
               best value, best_index (0-based index of the suggestion that first reached it), best_point,
               first_within_1pct (0-based index of the first suggestion within 1% of the grid maximum),
               near_duplicates (suggestions within 1e-3, Euclidean, of an earlier one), near_corner (within 1e-3 of a
               corner of the box) and near_corner_by_corner, points [[x, y, value], ...], best_assignments (read back
               through the client), suggestion/observation latency
  median_best  over seeds; suggestion_latency / observation_latency: median/p95 in ms of the client call's wall time,
               all seeds pooled; franke_max_grid: the maximum of the function on a grid (refined around the best cell)
Exit code 0 when every run completed its budget, 1 otherwise (the JSON is still written); 3 when the client cannot
be imported.
"""
import argparse
import json
import math
import os
import platform
import statistics
import sys
import time

try:
    import sigopt
except ImportError as err:  # pragma: no cover - environment problem, reported to the caller
    sys.stderr.write(
        "franke_sigopt: cannot import the official sigopt client (%s). Put the vendored client on the path"
        " (PYTHONPATH=/work/shared/vendor/sigopt-python) and install its dependencies from Debian:"
        " apt-get install -y --no-install-recommends python3-requests python3-backoff python3-click"
        " python3-git python3-png python3-urllib3\n" % err
    )
    sys.exit(3)

CLOSE = 1e-3
CORNERS = [(0.0, 0.0), (0.0, 1.0), (1.0, 0.0), (1.0, 1.0)]


def franke(x, y):
    return (
        0.75 * math.exp(-((9 * x - 2) ** 2) / 4 - ((9 * y - 2) ** 2) / 4)
        + 0.75 * math.exp(-((9 * x + 1) ** 2) / 49 - (9 * y + 1) / 10)
        + 0.5 * math.exp(-((9 * x - 7) ** 2) / 4 - ((9 * y - 3) ** 2) / 4)
        - 0.2 * math.exp(-((9 * x - 4) ** 2) - (9 * y - 7) ** 2)
    )


def grid_max(n):
    """Maximum of franke on an n x n grid of [0, 1]^2, refined by a finer grid around the best cell."""
    best = (-math.inf, 0.0, 0.0)
    for i in range(n):
        for j in range(n):
            x, y = i / (n - 1), j / (n - 1)
            v = franke(x, y)
            if v > best[0]:
                best = (v, x, y)
    h = 1 / (n - 1)
    _, cx, cy = best
    for i in range(101):
        for j in range(101):
            x = min(1.0, max(0.0, cx - h + 2 * h * i / 100))
            y = min(1.0, max(0.0, cy - h + 2 * h * j / 100))
            v = franke(x, y)
            if v > best[0]:
                best = (v, x, y)
    return {"value": best[0], "x": best[1], "y": best[2], "grid": n, "refined": 101}


def quantile(values, q):
    s = sorted(values)
    if not s:
        return None
    pos = (len(s) - 1) * q
    lo, hi = math.floor(pos), math.ceil(pos)
    return s[lo] + (s[hi] - s[lo]) * (pos - lo)


def ms_stats(seconds):
    ms = [1000 * t for t in seconds]
    r = lambda v: None if v is None else round(v, 1)
    return {
        "n": len(ms),
        "median_ms": r(quantile(ms, 0.5)),
        "p95_ms": r(quantile(ms, 0.95)),
        "max_ms": r(max(ms) if ms else None),
    }


def run_seed(conn, seed, budget, method):
    body = dict(
        name="franke-seed-%d" % seed,
        parameters=[
            dict(name="x", type="double", bounds=dict(min=0, max=1)),
            dict(name="y", type="double", bounds=dict(min=0, max=1)),
        ],
        metrics=[dict(name="franke", objective="maximize")],
        observation_budget=budget,
        seed=seed,
    )
    if method:
        body["method"] = method
    experiment = conn.experiments().create(**body)
    points, suggest_s, observe_s = [], [], []
    error = None
    try:
        while len(points) < budget:
            t = time.perf_counter()
            suggestion = conn.experiments(experiment.id).suggestions().create()
            suggest_s.append(time.perf_counter() - t)
            x, y = float(suggestion.assignments["x"]), float(suggestion.assignments["y"])
            value = franke(x, y)
            t = time.perf_counter()
            conn.experiments(experiment.id).observations().create(suggestion=suggestion.id, value=value)
            observe_s.append(time.perf_counter() - t)
            points.append([x, y, value])
    except Exception as err:  # report, do not hide: the caller sees completed < budget and the message
        error = "%s: %s" % (type(err).__name__, err)

    near_duplicates = 0
    by_corner = {"%g,%g" % c: 0 for c in CORNERS}
    for i, (x, y, _) in enumerate(points):
        if any(math.hypot(x - px, y - py) < CLOSE for px, py, _ in points[:i]):
            near_duplicates += 1
        for cx, cy in CORNERS:
            if math.hypot(x - cx, y - cy) < CLOSE:
                by_corner["%g,%g" % (cx, cy)] += 1
    best_index = max(range(len(points)), key=lambda i: (points[i][2], -i)) if points else None
    seed_echoed = observation_count = best_assignments = None
    try:
        fetched = conn.experiments(experiment.id).fetch()
        seed_echoed = fetched.to_json().get("seed")
        observation_count = fetched.progress.observation_count if fetched.progress else None
        best_assignments = [
            {"assignments": dict(b.assignments), "value": b.value}
            for b in conn.experiments(experiment.id).best_assignments().fetch().iterate_pages()
        ]
    except Exception as err:
        error = (error + "; " if error else "") + "reading back: %s: %s" % (type(err).__name__, err)
    return {
        "seed": seed,
        "seed_echoed": seed_echoed,
        "experiment": experiment.id,
        "completed": len(points),
        "error": error,
        "observation_count": observation_count,
        "best": points[best_index][2] if points else None,
        "best_index": best_index,
        "best_point": points[best_index][:2] if points else None,
        "near_duplicates": near_duplicates,
        "near_corner": sum(by_corner.values()),
        "near_corner_by_corner": by_corner,
        "best_assignments": best_assignments,
        "suggestion_latency": ms_stats(suggest_s),
        "observation_latency": ms_stats(observe_s),
        "points": points,
        "_suggest_s": suggest_s,
        "_observe_s": observe_s,
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("seeds", nargs="+", type=int)
    ap.add_argument("--url", default=os.environ.get("SIGOPT_API_URL"))
    ap.add_argument("--token", default=os.environ.get("SIGOPT_API_TOKEN"))
    ap.add_argument("--budget", type=int, default=30)
    ap.add_argument("--method", default=None, help="our extra `method` field (mobo|random|sobol); default: server's")
    ap.add_argument("--grid", type=int, default=401, help="grid size for the Franke maximum check (0: skip)")
    ap.add_argument("--out", default=None)
    args = ap.parse_args()
    if not args.url or not args.token:
        ap.error("--url and --token (or SIGOPT_API_URL and SIGOPT_API_TOKEN) are required")

    conn = sigopt.Connection(client_token=args.token)
    conn.set_api_url(args.url.rstrip("/"))
    conn.set_timeout(120)

    t0 = time.perf_counter()
    runs = [run_seed(conn, seed, args.budget, args.method) for seed in args.seeds]
    wall = time.perf_counter() - t0
    suggest_s = [t for r in runs for t in r.pop("_suggest_s")]
    observe_s = [t for r in runs for t in r.pop("_observe_s")]
    bests = [r["best"] for r in runs if r["best"] is not None]
    grid = grid_max(args.grid) if args.grid > 0 else None
    for r in runs:  # the 0-based index of the first suggestion within 1% of the maximum
        r["first_within_1pct"] = (
            next((i for i, p in enumerate(r["points"]) if p[2] >= 0.99 * grid["value"]), None) if grid else None
        )
    doc = {
        "client": {"sigopt_python": sigopt.VERSION, "python": platform.python_version(), "module": sigopt.__file__},
        "url": args.url,
        "budget": args.budget,
        "method": args.method,
        "seeds": args.seeds,
        "franke_max_grid": grid,
        "median_best": statistics.median(bests) if bests else None,
        "min_best": min(bests) if bests else None,
        "median_best_index": statistics.median([r["best_index"] for r in runs if r["best_index"] is not None])
        if bests
        else None,
        "total_near_duplicates": sum(r["near_duplicates"] for r in runs),
        "total_near_corner": sum(r["near_corner"] for r in runs),
        "suggestion_latency": ms_stats(suggest_s),
        "observation_latency": ms_stats(observe_s),
        "wall_s": round(wall, 2),
        "runs": runs,
    }
    text = json.dumps(doc, indent=2)
    if args.out:
        with open(args.out, "w") as f:
            f.write(text + "\n")
    print(text)
    return 0 if all(r["completed"] == args.budget and r["error"] is None for r in runs) else 1


if __name__ == "__main__":
    sys.exit(main())
