import { describe, expect, it } from 'vitest';
import { ObservationError, SpaceError } from './errors.ts';
import { SpaceEncoding, parseExperimentConfig, validateAssignments, validateObservation } from './space.ts';

const base = {
  parameters: [
    { name: 'lr', type: 'double', bounds: { min: 1e-5, max: 1 }, transformation: 'log' },
    { name: 'layers', type: 'int', bounds: { min: 1, max: 5 } },
    { name: 'act', type: 'categorical', categorical_values: ['relu', { name: 'tanh' }, 'gelu'] },
  ],
  metrics: [{ name: 'acc' }, { name: 'time', objective: 'minimize' }],
};

function spaceError(input: unknown): SpaceError {
  try {
    parseExperimentConfig(input);
  } catch (e) {
    if (e instanceof SpaceError) return e;
    throw e;
  }
  throw new Error('expected a SpaceError');
}

describe('parseExperimentConfig', () => {
  it('fills defaults', () => {
    const c = parseExperimentConfig(base);
    expect(c.seed).toBe(0);
    expect(c.method).toBe('mobo');
    expect(c.metrics[0]).toEqual({ name: 'acc', objective: 'maximize', strategy: 'optimize' });
  });

  it('reads null transformation and default_value as not given (as the sigopt client sends unset fields)', () => {
    const c = parseExperimentConfig({
      ...base,
      parameters: [
        { name: 'eta', type: 'double', bounds: { min: 0.001, max: 1 }, transformation: null, default_value: null },
        { name: 'w', type: 'double', bounds: { min: 0.001, max: 1 }, transformation: 'log' },
      ],
    });
    expect(c.parameters[0].transformation).toBeUndefined();
    expect(c.parameters[0].default_value).toBeUndefined();
    expect(c.parameters[1].transformation).toBe('log');
    expect(() =>
      parseExperimentConfig({
        ...base,
        parameters: [{ name: 'eta', type: 'double', bounds: { min: 0, max: 1 }, transformation: 'sqrt' }],
      }),
    ).toThrow(/transformation/);
  });

  it('accepts names with inner spaces, as SigOpt did ("Validation Accuracy")', () => {
    const c = parseExperimentConfig({
      ...base,
      parameters: [{ name: 'learning rate', type: 'double', bounds: { min: 0, max: 1 } }],
      metrics: [{ name: 'Validation Accuracy' }],
    });
    expect(c.metrics[0].name).toBe('Validation Accuracy');
    expect(c.parameters[0].name).toBe('learning rate');
    expect(
      validateObservation(c, {
        assignments: { 'learning rate': 0.5 },
        values: [{ name: 'Validation Accuracy', value: 1 }],
      }).values,
    ).toEqual([{ name: 'Validation Accuracy', value: 1 }]);
  });

  it.each([
    [
      { ...base, parameters: [{ name: 'x', type: 'double', bounds: { min: 2, max: 1 } }] },
      'parameters[0].bounds.min',
      /must be < bounds.max.*parameter "x"/,
    ],
    [
      { ...base, parameters: [{ name: 'x', type: 'int', bounds: { min: 0.5, max: 3 } }] },
      'parameters[0].bounds.min',
      /integer/,
    ],
    [{ ...base, parameters: [{ name: 'x', type: 'double' }] }, 'parameters[0].bounds', /required/],
    [
      { ...base, parameters: [{ name: 'x', type: 'double', bounds: { min: 0, max: 1 }, transformation: 'log' }] },
      'parameters[0].bounds.min',
      /> 0/,
    ],
    [
      { ...base, parameters: [{ name: 'c', type: 'categorical', categorical_values: ['a'] }] },
      'parameters[0].categorical_values',
      /at least 2/,
    ],
    [
      { ...base, parameters: [{ name: 'c', type: 'categorical', categorical_values: ['a', 'a'] }] },
      'parameters[0].categorical_values[1]',
      /duplicate/,
    ],
    [
      { ...base, parameters: [base.parameters[0], { name: 'lr', type: 'int', bounds: { min: 0, max: 2 } }] },
      'parameters[1].name',
      /duplicate parameter/,
    ],
    [
      { ...base, parameters: [{ name: '9x', type: 'double', bounds: { min: 0, max: 1 } }] },
      'parameters[0].name',
      /must start with a letter/,
    ],
    [
      { ...base, parameters: [{ name: 'x ', type: 'double', bounds: { min: 0, max: 1 } }] },
      'parameters[0].name',
      /inner spaces/,
    ],
    [{ ...base, metrics: [{ name: ' accuracy' }] }, 'metrics[0].name', /inner spaces/],
    [{ ...base, parameters: [] }, 'parameters', /at least 1/],
    [{ ...base, metrics: [{ name: 'a', strategy: 'constraint' }] }, 'metrics[0].threshold', /required/],
    [{ ...base, metrics: [{ name: 'a', strategy: 'store' }] }, 'metrics', /optimize/],
    [{ ...base, metrics: ['a', 'b', 'c', 'd', 'e'].map((name) => ({ name })) }, 'metrics', /at most 4/],
    [{ ...base, parameters: [{ name: 'x', type: 'float', bounds: { min: 0, max: 1 } }] }, 'parameters[0].type', /./],
    [
      { ...base, parameters: [{ name: 'x', type: 'double', bounds: { min: -1.7e308, max: 1.7e308 } }] },
      'parameters[0].bounds',
      /range max - min overflows a double \(got min -1\.7e\+308, max 1\.7e\+308\)/,
    ],
    [
      { ...base, parameters: [{ name: 'x', type: 'int', bounds: { min: -1e308, max: 1e308 } }] },
      'parameters[0].bounds',
      /overflows/,
    ],
  ])('rejects bad space %#', (input, field, msg) => {
    const e = spaceError(input);
    expect(e.field).toBe(field);
    expect(e.message).toContain(field);
    expect(e.message).toMatch(msg);
  });
});

