// The command line of the demo (node:util parseArgs), and what each run size means.
import { parseArgs } from 'node:util';
import type { BackendName } from './backend.js';

export interface DemoOptions {
  backend: BackendName;
  /** Steps of pre-training on digits 0–4. */
  pretrainSteps: number;
  /** Steps of each fine-tuning on digits 5–9. */
  finetuneSteps: number;
  batchSize: number;
  /** Training images per digit (pre-training, fine-tuning) and held-out images per digit. */
  pretrainPerDigit: number;
  finetunePerDigit: number;
  testPerDigit: number;
  /** Peak learning rate of the pre-training (one rate for all layers). */
  pretrainLr: number;
  /** Peak learning rate of the fine-tunings (the head's; lower layers get it × their scale). */
  lr: number;
  /** Layer-wise decay of the second fine-tuning. */
  decay: number;
  weightDecay: number;
  seed: number;
  out: string;
  quick: boolean;
}

/** The full run: about two minutes on two cores with the wasm backend (see the README). */
const FULL = { pretrainSteps: 500, finetuneSteps: 150, testPerDigit: 200 };
/** A smoke run for tests: the same job, fewer steps and test images. */
const QUICK = { pretrainSteps: 60, finetuneSteps: 40, testPerDigit: 50 };

export const USAGE = `Fine-tunes a small ViT on handwritten digits twice, with one learning rate and with layer-wise decay.

usage: npm run demo -- [options]          (or: node dist/examples/vit-finetune/main.js [options])

  --backend cpu|wasm|webgpu   tfjs backend (default wasm: about 3× faster than cpu here)
  --quick                     a short run (${QUICK.pretrainSteps} + 2 × ${QUICK.finetuneSteps} steps), for tests
  --pretrain-steps N          pre-training steps on digits 0–4 (default ${FULL.pretrainSteps})
  --steps N                   steps of each fine-tuning on digits 5–9 (default ${FULL.finetuneSteps})
  --decay D                   layer-wise decay of the second fine-tuning (default 0.75)
  --lr LR                     peak learning rate of both fine-tunings (default 2e-3)
  --seed N                    seed of the weights and the data order (default 42)
  --out DIR                   where lr-schedule.svg, training.svg and results.json go (default examples/vit-finetune/out)
  --help
`;

export function parseOptions(argv: readonly string[]): DemoOptions | 'help' {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      backend: { type: 'string', default: 'wasm' },
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
  const backend = values.backend;
  if (backend !== 'cpu' && backend !== 'wasm' && backend !== 'webgpu') throw new Error(`--backend must be cpu, wasm or webgpu, got '${backend}'`);
  return {
    backend,
    pretrainSteps: integer(values['pretrain-steps'] ?? size.pretrainSteps, '--pretrain-steps'),
    finetuneSteps: integer(values.steps ?? size.finetuneSteps, '--steps'),
    batchSize: 32,
    pretrainPerDigit: 600,
    // Few labelled images for the new task: the setting where fine-tuning can wreck pre-trained features.
    finetunePerDigit: 100,
    testPerDigit: size.testPerDigit,
    pretrainLr: 2e-3,
    lr: number(values.lr, '--lr', (x) => x > 0),
    decay: number(values.decay, '--decay', (x) => x > 0 && x <= 1),
    weightDecay: 0.05,
    seed: integer(values.seed, '--seed', 0),
    out: values.out,
    quick: values.quick,
  };
}

function number(text: string | number, flag: string, ok: (x: number) => boolean): number {
  const value = Number(text);
  if (!Number.isFinite(value) || !ok(value)) throw new Error(`${flag}: invalid value '${text}'`);
  return value;
}

function integer(text: string | number, flag: string, min = 1): number {
  return number(text, flag, (x) => Number.isInteger(x) && x >= min);
}
