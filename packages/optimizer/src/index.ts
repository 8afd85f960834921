export { Rng } from './rng.ts';
export { dominates, nonDominatedSort, paretoFront } from './pareto.ts';
export { hypervolume, hypervolumeImprovement } from './hypervolume.ts';
export { Sobol, type SobolOptions } from './sobol.ts';