it('accepts the widest finite range, and its suggestions encode and decode to finite values', () => {
  const wide = parseExperimentConfig({
    ...base,
    parameters: [{ name: 'x', type: 'double', bounds: { min: -8e307, max: 8e307 } }],
  });
  const enc = new SpaceEncoding(wide);
  for (const u of [0, 0.25, 1]) {
    const a = enc.decode(Float64Array.of(u));
    expect(Number.isFinite(a.x)).toBe(true);
    expect(Number.isFinite(enc.encode(a)[0])).toBe(true);
  }
});

describe('validateObservation', () => {
  const config = parseExperimentConfig(base);
  const a = { lr: 0.01, layers: 3, act: 'tanh' };
  const bad = (obs: unknown): ObservationError => {
    try {
      validateObservation(config, obs);
    } catch (e) {
      if (e instanceof ObservationError) return e;
      throw e;
    }
    throw new Error('expected an ObservationError');
  };

  it('accepts a good observation and a failure', () => {
    expect(
      validateObservation(config, {
        assignments: a,
        values: [
          { name: 'acc', value: 0.9 },
          { name: 'time', value: 3 },
        ],
      }).values,
    ).toHaveLength(2);
    expect(validateObservation(config, { assignments: a, failed: true }).failed).toBe(true);
  });

  it('keeps the values a failure was judged on (all, some or none of the metrics)', () => {
    const judged = validateObservation(config, { assignments: a, failed: true, values: [{ name: 'acc', value: 0.4 }] });
    expect(judged).toMatchObject({ failed: true, values: [{ name: 'acc', value: 0.4 }] });
  });

  it.each([
    [{ assignments: a, values: [{ name: 'acc', value: 0.9 }] }, 'values', /missing value.*"time"/],
    [
      {
        assignments: a,
        values: [
          { name: 'acc', value: 0.9 },
          { name: 'time', value: 1 },
          { name: 'loss', value: 1 },
        ],
      },
      'values[2].name',
      /unknown metric "loss"/,
    ],
    [
      {
        assignments: a,
        values: [
          { name: 'acc', value: Number.NaN },
          { name: 'time', value: 1 },
        ],
      },
      'values[0].value',
      /./,
    ],
    [{ assignments: a, failed: true, values: [{ name: 'nope', value: 0.9 }] }, 'values[0].name', /unknown metric/],
    [{ assignments: a, failed: true, values: [{ name: 'acc', value: Infinity }] }, 'values[0].value', /number/],
    [{ assignments: { ...a, layers: 9 }, failed: true }, 'assignments.layers', /out of bounds/],
    [{ assignments: { ...a, layers: 2.5 }, failed: true }, 'assignments.layers', /integer/],
    [{ assignments: { ...a, act: 'sigmoid' }, failed: true }, 'assignments.act', /must be one of/],
    [{ assignments: { lr: 0.01, layers: 3 }, failed: true }, 'assignments.act', /missing/],
    [{ assignments: { ...a, depth: 1 }, failed: true }, 'assignments.depth', /unknown parameter/],
  ])('rejects bad observation %#', (obs, field, msg) => {
    const e = bad(obs);
    expect(e.field).toBe(field);
    expect(e.message).toMatch(msg);
  });
});

