// A progress bar per training run (cli-progress) with the running loss and accuracy. On a terminal
// it redraws in place; in a log (no TTY) it writes a line every few seconds instead.
import cliProgress from 'cli-progress';

export interface Progress {
  update(step: number, loss: number, accuracy: number, lr: number): void;
  stop(): void;
}

export function progressBar(label: string, total: number, enabled: boolean): Progress {
  if (!enabled) return { update() {}, stop() {} };
  const bar = new cliProgress.SingleBar({
    format: `${label.padEnd(28)} {bar} {value}/{total} steps | loss {loss} | acc {acc} | lr {lr} | {duration_formatted}`,
    barsize: 24,
    hideCursor: true,
    noTTYOutput: true,
    notTTYSchedule: 5000,
  }, cliProgress.Presets.shades_classic);
  bar.start(total, 0, { loss: '-', acc: '-', lr: '-' });
  // Per-batch numbers jump around; an exponential moving average reads better.
  let loss = NaN;
  let accuracy = NaN;
  return {
    update(step, batchLoss, batchAccuracy, lr) {
      loss = Number.isNaN(loss) ? batchLoss : 0.9 * loss + 0.1 * batchLoss;
      accuracy = Number.isNaN(accuracy) ? batchAccuracy : 0.9 * accuracy + 0.1 * batchAccuracy;
      bar.update(step, { loss: loss.toFixed(3), acc: accuracy.toFixed(3), lr: lr.toExponential(2) });
    },
    stop() {
      bar.stop();
    },
  };
}
