import { sha256 } from '@noble/hashes/sha2.js';
import { createError, parsePlan, toHex, type PlanMode, type ProofPlan } from '@provenant/protocol';
import { encodeModel } from '../encode-model.js';
import type { OnnxModel, OnnxTensorTypeProto, OnnxValueInfo } from '../model-types.js';
import { assignNodes } from './assign-nodes.js';
import { indexGraph } from './graph-index.js';
import { inferTensorTypes } from './infer-types.js';

/**
 * One segment of a partitioned model: a standalone ONNX model whose graph inputs and outputs are
 * exactly its boundary tensors (docs/plans.md). Its bytes depend only on the source model and on which
 * nodes it holds, not on its mode, so the same segment cut by two plans has the same sha256.
 */
export interface Segment {
  readonly index: number;
  readonly mode: PlanMode;
  /** The plan's `until` for this segment (PLAN_END stays PLAN_END). */
  readonly until: string;
  /** Graph inputs: original graph inputs and earlier segments' outputs this segment reads. */
  readonly inputs: readonly string[];
  /** Graph outputs: the cut, original graph outputs it computes, and what later segments read. */
  readonly outputs: readonly string[];
  /** Shares initializer data with the source model; treat as read-only. */
  readonly model: OnnxModel;
  /** encodeModel(model): this codec's canonical, deterministic bytes. */
  readonly bytes: Uint8Array;
  /** Lowercase hex SHA-256 of `bytes`: the segment's identity. */
  readonly sha256: string;
}

/**
 * Splits a model into one standalone model per plan segment. Running the segments in order, each fed
 * the original inputs and earlier segments' outputs by name, computes exactly what the whole model does.
 * Throws PRV_ERR_PLAN_* for a plan that does not fit the graph, and for a graph it cannot cut.
 */
export function partitionModel(model: OnnxModel, plan: ProofPlan): Segment[] {
  const checked = parsePlan(plan);
  const graph = model.graph;
  const index = indexGraph(graph);
  const assignment = assignNodes(index, graph.nodes.length, checked);
  const types = inferTensorTypes(graph);

  // Where each tensor is first defined: -1 for original graph inputs, else its segment. Later
  // segments' reads of it are what makes it a boundary tensor.
  const definedIn = new Map<string, number>(index.inputs.map((name) => [name, -1]));
  assignment.forEach((nodes, segment) => {
    for (const node of nodes) for (const name of index.nodeOutputs[node]!) definedIn.set(name, segment);
  });
  const reads = assignment.map((nodes) => {
    const set = new Set<string>();
    for (const node of nodes) for (const name of index.nodeInputs[node]!) if (!index.initializers.has(name)) set.add(name);
    return set;
  });
  // Boundary order is the order tensors come into existence: graph inputs, then node outputs in graph
  // order. It does not depend on Set iteration or on the plan's wording, so bytes are deterministic.
  const creationOrder = [...index.inputs, ...index.nodeOutputs.flat()];
  const graphOutputs = new Set(index.outputs);

  return assignment.map((nodes, segment) => {
    const planned = checked[segment]!;
    const own = new Set(nodes.flatMap((node) => index.nodeOutputs[node]!));
    const inputs = creationOrder.filter((name) => reads[segment]!.has(name) && !own.has(name));
    const outputs = creationOrder.filter(
      (name) =>
        definedIn.get(name) === segment &&
        (name === planned.until || graphOutputs.has(name) || reads.some((set, later) => later > segment && set.has(name))),
    );
    const usedInitializers = new Set(nodes.flatMap((node) => index.nodeInputs[node]!).filter((name) => index.initializers.has(name)));
    const boundary = new Set([...inputs, ...outputs]);
    const segmentModel: OnnxModel = {
      irVersion: model.irVersion,
      opsetImport: model.opsetImport.map((opset) => ({ ...opset })),
      graph: {
        nodes: nodes.map((node) => graph.nodes[node]!),
        initializers: graph.initializers.filter((tensor) => usedInitializers.has(tensor.name!)),
        // IR < 4 lists initializers among the graph inputs (IR.md "Graphs"); keep that for the ones used.
        inputs: [
          ...inputs.map((name) => boundaryInfo(name, types.get(name))),
          ...graph.inputs.filter((info) => usedInitializers.has(info.name)),
        ],
        outputs: outputs.map((name) => boundaryInfo(name, types.get(name))),
        valueInfo: graph.valueInfo.filter((info) => own.has(info.name) && !boundary.has(info.name)),
      },
      metadataProps: [],
    };
    if (graph.name !== undefined) segmentModel.graph.name = graph.name;
    if (model.producerName !== undefined) segmentModel.producerName = model.producerName;
    if (model.producerVersion !== undefined) segmentModel.producerVersion = model.producerVersion;
    if (model.domain !== undefined) segmentModel.domain = model.domain;
    if (model.modelVersion !== undefined) segmentModel.modelVersion = model.modelVersion;
    const bytes = encodeModel(segmentModel);
    return Object.freeze({
      index: segment,
      mode: planned.mode,
      until: planned.until,
      inputs: Object.freeze(inputs),
      outputs: Object.freeze(outputs),
      model: segmentModel,
      bytes,
      sha256: toHex(sha256(bytes)),
    });
  });
}

function boundaryInfo(name: string, type: OnnxTensorTypeProto | undefined): OnnxValueInfo {
  if (type === undefined) {
    throw createError('PRV_ERR_PLAN_UNSUPPORTED_GRAPH', `boundary tensor ${name} has no declared or inferable element type; add value_info for it`);
  }
  return { name, type: type.shape === undefined ? { elemType: type.elemType } : { elemType: type.elemType, shape: type.shape.map((dim) => ({ ...dim })) } };
}
