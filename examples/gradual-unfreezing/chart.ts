// unfreezing.svg: three panels over the epochs, one line per fine-tuning (all layers at once,
// gradual unfreezing, head only): the training loss, the accuracy on digits 5–9 (new) and the
// accuracy kept on digits 0–4 (old, through the pre-trained head). A dashed rule marks each epoch at
// which the gradual run unfroze one more layer group, labelled with the group. A vega-lite spec,
// rendered to SVG in Node by the ViT demo's renderSvg.
import type * as vl from 'vega-lite';
import type { FineTuning } from './experiment.js';

export function unfreezingSpec(fineTunings: readonly FineTuning[], title: string): vl.TopLevelSpec {
  const values = fineTunings.flatMap((f) => f.epochs.map((e) => ({
    run: f.label,
    epoch: e.epoch,
    loss: e.loss,
    newDigits: e.newDigitsAccuracy,
    oldDigits: e.oldDigitsAccuracy,
  })));
  // Epoch 0's change is the starting state (the head alone), not an unfreezing.
  const marks = fineTunings.flatMap((f) => f.unfreezes.filter((u) => u.epoch > 0).map((u) => ({ epoch: u.epoch, label: `+ ${u.joined}` })));
  const epochs = Math.max(...values.map((v) => v.epoch));
  const x = { field: 'epoch', type: 'quantitative', title: 'epoch', scale: { domain: [0, epochs], nice: false }, axis: { tickMinStep: 1 } } as const;
  const color = { field: 'run', type: 'nominal', title: null, sort: null } as const;
  const rules = { data: { values: marks }, mark: { type: 'rule', strokeDash: [4, 3], color: 'gray' }, encoding: { x: { field: 'epoch', type: 'quantitative' } } } as const;
  const panel = (field: string, axisTitle: string, percent: boolean, extra: vl.TopLevelSpec[] = []) => ({
    width: 560,
    height: 200,
    layer: [
      rules,
      ...extra,
      {
        data: { values: values.filter((v) => (v as Record<string, unknown>)[field] !== null) },
        mark: { type: 'line', point: true, strokeWidth: 2 },
        encoding: { x, y: { field, type: 'quantitative', title: axisTitle, scale: { zero: false }, ...(percent ? { axis: { format: '.0%' } } : {}) }, color },
      },
    ],
  });
  const markLabels = { data: { values: marks }, mark: { type: 'text', angle: 270, align: 'left', baseline: 'bottom', dx: 4, dy: -3, y: 'height', color: 'gray', fontSize: 11 }, encoding: { x: { field: 'epoch', type: 'quantitative' }, text: { field: 'label' } } };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: title,
      subtitle: [
        'dashed: the gradual run unfroze one more layer group after this many epochs (its head trains from the first);',
        'at epoch 0 all three are the pre-trained model with the same new head; digits 0–4 read through the pre-trained head',
      ],
    },
    config: { legend: { labelLimit: 320, orient: 'bottom', direction: 'horizontal' } },
    vconcat: [
      panel('loss', 'training loss (mean of the epoch)', false, [markLabels as vl.TopLevelSpec]),
      panel('newDigits', 'accuracy on digits 5–9 (new)', true),
      panel('oldDigits', 'accuracy kept on digits 0–4 (old)', true),
    ],
    resolve: { scale: { color: 'shared' } },
  } as vl.TopLevelSpec;
}
