// arch 'auto': the first architecture whose names are recognized, most specific first (a BEiT also
// looks like a ViT), the transformers' names before the Keras CNNs' layer names. Without a match, a
// model with a graph falls back to 'sequential'.
import type { ArchContext, Resolver } from './resolver.js';
import { beitResolver } from './beit.js';
import { vitResolver } from './vit.js';
import { swinResolver } from './swin.js';
import { convnextResolver } from './convnext.js';
import { bertResolver } from './bert.js';
import { mobilenetV1Resolver } from './mobilenet-v1.js';
import { mobilenetV2Resolver } from './mobilenet-v2.js';
import { resnetResolver } from './resnet.js';
import { efficientnetResolver } from './efficientnet.js';
import { sequentialResolver } from './sequential.js';

export const RESOLVERS: Readonly<Record<Resolver['arch'], Resolver>> = {
  vit: vitResolver,
  beit: beitResolver,
  bert: bertResolver,
  convnext: convnextResolver,
  swin: swinResolver,
  mobilenetv1: mobilenetV1Resolver,
  mobilenetv2: mobilenetV2Resolver,
  resnet: resnetResolver,
  efficientnet: efficientnetResolver,
  sequential: sequentialResolver,
};

const DETECTION_ORDER: readonly Resolver[] = [
  beitResolver, vitResolver, swinResolver, convnextResolver, bertResolver,
  mobilenetV1Resolver, mobilenetV2Resolver, resnetResolver, efficientnetResolver,
  sequentialResolver,
];

export interface Detection { resolver: Resolver; reason: string }

export function detectArch(context: ArchContext): Detection | null {
  for (const resolver of DETECTION_ORDER) {
    const reason = resolver.recognize(context);
    if (reason) return { resolver, reason };
  }
  return null;
}
