import { describe, expect, it } from 'vitest';
import { chooseArm } from './remote-worker.ts';

const p = (observed: number, open: number, budget: number) => ({ observed, open, budget });

describe('chooseArm', () => {
  it('asks the less advanced arm that has room, counting open trials as taken', () => {
    expect(chooseArm({ optimizer: p(0, 0, 4), random: p(0, 0, 15) })).toBe('optimizer');
    expect(chooseArm({ optimizer: p(1, 1, 4), random: p(3, 0, 15) })).toBe('random'); // 2/4 against 3/15
    expect(chooseArm({ optimizer: p(1, 0, 4), random: p(3, 1, 15) })).toBe('optimizer'); // 1/4 against 4/15: 0.25 < 0.27
    expect(chooseArm({ optimizer: p(2, 0, 4), random: p(14, 0, 15) })).toBe('optimizer');
  });

  it('has no arm when every remaining trial is observed or being trained', () => {
    expect(chooseArm({ optimizer: p(3, 1, 4), random: p(13, 2, 15) })).toBeNull();
    expect(chooseArm({ optimizer: p(4, 0, 4), random: p(15, 0, 15) })).toBeNull();
    expect(chooseArm({ optimizer: p(4, 0, 4), random: p(14, 0, 15) })).toBe('random');
  });
});
