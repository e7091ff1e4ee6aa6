// Float64 reference implementations of every update rule, written out again here from the formulas
// (PyTorch's AdamW, stock tfjs for the others), independent of src/rules. Each takes the group's
// effective learning rate (base × lrScale) and weight decay, and updates plain arrays in place.

export interface ReferenceHyper {
  [name: string]: number | boolean;
}

export interface ReferenceState {
  p: Float64Array;
  slots: Record<string, Float64Array>;
}

type Step = (s: ReferenceState, g: Float64Array, lr: number, wd: number, h: ReferenceHyper, t: number) => void;

const slot = (s: ReferenceState, name: string, init = 0) => {
  if (!s.slots[name]) s.slots[name] = new Float64Array(s.p.length).fill(init);
  return s.slots[name]!;
};

/** L2 weight decay of PyTorch's non-decoupled optimizers: the gradient gets wd * p. */
const withL2 = (s: ReferenceState, g: Float64Array, wd: number) => (wd === 0 ? g : g.map((gi, i) => gi + wd * s.p[i]!));

export const referenceRules: Record<string, Step> = {
  sgd(s, g0, lr, wd) {
    const g = withL2(s, g0, wd);
    for (let i = 0; i < g.length; i++) s.p[i]! -= lr * g[i]!;
  },
  momentum(s, g0, lr, wd, h) {
    const g = withL2(s, g0, wd);
    const acc = slot(s, 'acc');
    const mu = h.momentum as number;
    for (let i = 0; i < g.length; i++) {
      acc[i] = mu * acc[i]! + g[i]!;
      s.p[i]! -= lr * (h.useNesterov ? g[i]! + mu * acc[i]! : acc[i]!);
    }
  },
  adam(s, g0, lr, wd, h, t) {
    adamStep(s, withL2(s, g0, wd), lr, h, t);
  },
  adamw(s, g, lr, wd, h, t) {
    for (let i = 0; i < g.length; i++) s.p[i]! -= lr * wd * s.p[i]!;
    adamStep(s, g, lr, h, t);
  },
  rmsprop(s, g0, lr, wd, h) {
    const g = withL2(s, g0, wd);
    const ms = slot(s, 'ms');
    const mom = slot(s, 'mom');
    const mg = slot(s, 'mg');
    const rho = h.decay as number;
    for (let i = 0; i < g.length; i++) {
      ms[i] = rho * ms[i]! + (1 - rho) * g[i]! * g[i]!;
      let denominator: number;
      if (h.centered) {
        mg[i] = rho * mg[i]! + (1 - rho) * g[i]!;
        denominator = Math.sqrt(ms[i]! - mg[i]! * mg[i]! - (h.epsilon as number)); // stock tfjs subtracts eps
      } else {
        denominator = Math.sqrt(ms[i]! + (h.epsilon as number));
      }
      mom[i] = (h.momentum as number) * mom[i]! + (lr * g[i]!) / denominator;
      s.p[i]! -= mom[i]!;
    }
  },
  adagrad(s, g0, lr, wd, h) {
    const g = withL2(s, g0, wd);
    const acc = slot(s, 'acc', h.initialAccumulatorValue as number);
    for (let i = 0; i < g.length; i++) {
      acc[i]! += g[i]! * g[i]!;
      s.p[i]! -= (lr * g[i]!) / Math.sqrt(acc[i]! + (h.epsilon as number));
    }
  },
  adadelta(s, g0, lr, wd, h) {
    const g = withL2(s, g0, wd);
    const accGrad = slot(s, 'accGrad');
    const accUpdate = slot(s, 'accUpdate');
    const rho = h.rho as number;
    const eps = h.epsilon as number;
    for (let i = 0; i < g.length; i++) {
      // stock tfjs uses the accumulated gradient from before this step
      const update = (Math.sqrt(accUpdate[i]! + eps) / Math.sqrt(accGrad[i]! + eps)) * g[i]!;
      accGrad[i] = rho * accGrad[i]! + (1 - rho) * g[i]! * g[i]!;
      accUpdate[i] = rho * accUpdate[i]! + (1 - rho) * update * update;
      s.p[i]! -= lr * update;
    }
  },
  adamax(s, g0, lr, wd, h, t) {
    const g = withL2(s, g0, wd);
    const m = slot(s, 'm');
    const u = slot(s, 'u');
    const b1 = h.beta1 as number;
    const rate = lr / (1 + (t - 1) * (h.decay as number)) / (1 - b1 ** t);
    for (let i = 0; i < g.length; i++) {
      m[i] = b1 * m[i]! + (1 - b1) * g[i]!;
      u[i] = Math.max((h.beta2 as number) * u[i]!, Math.abs(g[i]!));
      s.p[i]! -= (rate * m[i]!) / (u[i]! + (h.epsilon as number));
    }
  },
};

function adamStep(s: ReferenceState, g: Float64Array, lr: number, h: ReferenceHyper, t: number) {
  const m = slot(s, 'm');
  const v = slot(s, 'v');
  const b1 = h.beta1 as number;
  const b2 = h.beta2 as number;
  for (let i = 0; i < g.length; i++) {
    m[i] = b1 * m[i]! + (1 - b1) * g[i]!;
    v[i] = b2 * v[i]! + (1 - b2) * g[i]! * g[i]!;
    const mHat = m[i]! / (1 - b1 ** t);
    const vHat = v[i]! / (1 - b2 ** t);
    s.p[i]! -= (lr * mHat) / (Math.sqrt(vHat) + (h.epsilon as number));
  }
}
