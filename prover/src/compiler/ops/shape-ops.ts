import { lcAccumulate, lcConst, lcScale } from '../../circuit/linear-combination.js';
import {
  absBig,
  assertBound,
  elementCount,
  quantizeConstant,
  unsupported,
  type CircuitTensor,
  type GraphValue,
  type Item,
  type OpContext,
} from '../circuit-tensor.js';
import { attrInt, assertKnownAttributes } from '../graph-attributes.js';
import { broadcastConst } from './linear-ops.js';

/** Flatten, Reshape and Identity only relabel elements: no constraints. */
export function reshapeLike(ctx: OpContext, inputs: readonly (GraphValue | undefined)[]): CircuitTensor {
  const x = inputs[0];
  if (x?.kind !== 'circuit') unsupported(ctx, 'the data input must be a computed tensor');
  const n = x.items.length;
  switch (ctx.node.opType) {
    case 'Identity':
      assertKnownAttributes(ctx, ctx.node, []);
      return x;
    case 'Flatten': {
      assertKnownAttributes(ctx, ctx.node, ['axis']);
      let axis = attrInt(ctx.node, 'axis', 1);
      if (axis < 0) axis += x.shape.length;
      if (axis < 0 || axis > x.shape.length) unsupported(ctx, 'axis out of range');
      const outer = elementCount(x.shape.slice(0, axis));
      return { ...x, shape: [outer, n / outer] };
    }
    default: {
      assertKnownAttributes(ctx, ctx.node, ['allowzero']);
      if (attrInt(ctx.node, 'allowzero', 0) !== 0) unsupported(ctx, 'allowzero = 1 is not supported');
      const spec = inputs[1];
      if (spec?.kind !== 'const' || spec.ints === undefined) unsupported(ctx, 'the shape must be a constant int64 tensor');
      const dims = Array.from(spec.ints, (d, i) => (d === 0n ? x.shape[i] ?? -2 : Number(d)));
      const known = dims.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
      const inferred = dims.filter((d) => d === -1).length;
      if (inferred > 1 || dims.some((d) => d < -1 || d === -2)) unsupported(ctx, 'bad target shape');
      const shape = dims.map((d) => (d === -1 ? n / known : d));
      if (elementCount(shape) !== n || !shape.every(Number.isInteger)) unsupported(ctx, 'target shape does not match the element count');
      return { ...x, shape };
    }
  }
}

/**
 * Add: tensor + constant (the constant quantized at the tensor's scale) or tensor + tensor of the
 * same shape (the lower scale multiplied up by a power of two, exactly). Free: a linear combination.
 */
export function add(ctx: OpContext, inputs: readonly (GraphValue | undefined)[]): CircuitTensor {
  assertKnownAttributes(ctx, ctx.node, []);
  const [a, b] = inputs;
  if (a === undefined || b === undefined) unsupported(ctx, 'Add needs two inputs');
  if (a.kind === 'const' && b.kind === 'const') unsupported(ctx, 'constant-only Add is not supported');
  if (a.kind === 'circuit' && b.kind === 'circuit') {
    if (a.shape.length !== b.shape.length || a.shape.some((d, i) => d !== b.shape[i])) {
      unsupported(ctx, 'Add of two computed tensors needs equal shapes (no broadcasting)');
    }
    const scale = Math.max(a.scale, b.scale);
    const fa = 1n << BigInt(scale - a.scale);
    const fb = 1n << BigInt(scale - b.scale);
    const items = a.items.map((x, i): Item => {
      const y = b.items[i]!;
      return {
        lc: lcAccumulate(lcScale(x.lc, fa), y.lc, fb),
        bound: assertBound(ctx, x.bound * fa + y.bound * fb),
        err: x.err + y.err,
      };
    });
    return { kind: 'circuit', shape: a.shape, scale, items };
  }
  const t = (a.kind === 'circuit' ? a : b) as CircuitTensor;
  const c = broadcastConst(ctx, (a.kind === 'const' ? a : b) as Extract<GraphValue, { kind: 'const' }>, t.shape);
  const items = t.items.map((x, i): Item => {
    const q = quantizeConstant(ctx, c[i]!, t.scale);
    return { lc: lcAccumulate(new Map(x.lc), lcConst(q)), bound: assertBound(ctx, x.bound + absBig(q)), err: x.err + 2 ** -(t.scale + 1) };
  });
  return { ...t, items };
}
