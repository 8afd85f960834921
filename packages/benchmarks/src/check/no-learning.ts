/**
 * The best validation accuracy a study run reaches when its training learns nothing: the reference below which an
 * accuracy gate must be able to fall (gate-rules.ts).
 *
 * A model that learned nothing predicts one class for everything (accuracy = that class's share of the validation
 * labels) or guesses (accuracy ~ Binomial(n, 1/classes) / n, and 1/classes is at most the largest class share). With
 * p = the largest class share, the best such accuracy over the trials of a run stays below p + 3 sqrt(p (1 - p) / n),
 * three binomial standard deviations above p. The diatom smoke's 39 validation series (37 classes, at most 5 of one)
 * give 0.29; rotten's 50 dev sentences about 0.77.
 */
export function noLearningAccuracy(labels: ArrayLike<number>, numClasses: number): number {
  const n = labels.length;
  if (n === 0) throw new Error('noLearningAccuracy: no validation labels');
  if (!(Number.isInteger(numClasses) && numClasses >= 2)) {
    throw new Error(`noLearningAccuracy: numClasses must be an integer >= 2, got ${numClasses}`);
  }
  const counts = new Map<number, number>();
  for (let i = 0; i < n; i++) counts.set(labels[i], (counts.get(labels[i]) ?? 0) + 1);
  if (Math.max(...counts.keys()) >= numClasses || Math.min(...counts.keys()) < 0) {
    throw new Error(`noLearningAccuracy: labels must be class ids 0..${numClasses - 1}`);
  }
  const p = Math.max(...counts.values()) / n;
  return Math.min(1, p + 3 * Math.sqrt((p * (1 - p)) / n));
}
