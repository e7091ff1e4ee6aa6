// The command line of the demo (node:util parseArgs), and what each run size means.
import { parseArgs } from 'node:util';
import { backendName, integer, number } from '../command-line.js';
import type { EngineChoice } from '../../src/index.js';
import type { BackendName } from './backend.js';

export interface DemoOptions {
  backend: BackendName;
  /** The optimizer's update engine: 'auto' (fused where the backend has one) or 'ops' (tfjs ops). */
  engine: EngineChoice;
  /** Steps of pre-training on digits 0–4. */
  pretrainSteps: number;
  batchSize: number;
  /** Training images per digit (pre-training) and held-out images per digit. */
  pretrainPerDigit: number;
  testPerDigit: number;
  /** The fine-tuning sets of digits 5–9 (images per digit) and the steps each fine-tuning on them takes: the first is the table's. */
  finetuneSets: ReadonlyArray<{ perDigit: number; steps: number }>;
  /** Peak learning rate of the pre-training (one rate for all layers). */
  pretrainLr: number;
  /** Peak learning rate of the fine-tunings (the head's; lower layers get it × their scale). */
  lr: number;
  /** Layer-wise decay of the table's second fine-tuning. */
  decay: number;
  /** The decays of the sweep (1 = one learning rate); always holds 1 and `decay`. */
  sweepDecays: readonly number[];
  /** Fine-tunings per sweep point, each with its own head initialization and data order. */
  repeats: number;
  weightDecay: number;
  seed: number;
  out: string;
  quick: boolean;
  sweep: boolean;
}

/** The default run: about 3 minutes of one core with the wasm backend, the sweep included (see the README). */
const FULL = { pretrainSteps: 500, finetuneSteps: 150, testPerDigit: 200 };
/** A smoke run for tests: the same job, fewer steps and test images. */
const QUICK = { pretrainSteps: 60, finetuneSteps: 40, testPerDigit: 50 };
/** --sweep: each point of the sweep fine-tuned this many times (the default run: once). */
const SWEEP_REPEATS = 3;
const SWEEP_DECAYS = [1, 0.9, 0.75, 0.65, 0.5];
/**
 * 100 images per digit (500 in all) for --steps steps, and a few-shot set of 10 per digit (50) for a
 * third of them (still 32 passes over it at the default 50 steps): a shorter schedule for less data, as
 * BiT's fine-tuning rule does, and what keeps the default run near 3 minutes.
 */
const SET_SIZES = [100, 10];
const fewShotSteps = (steps: number) => Math.max(1, Math.round(steps / 3));

export const USAGE = `Fine-tunes a small ViT pre-trained on digits 0–4 to digits 5–9, with one learning rate and with
layer-wise decay: the table (decay 1 and --decay on ${5 * SET_SIZES[0]!} images), then the sweep over decays
${SWEEP_DECAYS.join(', ')} on ${5 * SET_SIZES[0]!} and ${5 * SET_SIZES[1]!} images.

usage: npm run demo -- [options]          (or: node dist/examples/vit-finetune/main.js [options])

  --sweep                     fine-tune every point of the sweep ${SWEEP_REPEATS} times (other head initializations
                              and data orders) and report the mean and range: about 3× as long
  --backend cpu|wasm|webgpu   tfjs backend (default wasm: about 3× faster than cpu here)
  --engine auto|ops|fused     the optimizer's update (default auto: fused where the backend has one)
  --quick                     a short run (${QUICK.pretrainSteps} pre-training steps, ${QUICK.finetuneSteps} and ${fewShotSteps(QUICK.finetuneSteps)} per fine-tuning), for tests
  --pretrain-steps N          pre-training steps on digits 0–4 (default ${FULL.pretrainSteps})
  --steps N                   steps of each fine-tuning on ${5 * SET_SIZES[0]!} images of digits 5–9 (default ${FULL.finetuneSteps});
                              on ${5 * SET_SIZES[1]!} images a third of them
  --decay D                   layer-wise decay of the table's second fine-tuning (default 0.75)
  --lr LR                     peak learning rate of the fine-tunings (default 2e-3)
  --seed N                    seed of the weights and the data order (default 42)
  --out DIR                   where the charts and results.json go (default examples/vit-finetune/out)
  --help
`;

export function parseOptions(argv: readonly string[]): DemoOptions | 'help' {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      sweep: { type: 'boolean', default: false },
      backend: { type: 'string', default: 'wasm' },
      engine: { type: 'string', default: 'auto' },
      quick: { type: 'boolean', default: false },
      'pretrain-steps': { type: 'string' },
      steps: { type: 'string' },
      decay: { type: 'string', default: '0.75' },
      lr: { type: 'string', default: '2e-3' },
      seed: { type: 'string', default: '42' },
      out: { type: 'string', default: 'examples/vit-finetune/out' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) return 'help';
  const size = values.quick ? QUICK : FULL;
  const backend = backendName(values.backend);
  const engine = values.engine;
  if (engine !== 'auto' && engine !== 'ops' && engine !== 'fused') throw new Error(`--engine must be auto, ops or fused, got '${engine}'`);
  const decay = number(values.decay, '--decay', (x) => x > 0 && x <= 1);
  const steps = integer(values.steps ?? size.finetuneSteps, '--steps');
  return {
    backend,
    engine,
    pretrainSteps: integer(values['pretrain-steps'] ?? size.pretrainSteps, '--pretrain-steps'),
    batchSize: 32,
    pretrainPerDigit: 600,
    testPerDigit: size.testPerDigit,
    // Few labelled images for the new task: the setting where fine-tuning can wreck pre-trained features.
    finetuneSets: [{ perDigit: SET_SIZES[0]!, steps }, { perDigit: SET_SIZES[1]!, steps: fewShotSteps(steps) }],
    pretrainLr: 2e-3,
    lr: number(values.lr, '--lr', (x) => x > 0),
    decay,
    sweepDecays: [...new Set([...SWEEP_DECAYS, decay])].sort((a, b) => b - a),
    repeats: values.sweep ? SWEEP_REPEATS : 1,
    weightDecay: 0.05,
    seed: integer(values.seed, '--seed', 0),
    out: values.out,
    quick: values.quick,
    sweep: values.sweep,
  };
}