describe('SpaceEncoding', () => {
  const config = parseExperimentConfig(base);
  const enc = new SpaceEncoding(config);
  it('maps to the unit cube with log, int and one-hot columns', () => {
    expect(enc.dim).toBe(5);
    const x = enc.encode({ lr: 1e-3, layers: 2, act: 'gelu' });
    expect(x[0]).toBeCloseTo(0.4, 12); // log(1e-3) is 2/5 of the way from log(1e-5) to log(1)
    expect(x[1]).toBeCloseTo(0.25, 12);
    expect(x.slice(2)).toEqual([0, 0, 1]);
    expect(enc.decode(x)).toEqual({ lr: expect.closeTo(1e-3, 12), layers: 2, act: 'gelu' });
  });
  it('decodes relaxed points to valid assignments (rounding ints, arg-max categories)', () => {
    expect(enc.decode([0.5, 0.6, 0.2, 0.7, 0.1])).toEqual({
      lr: expect.closeTo(10 ** -2.5, 12),
      layers: 3,
      act: 'tanh',
    });
  });
  it('lists integer and category neighbours', () => {
    const nb = enc.neighbours(enc.encode({ lr: 0.1, layers: 1, act: 'relu' })).map((x) => enc.decode(x));
    expect(nb.map((a) => `${a.layers}/${a.act}`).sort()).toEqual(['1/gelu', '1/tanh', '2/relu']);
  });
  it('gives every integer equal mass from the parameter cube', () => {
    const counts = [0, 0, 0, 0, 0];
    for (let i = 0; i < 1000; i++) counts[Number(enc.fromParamUnit([0.5, (i + 0.5) / 1000, 0.5]).layers) - 1]++;
    expect(counts).toEqual([200, 200, 200, 200, 200]);
  });
});

