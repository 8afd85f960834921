/** Reading metric values off observations, in the maximisation orientation the models use. */
import type { Metric, Observation } from './space.ts';

/** +1 for a maximised metric, -1 for a minimised one: the models see sign * value, always maximised. */
export const sign = (m: Metric): 1 | -1 => (m.objective === 'minimize' ? -1 : 1);

/** The observation's value of the named metric (undefined when it has none). */
export function valueOf(o: Observation, name: string): number | undefined {
  return o.values?.find((v) => v.name === name)?.value;
}
