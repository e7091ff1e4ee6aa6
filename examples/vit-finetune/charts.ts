// The two charts, as vega-lite specs rendered to SVG in Node (no browser, no canvas):
//   lr-schedule.svg  the learning rate of every group of the layer-decay run, step by step, as the
//                    optimizer applied it (the `lr/<group>` keys of model.fit's batch logs)
//   training.svg     the training loss of both fine-tunings
import * as vega from 'vega';
import * as vl from 'vega-lite';
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
