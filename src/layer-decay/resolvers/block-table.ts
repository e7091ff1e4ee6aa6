// Block-level layer ids for CNNs named as in Keras applications (the names tfjs users load: a
// converted Keras model keeps its layer names), in the shape of timm's group_matcher
// (timm/models/_manipulate.py group_with_matcher, used by timm/optim/_param_groups.py
// param_groups_layer_decay):
//   the stem -> 0; each block (or, coarse, each stage) -> the next id, in order;
//   a final conv / norm after the last block (timm's MATCH_PREV_GROUP, `(r'conv_head|bn2', (99999,))`)
//   -> the last block's id; anything else ("un-matched layers (neck, head) mapped to largest ordinal")
//   -> the top.
// A conv and its BatchNormalization are one block, so they share an id (graph depth would give them
// two). Unlike timm, a name that fits no table is put at the top only when the model's graph shows it
// after the backbone (a new head, however it is named); elsewhere it is reported as unmatched.
// Each table is a function of the layer's own name (the last segment of the layer name), so a
// backbone nested in a new model, or truncated, resolves the same way.
import { weightDepths } from '../layer-graph.js';
import type { ParamInfo } from '../param-source.js';
import { archMismatch, type ArchName, type Granularity, type Resolver } from './resolver.js';
import { depthsOf, stageLayout } from './stage-layout.js';

/** Where a layer sits in the network, by its name. Stages and blocks count from 0. */
export type BlockPlace =
  | { at: 'stem' }
  | { at: 'block'; stage: number; block: number }
  /** After the last block, before the head (MobileNet v2's Conv_1, EfficientNet's top_conv, ResNet v2's post_bn): with the last block. */
  | { at: 'last' }
  /** The network's own classifier: the top. */
  | { at: 'head' };

export interface BlockTable {
  arch: ArchName;
  reference: string;
  /** The block names, for messages: e.g. 'conv_dw_N / conv_pw_N'. */
  blockNames: string;
  /** Granularities the names support: 'block' always; 'stage' and 'group' where the names number stages. */
  granularities: readonly Granularity[];
  placeOf(layer: string): BlockPlace | null;
}

export function blockTableResolver(table: BlockTable): Resolver {
  const placeOfParam = (p: ParamInfo): BlockPlace | null => {
    return p.layer === null ? null : table.placeOf(p.layer.slice(p.layer.lastIndexOf('/') + 1));
  };
  return {
    arch: table.arch,
    reference: table.reference,
    recognize({ params }) {
      return params.some((p) => placeOfParam(p)?.at === 'block') ? `Keras layer names ${table.blockNames}` : null;
    },
    plan({ params, graph, granularity }) {
      if (!table.granularities.includes(granularity)) {
        throw new Error(`arch '${table.arch}': granularity '${granularity}' needs stage numbers in the layer names, which ${table.blockNames} lack; use granularity 'block'`);
      }
      const places = new Map(params.map((p) => [p.name, placeOfParam(p)]));
      const pairs: Array<[number, number]> = [];
      for (const place of places.values()) if (place?.at === 'block') pairs.push([place.stage, place.block]);
      if (pairs.length === 0) throw archMismatch(table.arch, `no layer is named as a block (${table.blockNames})`, params);
      const stages = Math.max(...pairs.map(([s]) => s)) + 1;
      const stageDepths = depthsOf(pairs, stages);
      const layout = stageLayout(stageDepths, granularity);
      // With a graph, any layer deeper than every layer of the table is new after the backbone: the top.
      const depths = graph ? weightDepths(graph).depthOf : null;
      let backboneEnd = -1;
      if (depths) for (const p of params) if (places.get(p.name)) backboneEnd = Math.max(backboneEnd, depths.get(p.name) ?? -1);
      return {
        numLayers: layout.top,
        layerIdOf(p) {
          const place = places.get(p.name) ?? null;
          if (place === null) return (depths?.get(p.name) ?? -1) > backboneEnd && depths !== null ? 'top' : null;
          switch (place.at) {
            case 'stem': return 0;
            case 'block': return layout.blockId(place.stage, place.block);
            case 'last': return layout.top - 1;
            case 'head': return 'top';
          }
        },
        noWeightDecay: [],
        detail: `${stages === 1 ? `${stageDepths[0]} blocks, one layer per block` : layout.detail}${depths ? '; new layers after the backbone at the top' : ''}`,
      };
    },
  };
}