describe('grid parameters', () => {
  const config = parseExperimentConfig({
    parameters: [
      { name: 'batch', type: 'int', grid: [128, 16, 64, 32] },
      { name: 'lr', type: 'double', grid: [1e-4, 1e-3, 1e-2, 1e-1], transformation: 'log' },
      { name: 'x', type: 'double', bounds: { min: 0, max: 1 } },
    ],
    metrics: [{ name: 'acc' }],
  });

  it('sorts the grid and takes its range as the bounds; a parsed config parses again to itself', () => {
    expect(config.parameters[0]).toMatchObject({ grid: [16, 32, 64, 128], bounds: { min: 16, max: 128 } });
    expect(parseExperimentConfig(JSON.parse(JSON.stringify(config)))).toEqual(config);
    expect(config.parameters[1].bounds).toEqual({ min: 1e-4, max: 1e-1 });
  });

  it.each([
    [{ name: 'g', type: 'int', grid: [1, 2.5] }, /grid\[1\]$/, /integer/],
    [{ name: 'g', type: 'double', grid: [1, 1, 2] }, /grid\[1\]$/, /duplicate value 1/],
    [{ name: 'g', type: 'double', grid: [1] }, /grid$/, /at least 2/],
    [{ name: 'g', type: 'double', grid: [0, 1], transformation: 'log' }, /grid\[0\]$/, /> 0/],
    [{ name: 'g', type: 'double', grid: [0, 1], bounds: { min: 0, max: 2 } }, /bounds$/, /either bounds or grid/],
    [{ name: 'g', type: 'double', grid: [0, 1], default_value: 0.5 }, /default_value$/, /one of grid/],
  ])('refuses %j naming the field', (param, field, message) => {
    try {
      parseExperimentConfig({ parameters: [param], metrics: [{ name: 'acc' }] });
      expect.unreachable();
    } catch (err) {
      expect((err as SpaceError).field).toMatch(field);
      expect((err as Error).message).toMatch(message);
    }
  });

  it('tells tiny grid values apart (the nearest within 1e-9 relative)', () => {
    const eps = parseExperimentConfig({
      parameters: [{ name: 'eps', type: 'double', grid: [1e-10, 1e-9, 1e-8] }],
      metrics: [{ name: 'f' }],
    });
    expect(validateAssignments(eps, { eps: 1e-9 }).eps).toBe(1e-9);
    expect(validateAssignments(eps, { eps: 1.0000000001e-9 }).eps).toBe(1e-9);
    expect(() => validateAssignments(eps, { eps: 1.1e-9 })).toThrow(/grid/);
  });

  it('accepts only grid values (to 1e-9 relative, returning the grid value itself)', () => {
    const ok = validateAssignments(config, { batch: 32, lr: 0.0010000000000001, x: 0.5 });
    expect(ok.lr).toBe(1e-3);
    expect(() => validateAssignments(config, { batch: 48, lr: 1e-3, x: 0.5 })).toThrow(/assignments\.batch.*grid/);
  });

  it('decodes to the nearest grid value in the encoded scale, spreads the design evenly, steps to grid neighbours', () => {
    const enc = new SpaceEncoding(config);
    expect(enc.hasDiscrete).toBe(true);
    // lr is log-spaced: 1e-3 sits at 1/3 of its column
    const x = enc.encode({ batch: 64, lr: 1e-3, x: 0.5 });
    expect(x[1]).toBeCloseTo(1 / 3, 12);
    expect(enc.decode([x[0], 0.4, 0.5])).toEqual({ batch: 64, lr: 1e-3, x: 0.5 });
    expect(enc.decode([0.05, 0.9, 0.5]).batch).toBe(16); // 16 sits at 0, 32 at 16/112
    // the initial design's map gives each grid value an equal share of [0, 1)
    const counts = new Map<number, number>();
    for (let i = 0; i < 400; i++) {
      const b = enc.fromParamUnit([(i + 0.5) / 400, 0.5, 0.5]).batch as number;
      counts.set(b, (counts.get(b) ?? 0) + 1);
    }
    expect([...counts.entries()].sort((a, b) => a[0] - b[0])).toEqual([
      [16, 100],
      [32, 100],
      [64, 100],
      [128, 100],
    ]);
    const around = enc.neighbours(x).map((n) => enc.decode(n));
    expect(around).toContainEqual({ batch: 32, lr: 1e-3, x: 0.5 });
    expect(around).toContainEqual({ batch: 128, lr: 1e-3, x: 0.5 });
    expect(around).toContainEqual({ batch: 64, lr: 1e-4, x: 0.5 });
    expect(around).toContainEqual({ batch: 64, lr: 1e-2, x: 0.5 });
    expect(around).toHaveLength(4);
  });
});

describe('linear constraints', () => {
  const params = [
    { name: 'x', type: 'double', bounds: { min: 0, max: 1 } },
    { name: 'y', type: 'double', bounds: { min: 0, max: 1 } },
    { name: 'c', type: 'categorical', categorical_values: ['a', 'b'] },
    // no integer lies between 3.2 and 3.8, though reals do
    { name: 'n', type: 'int', bounds: { min: 0, max: 10 } },
  ];
  const parse = (linear_constraints: unknown) =>
    parseExperimentConfig({ parameters: params, metrics: [{ name: 'f' }], linear_constraints });

  it('are kept when their terms name numeric parameters and they leave some of the space', () => {
    const c = parse([
      {
        type: 'less_than',
        threshold: 1,
        terms: [
          { name: 'x', weight: 1 },
          { name: 'y', weight: 1 },
        ],
      },
    ]);
    expect(c.linear_constraints).toHaveLength(1);
    expect(parse(null).linear_constraints).toBeUndefined();
  });

  it.each([
    [
      [{ type: 'less_than', threshold: 1, terms: [{ name: 'z', weight: 1 }] }],
      /terms\[0\]\.name$/,
      /unknown parameter "z"/,
    ],
    [
      [{ type: 'less_than', threshold: 1, terms: [{ name: 'c', weight: 1 }] }],
      /terms\[0\]\.name$/,
      /not an int or double/,
    ],
    [[{ type: 'at_most', threshold: 1, terms: [{ name: 'x', weight: 1 }] }], /linear_constraints\[0\]\.type$/, /./],
    [[{ type: 'less_than', threshold: 1, terms: [] }], /terms$/, /at least 1 term/],
    [
      [
        { type: 'greater_than', threshold: 3.2, terms: [{ name: 'n', weight: 1 }] },
        { type: 'less_than', threshold: 3.8, terms: [{ name: 'n', weight: 1 }] },
      ],
      /^linear_constraints$/,
      /no point of the parameter space satisfies them all/,
    ],
    [
      [
        { type: 'less_than', threshold: 0.5, terms: [{ name: 'x', weight: 1 }] },
        { type: 'greater_than', threshold: 0.6, terms: [{ name: 'x', weight: 1 }] },
      ],
      /^linear_constraints$/,
      /no point of the parameter space satisfies them all/,
    ],
  ])('refuses %j naming the field', (constraints, field, message) => {
    try {
      parse(constraints);
      expect.unreachable();
    } catch (err) {
      expect((err as SpaceError).field).toMatch(field);
      expect((err as Error).message).toMatch(message);
    }
  });
});

