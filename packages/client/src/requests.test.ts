import { describe, expect, it } from 'vitest';
import {
  AiExperimentCreateSchema,
  AiExperimentUpdateSchema,
  ExperimentCreateSchema,
  ExperimentUpdateSchema,
  IMMUTABLE_EXPERIMENT_FIELDS,
} from './requests.ts';
import { ExperimentObject } from './objects.ts';

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
