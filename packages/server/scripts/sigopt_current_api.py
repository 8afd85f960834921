"""The official sigopt client's current API (sigopt.create_project, create_experiment, experiment.loop(), run.params,
run.log_metric, create_run, upload_runs, get_best_runs, archive) against a paretobench server.

Usage: SIGOPT_API_URL=http://127.0.0.1:PORT SIGOPT_API_TOKEN=... SIGOPT_PROJECT=... python3 sigopt_current_api.py
       --budget N --out FILE

SigOpt's README example, the Franke function over [0, 1]^2 (maximum 1.2197 near (0.2, 0.2)), driven the way its
documentation shows:

    experiment = sigopt.create_experiment(name=..., parameters=[...], metrics=[...], budget=N)
    for run in experiment.loop():
        with run:
            run.log_metric("franke", franke(run.params.x, run.params.y))

then the other flows of the current API; writes what it saw as JSON for the test to check.
"""

import argparse
import json
import os

import sigopt
from sigopt.examples.franke import franke_function as franke
from sigopt.exception import ApiException
from sigopt.interface import get_connection


def main():
  ap = argparse.ArgumentParser()
  ap.add_argument("--budget", type=int, default=20)
  ap.add_argument("--out", required=True)
  args = ap.parse_args()
  out = {"project": os.environ["SIGOPT_PROJECT"]}

  project = sigopt.create_project()
  out["project_created"] = project.id
  try:
    sigopt.create_project()
    out["project_conflict"] = None
  except sigopt.exception.ConflictingProjectException:
    out["project_conflict"] = "ConflictingProjectException"

  experiment = sigopt.create_experiment(
    name="Franke Optimization",
    type="offline",
    parameters=[
      dict(name="x", type="double", bounds=dict(min=0.0, max=1.0)),
      dict(name="y", type="double", bounds=dict(min=0.0, max=1.0)),
    ],
    metrics=[dict(name="franke", strategy="optimize", objective="maximize")],
    parallel_bandwidth=1,
    budget=args.budget,
  )
  out["experiment"] = {"id": experiment.id, "project": experiment.project, "budget": experiment.budget}
  points = []
  types = set()
  for run in experiment.loop():
    with run:
      x, y = run.params.x, run.params.y
      types.add(type(x).__name__)
      value = franke(x, y)
      run.log_metric("franke", value)
      run.log_metadata("note", "franke")
      points.append([x, y, value])
  out["points"] = points
  out["param_types"] = sorted(types)
  experiment.refresh()
  out["progress"] = {
    "finished": experiment.progress.finished_run_count,
    "active": experiment.progress.active_run_count,
    "total": experiment.progress.total_run_count,
    "remaining": experiment.progress.remaining_budget,
  }
  best = list(experiment.get_best_runs())
  out["best_runs"] = [{"id": r.id, "value": r.values["franke"].value, "assignments": dict(r.assignments)} for r in best]
  runs = list(experiment.get_runs())
  out["runs"] = [{"id": r.id, "state": r.state, "observation": r.observation, "metadata": dict(r.metadata or {})} for r in runs]

  # the core API's analysis of the same experiment: importances per metric, stopping advice
  core = get_connection().experiments(experiment.id)
  out["importances"] = dict(core.importances().fetch().importances)
  out["metric_importances"] = [m.metric for m in core.metric_importances().fetch().iterate_pages()]
  stop = core.stopping_criteria().fetch()
  out["stopping"] = {"should_stop": stop.should_stop, "reasons": list(stop.reasons)}

  # a run that raises ends as failed, and its suggestion is answered as a failure
  try:
    with experiment.create_run() as run:
      _ = run.params.x
      raise RuntimeError("training crashed")
  except RuntimeError:
    pass
  fetched = get_connection().training_runs(run.id).fetch()
  out["failed_run"] = {"state": fetched.state, "observation": fetched.observation}

  # the AI experiment's own update, as the client's integration test does it
  params = experiment.parameters
  params[0].bounds.max = 2.0
  experiment.update(name="Franke Optimization (wider x)", parameters=params, budget=args.budget + 5)
  again = sigopt.get_aiexperiment(experiment.id)
  out["updated"] = {
    "name": again.name,
    "budget": again.budget,
    "x_bounds": [again.parameters[0].bounds.min, again.parameters[0].bounds.max],
  }
  try:
    params = again.parameters
    params[0].bounds.max = 0.1
    experiment.update(name="too narrow", parameters=params)
    out["narrowing"] = None
  except ApiException as e:
    out["narrowing"] = {"status": e.status_code, "message": str(e)}

  # a run outside any experiment, with a checkpoint, and a batch upload
  with sigopt.create_run(name="plain run") as plain:
    plain.log_metric("accuracy", 0.91, stddev=0.01)
    plain.log_metrics({"loss": 0.3})
    plain.log_checkpoint({"accuracy": 0.9})
    plain.log_model("cnn")
    plain.log_dataset("mr")
    plain.set_parameters({"lr": 0.01, "layers": 3})
  p = get_connection().training_runs(plain.id).fetch()
  out["plain_run"] = {
    "state": p.state,
    "values": {k: [v.value, v.value_stddev] for k, v in p.values.items()},
    "assignments": dict(p.assignments),
    "checkpoint_count": p.checkpoint_count,
    "model": p.model.type if p.model else None,
  }
  uploaded = sigopt.upload_runs(
    [
      {"name": f"batch-{n}", "assignments": {"x": n}, "values": {"r": {"value": n * n}}, "state": "completed"}
      for n in range(5)
    ],
    2,
  )
  out["uploaded"] = len(uploaded)

  sigopt.archive_experiment(experiment.id)
  out["archived_state"] = get_connection().aiexperiments(experiment.id).fetch().state

  with open(args.out, "w") as f:
    json.dump(out, f)


if __name__ == "__main__":
  main()
