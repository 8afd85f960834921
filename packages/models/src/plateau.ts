/**
 * ReduceLROnPlateau with Keras semantics (mode 'min', min_delta 1e-4, cooldown 0): after each epoch, if the monitored
 * value did not improve on the best by more than minDelta for `patience` epochs, lr <- max(lr * factor, minLr),
 * provided lr > minLr; the wait counter then restarts.
 */
export interface PlateauConfig {
  factor: number;
  patience: number;
  minLr: number;
  minDelta?: number;
}

export class ReduceLrOnPlateau {
  private best = Infinity;
  private wait = 0;
  constructor(private readonly cfg: PlateauConfig) {}

  /** Returns the learning rate to use from the next epoch on. */
  step(value: number, lr: number): number {
    const minDelta = this.cfg.minDelta ?? 1e-4;
    if (value < this.best - minDelta) {
      this.best = value;
      this.wait = 0;
      return lr;
    }
    this.wait++;
    if (this.wait >= this.cfg.patience) {
      if (lr > this.cfg.minLr) {
        this.wait = 0;
        return Math.max(lr * this.cfg.factor, this.cfg.minLr);
      }
    }
    return lr;
  }
}
