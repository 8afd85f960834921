import { describe, expect, it } from 'vitest';
import {
  AiExperimentCreateSchema,
  AiExperimentUpdateSchema,
  ExperimentCreateSchema,
  ExperimentUpdateSchema,
  IMMUTABLE_EXPERIMENT_FIELDS,
  ObservationCreateSchema,
  QueuedSuggestionCreateSchema,
  SuggestionCreateSchema,
} from './requests.ts';
import { ExperimentObject, ObservationObject, SuggestionObject } from './objects.ts';

const experiment = {
  name: 'plane',
  parameters: [{ name: 'x', type: 'double', bounds: { min: 0, max: 1 } }],
  metrics: [{ name: 'f' }],
};

describe('num_solutions in request bodies', () => {
  it('experiment and AI experiment creates accept an integer >= 1 (or null), and nothing else, naming the field', () => {
    for (const schema of [ExperimentCreateSchema, AiExperimentCreateSchema]) {
      expect(schema.parse({ ...experiment, budget: 10, num_solutions: 3 }).num_solutions).toBe(3);
      expect(schema.parse({ ...experiment, num_solutions: 1 }).num_solutions).toBe(1);
      expect(schema.parse({ ...experiment, num_solutions: null }).num_solutions).toBeNull();
      expect(schema.parse(experiment).num_solutions).toBeUndefined();
      for (const bad of [0, -2, 2.5, '3', true]) {
        const r = schema.safeParse({ ...experiment, num_solutions: bad });
        expect(r.success, String(bad)).toBe(false);
        expect(r.error!.issues[0].path).toEqual(['num_solutions']);
      }
    }
    expect(ExperimentCreateSchema.safeParse({ ...experiment, num_solutions: 0 }).error!.issues[0].message).toBe(
      'must be an integer >= 1',
    );
  });

  it('is fixed after creation: an update names it', () => {
    expect(IMMUTABLE_EXPERIMENT_FIELDS).toContain('num_solutions');
    expect(ExperimentUpdateSchema.safeParse({ num_solutions: 2 }).success).toBe(false);
    const ai = AiExperimentUpdateSchema.safeParse({ num_solutions: 2 });
    expect(ai.success).toBe(false);
    expect(ai.error!.issues[0]).toMatchObject({
      path: ['num_solutions'],
      message: 'cannot be changed after the experiment is created',
    });
    expect(AiExperimentUpdateSchema.safeParse({ name: 'n', budget: 5 }).success).toBe(true);
  });

  it('an experiment object carries it when given, and parses without it or with null', () => {
    const base = { object: 'experiment', id: '1', state: 'active', parameters: [{ name: 'x', type: 'double' }] };
    expect(ExperimentObject.parse({ ...base, num_solutions: 4 }).num_solutions).toBe(4);
    expect(ExperimentObject.parse({ ...base, num_solutions: null }).num_solutions).toBeNull();
    expect(ExperimentObject.parse(base).num_solutions).toBeUndefined();
  });
});

describe('tasks (multitask experiments) in request bodies and objects', () => {
  const tasks = [
    { name: 'cheap', cost: 0.1 },
    { name: 'real', cost: 1 },
  ];

  it('an experiment create takes tasks (checked by the server), fixed afterwards; AI experiments have none', () => {
    expect(ExperimentCreateSchema.parse({ ...experiment, observation_budget: 5, tasks }).tasks).toEqual(tasks);
    expect(IMMUTABLE_EXPERIMENT_FIELDS).toContain('tasks');
    expect(ExperimentUpdateSchema.safeParse({ tasks }).success).toBe(false);
    expect(AiExperimentCreateSchema.safeParse({ ...experiment, tasks }).error!.issues[0]).toMatchObject({
      code: 'unrecognized_keys',
    });
  });

  it('observations, manual and queued suggestions name a task by name or as a Task object, and nothing else', () => {
    const a = { x: 0.5 };
    for (const task of ['cheap', { name: 'cheap' }, { name: 'cheap', cost: 0.1 }, { object: 'task', name: 'cheap' }]) {
      expect(ObservationCreateSchema.parse({ assignments: a, value: 1, task }).task).toEqual(task);
      expect(SuggestionCreateSchema.parse({ assignments: a, task }).task).toEqual(task);
      expect(QueuedSuggestionCreateSchema.parse({ assignments: a, task }).task).toEqual(task);
    }
    for (const bad of [7, '', { cost: 0.1 }, { name: 'cheap', colour: 'red' }, { object: 'metric', name: 'cheap' }]) {
      const r = ObservationCreateSchema.safeParse({ assignments: a, value: 1, task: bad });
      expect(r.success, JSON.stringify(bad)).toBe(false);
      expect(r.error!.issues[0].path[0]).toBe('task');
    }
  });

  it('objects read tasks, a task and the budget consumed, and refuse a malformed task', () => {
    const base = { object: 'experiment', id: '1', state: 'active', parameters: [{ name: 'x', type: 'double' }] };
    const echoed = tasks.map((t) => ({ object: 'task', ...t }));
    const e = ExperimentObject.parse({
      ...base,
      tasks: echoed,
      progress: { object: 'progress', observation_count: 2, observation_budget_consumed: 1.1 },
    });
    expect(e.tasks?.map((t) => [t.name, t.cost])).toEqual([
      ['cheap', 0.1],
      ['real', 1],
    ]);
    expect(e.progress?.observation_budget_consumed).toBe(1.1);
    expect(ExperimentObject.safeParse({ ...base, tasks: [{ cost: 0.1 }] }).success).toBe(false);
    expect(ExperimentObject.safeParse({ ...base, tasks: [{ name: 'cheap', cost: '0.1' }] }).success).toBe(false);
    const s = { object: 'suggestion', id: '1', assignments: { x: 1 }, state: 'open' };
    expect(SuggestionObject.parse({ ...s, task: echoed[0] }).task?.cost).toBe(0.1);
    expect(SuggestionObject.safeParse({ ...s, task: 'cheap' }).success).toBe(false);
    const o = { object: 'observation', id: '1', assignments: { x: 1 }, values: [], failed: false };
    expect(ObservationObject.parse({ ...o, task: echoed[1] }).task?.name).toBe('real');
    expect(ObservationObject.parse(o).task).toBeUndefined();
  });
});