describe('conditionals', () => {
  const space = () =>
    parseExperimentConfig({
      conditionals: [{ name: 'layers', values: ['1', '2', '3'] }],
      parameters: [
        { name: 'lr', type: 'double', bounds: { min: 0, max: 1 } },
        { name: 'width2', type: 'int', bounds: { min: 8, max: 64 }, conditions: { layers: ['2', '3'] } },
        // a bare string is one value; an empty list leaves that conditional unrestricted (SigOpt's echo)
        { name: 'width3', type: 'double', bounds: { min: 0, max: 10 }, default_value: 2, conditions: { layers: '3' } },
        { name: 'act', type: 'categorical', categorical_values: ['relu', 'tanh'], conditions: { layers: [] } },
      ],
      metrics: [{ name: 'f' }],
    });

  it('parses conditions to lists and drops the unrestricted ones', () => {
    const c = space();
    expect(c.parameters.map((p) => p.conditions)).toEqual([
      undefined,
      { layers: ['2', '3'] },
      { layers: ['3'] },
      undefined,
    ]);
  });

  it.each([
    [
      { conditionals: [{ name: 'lr', values: ['a', 'b'] }] },
      /conditionals\[0\]\.name/,
      /already the name of a parameter/,
    ],
    [{ conditionals: [{ name: 'k', values: ['a'] }] }, /conditionals\[0\]\.values/, /at least 2 values/],
    [{ conditionals: [{ name: 'k', values: ['a', 'a'] }] }, /conditionals\[0\]\.values\[1\]/, /duplicate value "a"/],
    [
      { conditionals: [{ name: 'k', values: ['a', 'b'] }], conditions: { j: ['a'] } },
      /parameters\[1\]\.conditions\.j/,
      /unknown conditional "j"/,
    ],
    [
      { conditionals: [{ name: 'k', values: ['a', 'b'] }], conditions: { k: ['c'] } },
      /parameters\[1\]\.conditions\.k/,
      /"c" is not a value of conditional "k"/,
    ],
  ])('rejects %j naming the field', (extra, field, message) => {
    const { conditions, ...rest } = extra as { conditions?: unknown };
    const input = {
      parameters: [
        { name: 'lr', type: 'double', bounds: { min: 0, max: 1 } },
        { name: 'w', type: 'double', bounds: { min: 0, max: 1 }, ...(conditions ? { conditions } : {}) },
      ],
      metrics: [{ name: 'f' }],
      ...rest,
    };
    try {
      parseExperimentConfig(input);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(SpaceError);
      expect((err as SpaceError).field).toMatch(field);
      expect((err as Error).message).toMatch(message);
    }
  });

  it('refuses a linear constraint on a conditioned parameter', () => {
    expect(() =>
      parseExperimentConfig({
        conditionals: [{ name: 'k', values: ['a', 'b'] }],
        parameters: [
          { name: 'x', type: 'double', bounds: { min: 0, max: 1 } },
          { name: 'y', type: 'double', bounds: { min: 0, max: 1 }, conditions: { k: 'a' } },
        ],
        metrics: [{ name: 'f' }],
        linear_constraints: [{ type: 'less_than', threshold: 1, terms: [{ name: 'y', weight: 1 }] }],
      }),
    ).toThrow(/linear_constraints\[0\]\.terms\[0\]\.name.*has conditions/);
  });

  it('assignments name every conditional and exactly the active parameters', () => {
    const c = space();
    expect(validateAssignments(c, { layers: '1', lr: 0.5, act: 'relu' })).toEqual({
      layers: '1',
      lr: 0.5,
      act: 'relu',
    });
    expect(validateAssignments(c, { layers: '3', lr: 0.5, width2: 8, width3: 1, act: 'tanh' })).toEqual({
      layers: '3',
      lr: 0.5,
      width2: 8,
      width3: 1,
      act: 'tanh',
    });
    expect(() => validateAssignments(c, { lr: 0.5, act: 'relu' })).toThrow(
      /assignments\.layers.*missing value for conditional/,
    );
    expect(() => validateAssignments(c, { layers: '4', lr: 0.5, act: 'relu' })).toThrow(
      /assignments\.layers.*must be one of/,
    );
    expect(() => validateAssignments(c, { layers: '1', lr: 0.5, width2: 8, act: 'relu' })).toThrow(
      /assignments\.width2.*inactive here \(active when layers is "2" or "3"\)/,
    );
    expect(() => validateAssignments(c, { layers: '2', lr: 0.5, act: 'relu' })).toThrow(
      /assignments\.width2.*missing value for parameter/,
    );
  });

  it('encodes an inactive parameter at a fixed place and decodes without it', () => {
    const c = space();
    const enc = new SpaceEncoding(c);
    // lr | width2 | width3 | act (2) | layers (3)
    expect(enc.dim).toBe(8);
    expect(enc.nParams).toBe(5);
    const x1 = enc.encode({ layers: '1', lr: 0.25, act: 'tanh' });
    expect(x1).toEqual([0.25, 0.5, 0.2, 0, 1, 1, 0, 0]); // width3 at its default 2 of [0, 10]
    expect(enc.decode(x1)).toEqual({ lr: 0.25, act: 'tanh', layers: '1' });
    // two points differing only in an inactive parameter's value encode alike
    const x3 = enc.encode({ layers: '3', lr: 0.25, width2: 64, width3: 10, act: 'tanh' });
    expect(x3).toEqual([0.25, 1, 1, 0, 1, 0, 0, 1]);
    const x2 = enc.project([0.25, 1, 1, 0, 1, 0, 1, 0]); // layers 2: width3 goes back to its fixed place
    expect(x2).toEqual([0.25, 1, 0.2, 0, 1, 0, 1, 0]);
    expect(enc.activeColumns(x2)).toEqual([true, true, false, true, true, true, true, true]);
    expect(enc.activeColumns(x1)).toEqual([true, false, false, true, true, true, true, true]);
  });

  it('draws from the space with only the active parameters', () => {
    const enc = new SpaceEncoding(space());
    const seen = new Set<string>();
    for (let i = 0; i < 30; i++) {
      const u = [0.3, 0.5, 0.5, 0.2, i / 30];
      const a = enc.fromParamUnit(u);
      seen.add(String(a.layers));
      expect(Object.keys(a).sort()).toEqual(
        [
          'act',
          'layers',
          'lr',
          ...(a.layers === '1' ? [] : ['width2']),
          ...(a.layers === '3' ? ['width3'] : []),
        ].sort(),
      );
      expect(() => validateAssignments(space(), a)).not.toThrow();
    }
    expect([...seen].sort()).toEqual(['1', '2', '3']);
  });
});

