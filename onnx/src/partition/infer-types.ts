import { AttributeType, TensorDataType, type OnnxDim, type OnnxGraph, type OnnxNode, type OnnxTensorTypeProto } from '../model-types.js';
import { tensorToInt64 } from '../tensor-data.js';
import { broadcastShapes, convOutputDim, dimProduct, reshapeTarget, type Shape } from './shape-arithmetic.js';

/**
 * Element type and shape of every tensor a graph mentions, so each boundary tensor can be declared on
 * the segments on both sides of it. Declared types (graph inputs, outputs, value_info, initializers) win,
 * except that a declaration without a shape takes a propagated one of the same element type; other
 * tensors get the type propagated through the ops listed in PROPAGATED_OPS with the semantics of the
 * ONNX operator spec (docs/Operators.md) at opsets 7-17. Any other op leaves its outputs unknown; a dim
 * that cannot be computed (a symbolic size through a non-trivial Reshape, ceil_mode pooling) becomes an
 * unknown dim ({}), which onnxruntime accepts as dynamic. docs/plans.md lists these rules.
 */
export const PROPAGATED_OPS: readonly string[] = Object.freeze([
  'Gemm', 'MatMul', 'Add', 'Relu', 'Flatten', 'Reshape', 'Conv', 'AveragePool', 'MaxPool', 'ArgMax', 'Identity', 'Constant',
]);

export function inferTensorTypes(graph: OnnxGraph): Map<string, OnnxTensorTypeProto> {
  const types = new Map<string, OnnxTensorTypeProto>();
  const constants = new Map<string, BigInt64Array>();
  for (const tensor of graph.initializers) {
    types.set(tensor.name!, { elemType: tensor.dataType, shape: tensor.dims.map((d) => ({ dimValue: d })) });
    if (tensor.dataType === TensorDataType.INT64) constants.set(tensor.name!, tensorToInt64(tensor));
  }
  for (const info of [...graph.inputs, ...graph.valueInfo, ...graph.outputs]) {
    if (info.type !== undefined && info.type.elemType !== TensorDataType.UNDEFINED) types.set(info.name, info.type);
  }
  for (const node of graph.nodes) {
    const inferred = inferNode(node, (name) => types.get(name), constants);
    node.outputs.forEach((name, i) => {
      const type = inferred[i];
      if (name === '' || type === undefined) return;
      const declared = types.get(name);
      // A declaration without a shape (rank unknown) gains the propagated one if the element types agree.
      if (declared === undefined || (declared.shape === undefined && declared.elemType === type.elemType)) types.set(name, type);
    });
  }
  return types;
}

type Lookup = (name: string) => OnnxTensorTypeProto | undefined;

function intAttr(node: OnnxNode, name: string, fallback: number): number {
  const found = node.attributes.find((a) => a.name === name && a.type === AttributeType.INT);
  return found?.i ?? fallback;
}
function intsAttr(node: OnnxNode, name: string): number[] | undefined {
  return node.attributes.find((a) => a.name === name && a.type === AttributeType.INTS)?.ints;
}
function stringAttr(node: OnnxNode, name: string, fallback: string): string {
  const found = node.attributes.find((a) => a.name === name && a.type === AttributeType.STRING)?.s;
  return found === undefined ? fallback : new TextDecoder().decode(found);
}
const unknownDim = (): OnnxDim => ({});

