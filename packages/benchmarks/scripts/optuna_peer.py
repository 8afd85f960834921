#!/usr/bin/env python3
"""Optuna as a peer in the synthetic benchmark, driven by ask/tell over JSON lines (one object per line).

The TypeScript runner (packages/benchmarks/src/synthetic/optuna-peer.ts) owns the problem: it sends the space and the
sampler settings, asks for trials, evaluates them itself and tells the values (or the failure) back, so every figure is
computed by the same TypeScript code for every method. Requests on stdin, one answer per request on stdout:

  {"op": "init", "sampler": "tpe" | "nsga2", "seed": 0, "directions": ["maximize", ...], "constraints": 0,
   "space": [{"name": "x0", "type": "double", "low": 0, "high": 1},
             {"name": "k", "type": "int", "low": 0, "high": 4},
             {"name": "fn", "type": "categorical", "choices": ["a", "b"]}]}     -> {"ok": true, "optuna": "<version>"}
  {"op": "ask"}                                                                  -> {"trial": 0, "params": {...}}
  {"op": "tell", "trial": 0, "values": [1.5, -2.0]}                              -> {"ok": true}
  {"op": "tell", "trial": 1, "failed": true}                                     -> {"ok": true}   (TrialState.FAIL)
  {"op": "tell", "trial": 2, "values": [1.5, -2.0], "constraints": [0.3]}        -> {"ok": true}
  {"op": "add", "params": {...}, "values": [1.5, -2.0]}                          -> {"ok": true}
  {"op": "add", "params": {...}, "failed": true}                                 -> {"ok": true}
  {"op": "trials"}                               -> {"trials": [{"number": 0, "constraints": [0.3] | null}, ...]}
  {"op": "close"}                                                                -> {"ok": true}, then exit

Several trials may be asked before they are told (parallel workers); "add" records a finished trial Optuna did not
propose (a study resumed from its journal: the trials run before the restart).

Samplers: TPESampler(multivariate=True, seed=seed) with its default n_startup_trials; NSGAIISampler(seed=seed).
With "constraints": k > 0 (observed constraints), every trial told or added with values carries k constraint values in
Optuna's convention (feasible when each is <= 0), and both samplers get a constraints_func that reads them back: the
way Optuna's samplers take constraints (TPE's constrained variant, NSGA-II's constrained domination). "trials" answers
the constraint values the study recorded for each trial (tests).
Any error is answered as {"error": "<message>"} and ends the process with status 1.

Needs Debian's python3-optuna; when it is missing this script installs it with apt-get (as root) or says how to.
"""
import json
import os
import shutil
import subprocess
import sys
import warnings

INSTALL_HINT = "install it with: sudo apt-get install -y python3-optuna"


def import_optuna():
    try:
        import optuna  # noqa: F401
    except ImportError:
        if shutil.which("apt-get") is None or os.geteuid() != 0:
            sys.stderr.write(f"optuna_peer: python3-optuna is missing for {sys.executable}; {INSTALL_HINT}\n")
            sys.exit(3)
        sys.stderr.write("optuna_peer: python3-optuna is missing; installing it with apt-get\n")
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        for cmd in (["apt-get", "update"], ["apt-get", "install", "-y", "--no-install-recommends", "python3-optuna"]):
            if subprocess.run(cmd, stdout=sys.stderr, env=env).returncode != 0:
                sys.stderr.write(f"optuna_peer: {' '.join(cmd)} failed; {INSTALL_HINT}\n")
                sys.exit(3)
    import optuna

    return optuna


CONSTRAINTS = "paretobench_constraints"


def read_constraints(trial):
    return trial.user_attrs[CONSTRAINTS]


def constraints_of(req, n):
    """The request's constraint values, checked against the n that init announced; None when neither has any."""
    if n == 0 and "constraints" not in req:
        return None
    c = req.get("constraints")
    numbers = isinstance(c, list) and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in c)
    if n == 0 or not numbers or len(c) != n:
        raise ValueError(f"constraints: expected {n} numbers, as init said (got {c!r})")
    return [float(v) for v in c]


