/**
 * Contract tests: the response schemas read SigOpt's own answers. The official Python client's fixtures
 * (`test/client/json_data/*.json` of shared/vendor/sigopt-python, real API responses) must parse, and the schemas must
 * still refuse what a client cannot use. This service's answers are parsed with the same schemas in
 * packages/server/test/typescript-client.test.ts.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  ExperimentObject,
  PaginationObject,
  QueuedSuggestionObject,
  SuggestionObject,
  TokenObject,
} from './objects.ts';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const CANDIDATES = process.env.SIGOPT_PYTHON_DIR
  ? [process.env.SIGOPT_PYTHON_DIR]
  : [
      path.resolve(HERE, '..', '..', '..', '..', 'shared', 'vendor', 'sigopt-python'),
      '/work/shared/vendor/sigopt-python',
    ];

function fixture(name: string): unknown {
  const dir = CANDIDATES.find((d) => existsSync(path.join(d, 'test', 'client', 'json_data')));
  if (!dir) {
    throw new Error(
      `the official sigopt client's fixtures are missing (looked in ${CANDIDATES.join(', ')}): keep the vendored ` +
        'client at shared/vendor/sigopt-python beside the repository, or set SIGOPT_PYTHON_DIR',
    );
  }
  return JSON.parse(readFileSync(path.join(dir, 'test', 'client', 'json_data', `${name}.json`), 'utf8'));
}

describe("the response schemas read SigOpt's answers (the official client's fixtures)", () => {
  it('experiment: space, metrics, progress with its observations (a failed one with null values)', () => {
    const e = ExperimentObject.parse(fixture('experiment'));
    expect(e.id).toBe('123');
    expect(e.parameters.map((p) => `${p.name}:${p.type}`)).toEqual(['a:double', 'b:categorical']);
    expect(e.metrics?.map((m) => m.name)).toEqual(['Revenue', 'Sales']);
    expect(e.progress?.observation_count).toBe(3);
    expect(e.progress?.best_observation?.failed).toBe(true);
    expect(e.progress?.best_observation?.values.map((v) => v.value)).toEqual([null, null]);
    expect(e.tasks?.map((t) => [t.name, t.cost])).toEqual([
      ['task 1', 0.567],
      ['task 2', 1],
    ]);
    expect(e.progress?.observation_budget_consumed).toBe(3);
  });

  it('suggestion and queued suggestion', () => {
    const s = SuggestionObject.parse(fixture('suggestion'));
    expect(s.assignments).toEqual({ a: 1, b: 'c' });
    expect(s.state).toBe('open');
    expect(s.sequence).toBeUndefined();
    expect(s.task).toEqual({ object: 'task', name: 'task 1', cost: 0.567 });
    expect(QueuedSuggestionObject.parse(fixture('queued_suggestion')).experiment).toBe('1');
    expect(QueuedSuggestionObject.parse(fixture('queued_suggestion')).task?.name).toBe('task 1');
  });

  it('pagination and token', () => {
    const page = PaginationObject(z.unknown()).parse(fixture('pagination'));
    expect(page.paging).toEqual({ before: '1', after: '2' });
    expect(page.count).toBe(2);
    const t = TokenObject.parse(fixture('token'));
    expect([t.client, t.user, t.token_type]).toEqual(['456', '789', 'client-dev']);
  });

  it('refuses objects of the wrong kind or without what a client needs', () => {
    expect(SuggestionObject.safeParse({ ...(fixture('suggestion') as object), object: 'observation' }).success).toBe(
      false,
    );
    const { assignments: _a, ...noAssignments } = fixture('suggestion') as Record<string, unknown>;
    const r = SuggestionObject.safeParse(noAssignments);
    expect(r.success).toBe(false);
    expect(r.error?.issues[0].path).toEqual(['assignments']);
    expect(ExperimentObject.safeParse({ ...(fixture('experiment') as object), state: 'archived' }).success).toBe(false);
  });
});
