/**
 * The preset of a study run on a surrogate (`--trainer surrogate`): the named preset's budgets and design size, at the
 * archive's fidelity, with the failure rule of the study's own preset at that fidelity. So `--preset paper` on an
 * archive of the default preset's trainings runs the paper's budgets (480 vs 4800, 480 vs 1800) on the landscape
 * of default-fidelity trainings, judged by the rule scaled to that fidelity.
 */
import { PRESET_NAMES, getPreset, type Preset } from '../studies/presets.ts';
import type { Study } from '../studies/study.ts';
import { fidelityDifferences } from '../runner/collect.ts';
import type { LoadedSurrogate } from './load.ts';

export function surrogatePreset(study: Study, named: Preset, loaded: LoadedSurrogate): Preset {
  const archivePreset = loaded.archivePreset;
  const atFidelity = PRESET_NAMES.map((n) => getPreset(study, n)).find(
    (p) => fidelityDifferences(p, archivePreset).length === 0,
  );
  if (!atFidelity) {
    throw new Error(
      `archive ${loaded.archiveDir}: its fidelity matches none of ${study.name}'s presets, so no failure rule is known for it`,
    );
  }
  const d = loaded.surrogate.description;
  return {
    ...atFidelity,
    name: named.name,
    budgets: named.budgets,
    seeds: named.seeds,
    initialDesignSize: named.initialDesignSize,
    confidenceRepeats: named.confidenceRepeats,
    scope:
      `Every trial here is a surrogate evaluation, not a training: random forests fitted on ${d.trials} real ` +
      `trainings at the ${atFidelity.name} preset's fidelity (archive ${loaded.archiveDir}, journals hash ` +
      `${loaded.archiveHash}), with training noise measured on ${d.noise.groups} repeated configurations. ` +
      `It runs ${named.budgets.optimizer} optimizer vs ${named.budgets.random} random trials (` +
      (named.scope.startsWith('Budgets changed')
        ? `set with --budget, at the ${named.name} preset's ratio`
        : `the ${named.name} preset's budgets`) +
      `) on that landscape, with the ${atFidelity.name} preset's failure ` +
      `rule. It can show how the optimizer compares with random search at these budgets, repeated, on a landscape ` +
      "learned from this study's real trainings; it cannot show the accuracies or times of real trainings at " +
      "other fidelities, and where the archive is thin the landscape is the model's guess (see the validation " +
      'figures, `benchmarks:surrogate`).',
  };
}
