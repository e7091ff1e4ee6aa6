// tfjs-layers runs a loaded model's optimizer config through convertPythonicToTs, which camel-cases
// every string holding an underscore ('layer_3_decay' -> 'layer3Decay', and regex sources too).
// The optimizer therefore stores its config as one JSON string in which every '_' is written as
// the JSON escape \u005f: the string has no underscore to mangle, and JSON.parse restores it.

export function encodeConfigString(value: unknown): string {
  return JSON.stringify(value).replace(/_/g, '\\u005f');
}

export function decodeConfigString(text: string): unknown {
  if (typeof text !== 'string') throw new Error('GroupedOptimizer config: expected the encoded spec string');
  return JSON.parse(text);
}
