/**
 * The original studies' headline figures (the "Reference figures" of studies/diatom/SPEC.md and studies/rotten/SPEC.md)
 * and the same figure read from a run's summary, so every report and summary.json puts the two side by side.
 *
 * - diatom: the optimizer's frontier is 85.7% of the union frontier (480 optimizer vs 4800 random trials).
 * - rotten: the optimizer is 100% of the union frontier below 250 s; 48% of its trials are feasible vs 26% of random's.
 */
import type { StudyName } from '../studies/definitions.ts';

export interface PaperFigure {
  figure: string;
  paper: number;
  measured: number;
}

interface MethodFigures {
  union_share: number;
  feasible_fraction: number;
}

export function paperComparison(
  study: StudyName,
  methods: { optimizer: MethodFigures; random: MethodFigures },
): PaperFigure[] {
  if (study === 'diatom') {
    return [
      { figure: "optimizer's share of the union frontier", paper: 0.857, measured: methods.optimizer.union_share },
    ];
  }
  return [
    {
      figure: "optimizer's share of the union frontier (feasible trials)",
      paper: 1,
      measured: methods.optimizer.union_share,
    },
    { figure: 'feasible fraction, optimizer', paper: 0.48, measured: methods.optimizer.feasible_fraction },
    { figure: 'feasible fraction, random search', paper: 0.26, measured: methods.random.feasible_fraction },
  ];
}
