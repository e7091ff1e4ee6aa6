// The command line of the MobileNet example (node:util parseArgs), and what each run size means.
import { parseArgs } from 'node:util';
import { backendName, integer, number } from '../command-line.js';
import type { BackendName } from '../vit-finetune/backend.js';

export interface MobileNetOptions {
  backend: BackendName;
  pretrainSteps: number;
  finetuneSteps: number;
  batchSize: number;
  pretrainPerDigit: number;
  finetunePerDigit: number;
  testPerDigit: number;
  pretrainLr: number;
  /** Peak learning rate of the fine-tunings (the head's; block N gets it × decay ** (top − N)). */
  lr: number;
  decay: number;
  weightDecay: number;
  seed: number;
  out: string;
  quick: boolean;
}

/** The full run: under a minute on two cores with the cpu backend. */
const FULL = { pretrainSteps: 120, finetuneSteps: 50, testPerDigit: 200 };
/** A smoke run for tests. */
const QUICK = { pretrainSteps: 60, finetuneSteps: 20, testPerDigit: 50 };

export const USAGE = `Pre-trains a small MobileNet v1 on digits 0–4, then fine-tunes it on digits 5–9 with a new head,
once with one learning rate and once with block-level decay and a frozen stem.

usage: npm run example:mobilenet -- [options]   (or: node dist/examples/mobilenet-finetune/main.js [options])

  --backend cpu|wasm|webgpu   tfjs backend (default cpu; wasm has no Conv2DBackpropFilter kernel, so it cannot train convolutions)
  --quick                     a short run (${QUICK.pretrainSteps} + 2 × ${QUICK.finetuneSteps} steps), for tests
  --pretrain-steps N          pre-training steps on digits 0–4 (default ${FULL.pretrainSteps})
  --steps N                   steps of each fine-tuning on digits 5–9 (default ${FULL.finetuneSteps})
  --decay D                   block-level decay of the second fine-tuning (default 0.7)
  --lr LR                     peak learning rate of both fine-tunings (default 3e-3)
  --seed N                    seed of the weights and the data order (default 42)
  --out DIR                   where results.json goes (default examples/mobilenet-finetune/out)
  --help
`;

export function parseOptions(argv: readonly string[]): MobileNetOptions | 'help' {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      backend: { type: 'string', default: 'cpu' },
      quick: { type: 'boolean', default: false },
      'pretrain-steps': { type: 'string' },
      steps: { type: 'string' },
      decay: { type: 'string', default: '0.7' },
      lr: { type: 'string', default: '3e-3' },
      seed: { type: 'string', default: '42' },
      out: { type: 'string', default: 'examples/mobilenet-finetune/out' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) return 'help';
  const size = values.quick ? QUICK : FULL;
  const backend = backendName(values.backend);
  return {
    backend,
    pretrainSteps: integer(values['pretrain-steps'] ?? size.pretrainSteps, '--pretrain-steps'),
    finetuneSteps: integer(values.steps ?? size.finetuneSteps, '--steps'),
    batchSize: 16,
    pretrainPerDigit: 600,
    finetunePerDigit: 100,
    testPerDigit: size.testPerDigit,
    pretrainLr: 5e-3,
    lr: number(values.lr, '--lr', (x) => x > 0),
    decay: number(values.decay, '--decay', (x) => x > 0 && x < 1),
    weightDecay: 0.05,
    seed: integer(values.seed, '--seed', 0),
    out: values.out,
    quick: values.quick,
  };
}