function inferNode(node: OnnxNode, lookup: Lookup, constants: Map<string, BigInt64Array>): (OnnxTensorTypeProto | undefined)[] {
  if (node.domain !== undefined && node.domain !== '' && node.domain !== 'ai.onnx') return [];
  const x = node.inputs[0] === undefined || node.inputs[0] === '' ? undefined : lookup(node.inputs[0]);
  const same = (shape: Shape | undefined): OnnxTensorTypeProto[] =>
    x === undefined ? [] : [shape === undefined ? { elemType: x.elemType } : { elemType: x.elemType, shape }];
  switch (node.opType) {
    case 'Identity':
    case 'Relu':
      return same(x?.shape);
    case 'Add': {
      const b = lookup(node.inputs[1] ?? '');
      return same(x?.shape === undefined || b?.shape === undefined ? undefined : broadcastShapes(x.shape, b.shape));
    }
    case 'Gemm': {
      const b = lookup(node.inputs[1] ?? '');
      if (x?.shape?.length !== 2 || b?.shape?.length !== 2) return same(undefined);
      const m = x.shape[intAttr(node, 'transA', 0) === 0 ? 0 : 1]!;
      const n = b.shape[intAttr(node, 'transB', 0) === 0 ? 1 : 0]!;
      return same([m, n]);
    }
    case 'MatMul':
      return same(matMulShape(x?.shape, lookup(node.inputs[1] ?? '')?.shape));
    case 'Flatten': {
      if (x?.shape === undefined) return same(undefined);
      const rank = x.shape.length;
      const raw = intAttr(node, 'axis', 1);
      const axis = raw < 0 ? raw + rank : raw;
      if (axis < 0 || axis > rank) return same(undefined);
      return same([dimProduct(x.shape.slice(0, axis)), dimProduct(x.shape.slice(axis))]);
    }
    case 'Reshape': {
      const target = constants.get(node.inputs[1] ?? '');
      if (target === undefined) return same(undefined);
      return same(reshapeTarget(x?.shape, target, intAttr(node, 'allowzero', 0) === 1));
    }
    case 'Conv':
    case 'AveragePool':
    case 'MaxPool': {
      const shape = poolingShape(node, x?.shape, node.opType === 'Conv' ? lookup(node.inputs[1] ?? '')?.shape : undefined);
      const out = same(shape);
      // MaxPool's optional second output holds flat indices of the same shape (Operators.md MaxPool).
      if (node.opType === 'MaxPool' && out.length === 1) {
        out.push(shape === undefined ? { elemType: TensorDataType.INT64 } : { elemType: TensorDataType.INT64, shape });
      }
      return out;
    }
    case 'ArgMax': {
      if (x?.shape === undefined) return [{ elemType: TensorDataType.INT64 }];
      const rank = x.shape.length;
      const raw = intAttr(node, 'axis', 0);
      const axis = raw < 0 ? raw + rank : raw;
      if (axis < 0 || axis >= rank) return [{ elemType: TensorDataType.INT64 }];
      const shape = intAttr(node, 'keepdims', 1) === 1 ? x.shape.map((d, i) => (i === axis ? { dimValue: 1 } : d)) : x.shape.filter((_, i) => i !== axis);
      return [{ elemType: TensorDataType.INT64, shape }];
    }
    case 'Constant': {
      const value = node.attributes.find((a) => a.name === 'value' && a.type === AttributeType.TENSOR)?.t;
      if (value === undefined) return [];
      if (value.dataType === TensorDataType.INT64) constants.set(node.outputs[0] ?? '', tensorToInt64(value));
      return [{ elemType: value.dataType, shape: value.dims.map((d) => ({ dimValue: d })) }];
    }
    default:
      return [];
  }
}

/** numpy.matmul shapes (Operators.md MatMul): 1-D operands are promoted, then the batch dims broadcast. */
function matMulShape(a: Shape | undefined, b: Shape | undefined): Shape | undefined {
  if (a === undefined || b === undefined || a.length === 0 || b.length === 0) return undefined;
  const left = a.length === 1 ? [{ dimValue: 1 }, a[0]!] : a;
  const right = b.length === 1 ? [b[0]!, { dimValue: 1 }] : b;
  const batch = broadcastShapes(left.slice(0, -2), right.slice(0, -2));
  const out = [...batch];
  if (a.length > 1) out.push(left[left.length - 2]!);
  if (b.length > 1) out.push(right[right.length - 1]!);
  return out;
}

/**
 * Conv and pooling output dims (Operators.md Conv/AveragePool/MaxPool): per spatial axis
 * floor((in + pad_begin + pad_end - dilation * (k - 1) - 1) / stride) + 1, or ceil(in / stride) for
 * auto_pad SAME_*. ceil_mode pooling is left unknown: onnxruntime drops a last window that would start in
 * the padding, which the formula alone does not say.
 */
function poolingShape(node: OnnxNode, x: Shape | undefined, w: Shape | undefined): Shape | undefined {
  if (x === undefined || x.length < 3) return undefined;
  const spatial = x.length - 2;
  const kernel = intsAttr(node, 'kernel_shape') ?? w?.slice(2).map((d) => d.dimValue ?? Number.NaN);
  if (kernel === undefined || kernel.length !== spatial || kernel.some((k) => !Number.isSafeInteger(k))) return undefined;
  const strides = intsAttr(node, 'strides') ?? new Array<number>(spatial).fill(1);
  const dilations = intsAttr(node, 'dilations') ?? new Array<number>(spatial).fill(1);
  const pads = intsAttr(node, 'pads') ?? new Array<number>(2 * spatial).fill(0);
  const autoPad = stringAttr(node, 'auto_pad', 'NOTSET');
  const ceil = intAttr(node, 'ceil_mode', 0) === 1;
  const channels = node.opType === 'Conv' ? (w?.[0] ?? unknownDim()) : x[1]!;
  const out: Shape = [x[0]!, channels];
  for (let i = 0; i < spatial; i++) {
    const size = x[i + 2]!.dimValue;
    if (size === undefined || ceil || strides.length !== spatial || dilations.length !== spatial || pads.length !== 2 * spatial) {
      out.push(unknownDim());
    } else {
      out.push(convOutputDim(size, kernel[i]!, strides[i]!, dilations[i]!, pads[i]!, pads[i + spatial]!, autoPad));
    }
  }
  return out;
}
