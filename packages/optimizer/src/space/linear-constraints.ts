/**
 * SigOpt's linear constraints on numeric parameters: sum_i weight_i x_i >= threshold (`greater_than`) or <= threshold
 * (`less_than`), on the parameters' values. Every suggestion satisfies all of them: the initial design and random
 * draws skip points that do not, and the acquisition optimiser ranks such points last (suggest.ts).
 */
import { z } from 'zod';

export const LinearConstraintSchema = z.strictObject({
  type: z.enum(['greater_than', 'less_than']),
  threshold: z.number(),
  terms: z.array(z.strictObject({ name: z.string(), weight: z.number() })).min(1, 'needs at least 1 term'),
});
export type LinearConstraint = z.infer<typeof LinearConstraintSchema>;

/** Slack allowed on a constraint, relative to the size of its terms (decimal round trips of the values). */
const TOLERANCE = 1e-9;

export function satisfies(c: LinearConstraint, a: Record<string, number | string>): boolean {
  let sum = 0;
  let scale = Math.abs(c.threshold);
  for (const t of c.terms) {
    const v = Number(a[t.name]);
    sum += t.weight * v;
    scale += Math.abs(t.weight * v);
  }
  const slack = TOLERANCE * Math.max(1, scale);
  return c.type === 'greater_than' ? sum >= c.threshold - slack : sum <= c.threshold + slack;
}

/** Whether assignments satisfy every linear constraint of the experiment (none: true). */
export function satisfiesAll(
  constraints: readonly LinearConstraint[] | undefined,
  a: Record<string, number | string>,
): boolean {
  return constraints === undefined || constraints.every((c) => satisfies(c, a));
}
