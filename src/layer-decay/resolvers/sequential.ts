// Layer ids for any LayersModel: the depth of the parameter's layer in the model's graph, counting
// only layers that hold weights (dropout, activations and reshapes add no layer), over the whole
// model, frozen layers included so that freezing one never shifts the others (timm#2691). Layers on
// parallel branches at the same depth share an id; the deepest layer is the top.
import { weightDepths } from '../layer-graph.js';
import { ARCH_NAMES, type Resolver } from './resolver.js';

/** The architectures recognized by their names, which the graph fallback comes after. */
export const NAMED_ARCHS = ARCH_NAMES.filter((a) => a !== 'sequential');

export const sequentialResolver: Resolver = {
  arch: 'sequential',
  reference: "depth in the model's layer graph",
  recognize({ graph }) {
    // Said in describeGroups' header: the names fit none of the tables, so the ids are graph depths.
    return graph ? `the names fit no table of ${NAMED_ARCHS.join(', ')}: depth in the model's layer graph` : null;
  },
  plan({ graph }) {
    if (!graph) {
      throw new Error("arch 'sequential' needs the model's layer graph: pass the LayersModel (or its model.json), not a list or map of variables");
    }
    const { depthOf, maxDepth } = weightDepths(graph);
    if (maxDepth < 0) throw new Error("arch 'sequential': no layer of the model holds weights");
    return {
      numLayers: maxDepth,
      layerIdOf: (p) => depthOf.get(p.name) ?? null,
      noWeightDecay: [],
      detail: `${maxDepth + 1} layers with weights on the longest path`,
    };
  },
};
