import { describe, expect, it } from 'vitest';
import { noLearningAccuracy } from './no-learning.ts';

describe('noLearningAccuracy', () => {
  it('is the largest class share plus three binomial standard deviations', () => {
    // 5 of 39 labels in one class, 37 classes: p = 5/39, 3 sqrt(p (1 - p) / 39) = 0.1605
    const labels = [0, 0, 0, 0, 0, ...Array.from({ length: 34 }, (_, i) => 1 + i)];
    expect(noLearningAccuracy(labels, 37)).toBeCloseTo(5 / 39 + 3 * Math.sqrt(((5 / 39) * (34 / 39)) / 39), 12);
    // balanced binary labels: p = 1/2, n = 100: 0.5 + 3 * 0.05
    expect(
      noLearningAccuracy(
        Array.from({ length: 100 }, (_, i) => i % 2),
        2,
      ),
    ).toBeCloseTo(0.65, 12);
    // each of 10 classes twice: p = 1/10
    expect(
      noLearningAccuracy(
        Array.from({ length: 20 }, (_, i) => i % 10),
        10,
      ),
    ).toBeCloseTo(0.1 + 3 * Math.sqrt(0.09 / 20), 12);
    // one class only: capped at 1
    expect(noLearningAccuracy([1, 1, 1], 2)).toBe(1);
  });

  it('rejects empty labels and a class count below 2', () => {
    expect(() => noLearningAccuracy([], 2)).toThrow(/no validation labels/);
    expect(() => noLearningAccuracy([0], 1)).toThrow(/numClasses must be an integer >= 2, got 1/);
    expect(() => noLearningAccuracy([0, 2], 2)).toThrow(/labels must be class ids 0\.\.1/);
  });
});
