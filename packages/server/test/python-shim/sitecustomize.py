"""Loaded by Python at start-up when this folder is on PYTHONPATH (the client's integration tests only).

The sigopt client's integration tests call random.sample() on dict keys, which Python 3.11 (Debian 12's python3)
refuses ("Population must be a sequence"). This makes sample() accept any finite collection, as Python < 3.11 did,
so the tests run unmodified; nothing of the client itself is changed.
"""

import random

_sample = random.Random.sample


def _sample_any_collection(self, population, k, *, counts=None):
  if not isinstance(population, (list, tuple, range, str)):
    population = list(population)
  return _sample(self, population, k, counts=counts)


random.Random.sample = _sample_any_collection
