import type { OnnxModel } from '../model-types.js';
import { indexGraph } from './graph-index.js';

/**
 * Tensors a two-segment plan `[{until: t}, {until: "@end"}]` may cut at, in graph order: every tensor a
 * node computes except those whose computation already needs every node (nothing would be left for the
 * second segment). Longer plans chain such cuts; partitionModel checks their order. Quadratic in the
 * node count, meant for tools and tests, not for the request path.
 */
export function cutCandidates(model: OnnxModel): string[] {
  const index = indexGraph(model.graph);
  const nodeCount = model.graph.nodes.length;
  const candidates: string[] = [];
  index.nodeOutputs.forEach((outputs, start) => {
    const seen = new Uint8Array(nodeCount);
    const stack = [start];
    seen[start] = 1;
    let count = 0;
    while (stack.length > 0) {
      const node = stack.pop()!;
      count++;
      for (const name of index.nodeInputs[node]!) {
        const parent = index.producer.get(name);
        if (parent !== undefined && seen[parent] === 0) {
          seen[parent] = 1;
          stack.push(parent);
        }
      }
    }
    if (count < nodeCount) candidates.push(...outputs);
  });
  return candidates;
}
