import assert from 'node:assert/strict';
import type { OnnxModel, OnnxValueInfo, Segment } from '@provenant/onnx';

export type { Segment };

export function indexOfOutputs(segment: Segment): Map<string, OnnxValueInfo> {
  return new Map([...segment.model.graph.inputs, ...segment.model.graph.outputs].map((info) => [info.name, info]));
}

/**
 * Checks, from the segments' own graphs, the partitioning rules of docs/plans.md: every source node in
 * exactly one segment and in source order, each segment's initializers exactly the ones its nodes read,
 * its inputs exactly what its nodes read from outside it, its outputs exactly its cut, the source graph
 * outputs it computes and what later segments read, and a typed declaration for every boundary tensor.
 */
export function assertExactBoundaries(source: OnnxModel, segments: readonly Segment[]): void {
  const sourceInitializers = new Set(source.graph.initializers.map((t) => t.name!));
  const sourceOutputs = new Set(source.graph.outputs.map((o) => o.name));
  const placed = segments.flatMap((s) => s.model.graph.nodes);
  assert.equal(placed.length, source.graph.nodes.length, 'every node placed once');
  assert.deepEqual(new Set(placed), new Set(source.graph.nodes), 'the segments hold exactly the source nodes');
  const reads = segments.map((s) => new Set(s.model.graph.nodes.flatMap((n) => n.inputs).filter((name) => name !== '')));
  segments.forEach((segment, i) => {
    const g = segment.model.graph;
    const order = g.nodes.map((n) => source.graph.nodes.indexOf(n));
    assert.deepEqual(order, [...order].sort((a, b) => a - b), `segment ${i} keeps source order`);
    const produced = new Set(g.nodes.flatMap((n) => n.outputs).filter((name) => name !== ''));
    const initializers = new Set(g.initializers.map((t) => t.name!));
    assert.deepEqual(initializers, new Set([...reads[i]!].filter((name) => sourceInitializers.has(name))), `segment ${i} initializers`);
    const external = [...reads[i]!].filter((name) => !produced.has(name) && !sourceInitializers.has(name));
    assert.deepEqual(new Set(segment.inputs), new Set(external), `segment ${i} inputs are what it reads from outside`);
    const needed = [...produced].filter(
      (name) => name === segment.until || sourceOutputs.has(name) || reads.some((set, j) => j > i && set.has(name)),
    );
    assert.deepEqual(new Set(segment.outputs), new Set(needed), `segment ${i} outputs`);
    assert.deepEqual(g.inputs.map((v) => v.name).filter((name) => !initializers.has(name)), [...segment.inputs], `segment ${i} graph inputs`);
    assert.deepEqual(g.outputs.map((v) => v.name), [...segment.outputs], `segment ${i} graph outputs`);
    for (const info of [...g.inputs, ...g.outputs]) assert.ok((info.type?.elemType ?? 0) > 0, `${info.name} declares its element type`);
  });
}
