// arch 'auto': the first architecture whose names are recognized, most specific first (a BEiT also
// looks like a ViT). Without a match, a model with a graph falls back to 'sequential'.
import type { ArchContext, Resolver } from './resolver.js';
import { beitResolver } from './beit.js';
import { vitResolver } from './vit.js';
import { swinResolver } from './swin.js';
import { convnextResolver } from './convnext.js';
import { bertResolver } from './bert.js';
import { sequentialResolver } from './sequential.js';

export const RESOLVERS: Readonly<Record<Resolver['arch'], Resolver>> = {
  vit: vitResolver,
  beit: beitResolver,
  bert: bertResolver,
  convnext: convnextResolver,
  swin: swinResolver,
  sequential: sequentialResolver,
};

const DETECTION_ORDER: readonly Resolver[] = [beitResolver, vitResolver, swinResolver, convnextResolver, bertResolver, sequentialResolver];

export interface Detection { resolver: Resolver; reason: string }

export function detectArch(context: ArchContext): Detection | null {
  for (const resolver of DETECTION_ORDER) {
    const reason = resolver.recognize(context);
    if (reason) return { resolver, reason };
  }
  return null;
}
