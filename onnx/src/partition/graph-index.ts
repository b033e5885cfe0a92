import { createError } from '@provenant/protocol';
import type { OnnxGraph } from '../model-types.js';

/**
 * Who produces and who reads each tensor of a graph, checked for what partitioning relies on (ONNX
 * docs/IR.md, "Graphs" and "Names Within a Graph"): single static assignment of every tensor, nodes in
 * topological order so every read is defined before it, and no subgraphs.
 */
export interface GraphIndex {
  /** Node index producing each tensor a node computes. */
  readonly producer: ReadonlyMap<string, number>;
  readonly initializers: ReadonlySet<string>;
  /** Graph inputs that are not initializers (IR < 4 lists initializers among the inputs too). */
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  /** Every tensor name the graph mentions: inputs, initializers, node inputs and outputs, graph outputs. */
  readonly names: ReadonlySet<string>;
  /** Non-empty input names of each node (an empty name is an omitted optional input). */
  readonly nodeInputs: readonly (readonly string[])[];
  readonly nodeOutputs: readonly (readonly string[])[];
}

function unsupported(detail: string): never {
  throw createError('PRV_ERR_PLAN_UNSUPPORTED_GRAPH', detail);
}

export function indexGraph(graph: OnnxGraph): GraphIndex {
  const initializers = new Set<string>();
  for (const tensor of graph.initializers) {
    if (tensor.name === undefined || tensor.name === '') unsupported('an initializer has no name');
    if (initializers.has(tensor.name)) unsupported(`initializer ${tensor.name} is defined twice`);
    initializers.add(tensor.name);
  }
  const defined = new Set<string>(initializers);
  const inputs: string[] = [];
  for (const input of graph.inputs) {
    if (initializers.has(input.name)) continue;
    if (defined.has(input.name)) unsupported(`graph input ${input.name} is defined twice`);
    defined.add(input.name);
    inputs.push(input.name);
  }
  const names = new Set<string>(defined);
  const producer = new Map<string, number>();
  const nodeInputs: string[][] = [];
  const nodeOutputs: string[][] = [];
  graph.nodes.forEach((node, index) => {
    const where = `node ${index} (${node.opType})`;
    // A subgraph may read outer-scope tensors implicitly (IR.md "Graphs": names in scope), which the
    // boundary computation below cannot see; refuse rather than cut an If/Loop/Scan body wrong.
    if (node.attributes.some((a) => a.g !== undefined || a.graphs !== undefined)) unsupported(`${where} carries a subgraph`);
    const reads = node.inputs.filter((name) => name !== '');
    for (const name of reads) {
      if (!defined.has(name)) unsupported(`${where} reads ${name} before anything defines it`);
    }
    const writes = node.outputs.filter((name) => name !== '');
    for (const name of writes) {
      if (defined.has(name)) unsupported(`${where} redefines ${name}`);
      defined.add(name);
      names.add(name);
      producer.set(name, index);
    }
    nodeInputs.push(reads);
    nodeOutputs.push(writes);
  });
  const outputs: string[] = [];
  for (const output of graph.outputs) {
    if (!producer.has(output.name)) unsupported(`graph output ${output.name} is not computed by a node`);
    if (outputs.includes(output.name)) unsupported(`graph output ${output.name} is listed twice`);
    outputs.push(output.name);
  }
  if (outputs.length === 0) unsupported('the graph has no output');
  return { producer, initializers, inputs, outputs, names, nodeInputs, nodeOutputs };
}