def main():
    optuna = import_optuna()
    from optuna.distributions import CategoricalDistribution, FloatDistribution, IntDistribution
    from optuna.trial import TrialState

    warnings.filterwarnings("ignore", category=optuna.exceptions.ExperimentalWarning)
    optuna.logging.set_verbosity(optuna.logging.WARNING)

    study = None
    dists = None
    trials = {}
    n_constraints = 0

    def reply(obj):
        sys.stdout.write(json.dumps(obj) + "\n")
        sys.stdout.flush()

    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            req = json.loads(line)
            op = req.get("op")
            if op == "init":
                seed = int(req["seed"])
                n_constraints = int(req.get("constraints", 0))
                extra = {"constraints_func": read_constraints} if n_constraints > 0 else {}
                if req["sampler"] == "tpe":
                    sampler = optuna.samplers.TPESampler(multivariate=True, seed=seed, **extra)
                elif req["sampler"] == "nsga2":
                    sampler = optuna.samplers.NSGAIISampler(seed=seed, **extra)
                else:
                    raise ValueError(f"sampler must be tpe or nsga2 (got {req['sampler']!r})")
                dists = {}
                for p in req["space"]:
                    if p["type"] == "double":
                        dists[p["name"]] = FloatDistribution(p["low"], p["high"])
                    elif p["type"] == "int":
                        dists[p["name"]] = IntDistribution(int(p["low"]), int(p["high"]))
                    elif p["type"] == "categorical":
                        dists[p["name"]] = CategoricalDistribution(p["choices"])
                    else:
                        raise ValueError(f"space: unknown type {p['type']!r} of {p['name']!r}")
                study = optuna.create_study(directions=req["directions"], sampler=sampler)
                reply({"ok": True, "optuna": optuna.__version__})
            elif op == "ask":
                trial = study.ask(dists)
                trials[trial.number] = trial
                reply({"trial": trial.number, "params": trial.params})
            elif op == "tell":
                trial = trials.pop(int(req["trial"]))
                if req.get("failed"):
                    study.tell(trial, state=TrialState.FAIL)
                else:
                    values = req["values"]
                    constraints = constraints_of(req, n_constraints)
                    if constraints is not None:
                        trial.set_user_attr(CONSTRAINTS, constraints)
                    study.tell(trial, values[0] if len(values) == 1 else values)
                reply({"ok": True})
            elif op == "add":
                params = {}
                for name, dist in dists.items():
                    v = req["params"][name]
                    params[name] = int(v) if isinstance(dist, IntDistribution) else v
                if req.get("failed"):
                    done = optuna.trial.create_trial(params=params, distributions=dists, state=TrialState.FAIL)
                else:
                    values = req["values"]
                    constraints = constraints_of(req, n_constraints)
                    done = optuna.trial.create_trial(
                        params=params,
                        distributions=dists,
                        values=values,
                        user_attrs={CONSTRAINTS: constraints} if constraints is not None else {},
                        # what constraints_func stores for a trial the sampler saw finish
                        system_attrs={"constraints": constraints} if constraints is not None else None,
                    )
                study.add_trial(done)
                reply({"ok": True})
            elif op == "trials":
                recorded = [
                    {"number": t.number, "constraints": t.system_attrs.get("constraints")}
                    for t in study.get_trials(deepcopy=False)
                ]
                reply({"trials": recorded})
            elif op == "close":
                reply({"ok": True})
                return
            else:
                raise ValueError(f"op must be init, ask, tell, add, trials or close (got {op!r})")
        except Exception as e:  # answer, then stop: the runner treats an error as fatal
            reply({"error": f"{type(e).__name__}: {e}"})
            sys.exit(1)


if __name__ == "__main__":
    main()
