// The three charts, as vega-lite specs rendered to SVG in Node (no browser, no canvas):
//   lr-schedule.svg  the learning rate of every group of the layer-decay run, step by step, as the
//                    optimizer applied it (the `lr/<group>` keys of model.fit's batch logs)
//   training.svg     the training loss of the table's two fine-tunings
//   decay-sweep.svg  accuracy on the new digits against accuracy kept on the old ones, one curve per
//                    fine-tuning set size, one point per decay
import * as vega from 'vega';
import * as vl from 'vega-lite';
import type { SweepSummary } from './report.js';
import type { StepRecord } from './train.js';

export interface GroupInfo {
  name: string;
  lrScale: number;
  /** Layer ids as text ('3', '0-5'). */
  layers: string;
  weightDecay: number | null;
}

export async function renderSvg(spec: vl.TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(vl.compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** One line per group (the `detail` channel keeps groups with equal rates apart): color by layer, dashes for no weight decay. */
export function lrScheduleSpec(records: readonly StepRecord[], groups: readonly GroupInfo[], title: string): vl.TopLevelSpec {
  const values = records.flatMap((r) => groups.map((g) => ({
    step: r.step,
    lr: r.lr[g.name],
    group: g.name,
    layer: `layer ${g.layers} (×${+g.lrScale.toPrecision(3)})`,
    weightDecay: g.weightDecay ? `weight decay ${g.weightDecay}` : 'no weight decay',
  })));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    width: 560,
    height: 300,
    data: { values },
    config: { legend: { labelLimit: 320 } },
    mark: { type: 'line', strokeWidth: 1.5 },
    encoding: {
      x: { field: 'step', type: 'quantitative', title: 'step', scale: { nice: false } },
      y: { field: 'lr', type: 'quantitative', title: 'learning rate = schedule(step) × lrScale', axis: { format: '.1e' } },
      color: { field: 'layer', type: 'nominal', title: 'layer (lrScale)', sort: null },
      strokeDash: { field: 'weightDecay', type: 'nominal', title: null },
      detail: { field: 'group', type: 'nominal' },
    },
  };
}

/** Loss per step of each run: faint raw batch losses under a smoothed line. */
export function trainingSpec(runs: ReadonlyArray<{ label: string; records: readonly StepRecord[] }>, title: string): vl.TopLevelSpec {
  const values = runs.flatMap(({ label, records }) => {
    let smooth = NaN;
    return records.map((r) => {
      smooth = Number.isNaN(smooth) ? r.loss : 0.9 * smooth + 0.1 * r.loss;
      return { step: r.step, run: label, loss: r.loss, smoothed: smooth };
    });
  });
  const x = { field: 'step', type: 'quantitative', title: 'step', scale: { nice: false } } as const;
  const color = { field: 'run', type: 'nominal', title: null, sort: null } as const;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    width: 560,
    height: 300,
    data: { values },
    config: { legend: { labelLimit: 320 } },
    layer: [
      { mark: { type: 'line', opacity: 0.25, strokeWidth: 1 }, encoding: { x, y: { field: 'loss', type: 'quantitative', title: 'training loss (cross-entropy)' }, color } },
      { mark: { type: 'line', strokeWidth: 2 }, encoding: { x, y: { field: 'smoothed', type: 'quantitative' }, color } },
    ],
  };
}

/**
 * The sweep's trade-off: x = accuracy kept on the old digits, y = accuracy on the new ones; a curve
 * per set size through its decays (each point labelled), and a rule at the pre-trained accuracy.
 */
export function sweepSpec(summary: readonly SweepSummary[], pretrainedOldAccuracy: number, title: string): vl.TopLevelSpec {
  const values = summary.map((s) => ({
    set: `${s.images} fine-tuning images`,
    decay: s.decay,
    label: s.decay === 1 ? '1 (one rate)' : `${s.decay}`,
    newDigits: s.newDigits.mean,
    oldDigits: s.oldDigits.mean,
  }));
  const percent = (field: string, title: string) => ({ field, type: 'quantitative', title, axis: { format: '.0%' }, scale: { zero: false, padding: 12 } }) as const;
  const x = percent('oldDigits', 'accuracy kept on digits 0–4 (old task, pre-trained head)');
  const y = percent('newDigits', 'accuracy on digits 5–9 (new task)');
  const color = { field: 'set', type: 'nominal', title: null, sort: null } as const;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: title,
      subtitle: [
        `one point per layer-wise decay (1 = one learning rate)${summary[0]!.repeats > 1 ? `, the mean of ${summary[0]!.repeats} fine-tunings` : ''};`,
        'up and right is better; the dashed rule: the pre-trained model on digits 0–4',
      ],
    },
    width: 560,
    height: 360,
    config: { legend: { labelLimit: 320, orient: 'bottom', direction: 'horizontal' } },
    layer: [
      { data: { values: [{ oldDigits: pretrainedOldAccuracy, label: 'pre-trained' }] }, mark: { type: 'rule', strokeDash: [4, 4], color: 'gray' }, encoding: { x: { field: 'oldDigits', type: 'quantitative' } } },
      { data: { values: [{ oldDigits: pretrainedOldAccuracy, label: 'pre-trained' }] }, mark: { type: 'text', align: 'right', baseline: 'top', dx: -4, y: 4, color: 'gray', fontSize: 11 }, encoding: { x: { field: 'oldDigits', type: 'quantitative' }, text: { field: 'label' } } },
      { data: { values }, mark: { type: 'line', point: { size: 60 }, strokeWidth: 2 }, encoding: { x, y, color, order: { field: 'decay', type: 'quantitative', sort: 'descending' } } },
      { data: { values }, mark: { type: 'text', align: 'left', dx: 7, dy: -7, fontSize: 11 }, encoding: { x, y, color, text: { field: 'label' } } },
    ],
  };
}
