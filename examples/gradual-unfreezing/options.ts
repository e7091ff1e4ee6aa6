// The command line of the gradual-unfreezing example (node:util parseArgs), and what each run size means.
import { parseArgs } from 'node:util';
import { backendName, integer, number } from '../command-line.js';
import type { BackendName } from '../vit-finetune/backend.js';
import type { PretrainOptions } from '../mobilenet-finetune/pretrain.js';

export interface GradualUnfreezingOptions extends PretrainOptions {
  backend: BackendName;
  /** Passes over the fine-tuning images, in each of the three fine-tunings. */
  epochs: number;
  /** The gradual run unfreezes one more layer group every this many epochs. */
  every: number;
  finetunePerDigit: number;
  finetuneBatchSize: number;
  /** The fine-tunings' learning rate (constant: the unfreezing is the only thing that changes during a run). */
  lr: number;
  out: string;
}

/**
 * The full run: 10 epochs, so that the gradual run spends 6 epochs unfreezing (head, blocks 5..1,
 * stem) and 4 with everything trainable. The pre-training is the MobileNet example's (same steps,
 * images, rate and seed: the same pre-trained model); fewer test images keep the 33 evaluations short.
 */
const FULL = { pretrainSteps: 120, epochs: 10, testPerDigit: 50 };
/** A smoke run for tests: 7 epochs, the last one the first with everything trainable. */
const QUICK = { pretrainSteps: 60, epochs: 7, testPerDigit: 40 };

export const USAGE = `Pre-trains a small MobileNet v1 on digits 0–4, then fine-tunes it with a new head on 100 images of
digits 5–9 three times from the same weights: all layers at once, gradual unfreezing (the head first,
one more block every --every epochs, as fastai's ULMFiT), and the head only (everything below it frozen).

usage: npm run example:unfreeze -- [options]   (or: node dist/examples/gradual-unfreezing/main.js [options])

  --backend cpu|wasm|webgpu   tfjs backend (default cpu; wasm has no Conv2DBackpropFilter kernel, so it cannot train convolutions)
  --quick                     a short run (${QUICK.pretrainSteps} pre-training steps, ${QUICK.epochs} epochs), for tests
  --pretrain-steps N          pre-training steps on digits 0–4 (default ${FULL.pretrainSteps})
  --epochs N                  epochs of each fine-tuning (default ${FULL.epochs})
  --every K                   the gradual run unfreezes one more layer group every K epochs (default 1)
  --lr LR                     learning rate of the fine-tunings, constant (default 2e-3)
  --seed N                    seed of the weights and the data order (default 42)
  --out DIR                   where results.json and unfreezing.svg go (default examples/gradual-unfreezing/out)
  --help
`;

export function parseOptions(argv: readonly string[]): GradualUnfreezingOptions | 'help' {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      backend: { type: 'string', default: 'cpu' },
      quick: { type: 'boolean', default: false },
      'pretrain-steps': { type: 'string' },
      epochs: { type: 'string' },
      every: { type: 'string', default: '1' },
      lr: { type: 'string', default: '2e-3' },
      seed: { type: 'string', default: '42' },
      out: { type: 'string', default: 'examples/gradual-unfreezing/out' },
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
    epochs: integer(values.epochs ?? size.epochs, '--epochs'),
    every: integer(values.every, '--every'),
    batchSize: 16,
    pretrainPerDigit: 600,
    finetunePerDigit: 20,
    finetuneBatchSize: 20,
    testPerDigit: size.testPerDigit,
    pretrainLr: 5e-3,
    lr: number(values.lr, '--lr', (x) => x > 0),
    weightDecay: 0.05,
    seed: integer(values.seed, '--seed', 0),
    out: values.out,
    quick: values.quick,
  };
}
