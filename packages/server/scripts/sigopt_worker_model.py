"""A model program for the sigopt CLI's `start-worker` (the client's examples/parallel.py starts workers this way):
reads its assignment from the run the worker created, logs one metric. With --crash it fails before logging."""

import sys

import sigopt

if "--crash" in sys.argv:
  raise SystemExit("training crashed")
x = sigopt.params.x
sigopt.log_metric("holdout_accuracy", -((x - 20.0) ** 2) / 100.0)
