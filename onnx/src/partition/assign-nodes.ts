import { PLAN_END, createError, type ProofPlan } from '@provenant/protocol';
import type { GraphIndex } from './graph-index.js';

/**
 * Which nodes each plan segment runs (docs/plans.md "Partitioning rules"): segment i takes every node
 * its cut tensor depends on that no earlier segment took; the last segment takes every node left.
 * Nodes keep their original (topological) order inside a segment. Checks of the plan against the graph
 * happen here, each with its own code.
 */
export function assignNodes(index: GraphIndex, nodeCount: number, plan: ProofPlan): number[][] {
  if (plan.some((segment) => segment.until === PLAN_END) && index.names.has(PLAN_END)) {
    throw createError('PRV_ERR_PLAN_UNSUPPORTED_GRAPH', `the graph has a tensor named ${PLAN_END}, so the keyword is ambiguous`);
  }
  const owner = new Int32Array(nodeCount).fill(-1);
  const segments: number[][] = [];
  plan.forEach((segment, position) => {
    const last = position === plan.length - 1;
    const where = `segment ${position} (until ${segment.until})`;
    const mine: number[] = [];
    if (segment.until !== PLAN_END && !index.names.has(segment.until)) throw createError('PRV_ERR_PLAN_UNKNOWN_TENSOR', where);
    if (last) {
      if (segment.until !== PLAN_END && !index.outputs.includes(segment.until)) {
        throw createError('PRV_ERR_PLAN_LAST_NOT_OUTPUT', `${where}: graph outputs are ${index.outputs.join(', ')} (or ${PLAN_END})`);
      }
      if (segment.until !== PLAN_END) assertNotTaken(index, owner, segment.until, where);
      for (let node = 0; node < nodeCount; node++) {
        if (owner[node] === -1) {
          owner[node] = position;
          mine.push(node);
        }
      }
    } else {
      const start = index.producer.get(segment.until);
      if (start === undefined) throw createError('PRV_ERR_PLAN_NOT_A_CUT', `${where} is a graph input or an initializer`);
      assertNotTaken(index, owner, segment.until, where);
      // Iterative walk up the producers: a deep graph must not overflow the call stack.
      const stack = [start];
      owner[start] = position;
      while (stack.length > 0) {
        const node = stack.pop()!;
        mine.push(node);
        for (const name of index.nodeInputs[node]!) {
          const parent = index.producer.get(name);
          if (parent !== undefined && owner[parent] === -1) {
            owner[parent] = position;
            stack.push(parent);
          }
        }
      }
    }
    if (mine.length === 0) throw createError('PRV_ERR_PLAN_EMPTY_SEGMENT', `${where}: earlier segments already compute everything`);
    segments.push(mine.sort((a, b) => a - b));
  });
  return segments;
}

function assertNotTaken(index: GraphIndex, owner: Int32Array, tensor: string, where: string): void {
  const node = index.producer.get(tensor)!;
  const taken = owner[node]!;
  if (taken !== -1) throw createError('PRV_ERR_PLAN_ORDER', `${where}: segment ${taken} already computes it`);
}