describe('precision', () => {
  it('rounds suggested doubles to that many significant digits, within the bounds', () => {
    const config = parseExperimentConfig({
      parameters: [
        { name: 'x', type: 'double', bounds: { min: 0, max: 1 }, precision: 2 },
        { name: 'lr', type: 'double', bounds: { min: 1e-5, max: 0.1 }, transformation: 'log', precision: 3 },
        { name: 'top', type: 'double', bounds: { min: 0, max: 0.999 }, precision: 1 },
      ],
      metrics: [{ name: 'f' }],
    });
    const enc = new SpaceEncoding(config);
    const a = enc.decode([0.123456, Math.log(1.23456e-4 / 1e-5) / Math.log(1e4), 0.98]);
    expect(a).toEqual({ x: 0.12, lr: 0.000123, top: 0.999 }); // 1 would leave the bounds
    const b = enc.fromParamUnit([0.98765, 0.5, 0.31]);
    expect(b.x).toBe(0.99);
    expect(b.lr).toBe(0.001); // 10^-3 exactly at the middle of the log range
    expect(b.top).toBe(0.3);
    // observations may report any value
    expect(validateAssignments(config, { x: 0.123456, lr: 0.01, top: 0.5 }).x).toBe(0.123456);
  });

  it('is only for doubles with bounds', () => {
    expect(() =>
      parseExperimentConfig({
        parameters: [{ name: 'n', type: 'int', bounds: { min: 0, max: 9 }, precision: 2 }],
        metrics: [{ name: 'f' }],
      }),
    ).toThrow(/parameters\[0\]\.precision.*only for a double/);
  });
});
