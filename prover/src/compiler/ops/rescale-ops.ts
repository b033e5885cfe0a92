import { lcScale } from '../../circuit/linear-combination.js';
import { rescale, rescaleRelu } from '../../circuit/gadgets/fixed-point.js';
import type { CircuitTensor, Item, OpContext } from '../circuit-tensor.js';

function quotientBound(bound: bigint, k: number, width: number): bigint {
  const cap = 1n << BigInt(width - 1);
  const q = (bound >> BigInt(k)) + 1n;
  return q < cap ? q : cap;
}

/**
 * Brings a tensor to scale `target`: down by floor division (range-checked remainder, B-bit
 * quotient), up by multiplying by a power of two (exact and free: a linear combination).
 */
export function toScale(ctx: OpContext, t: CircuitTensor, target: number): CircuitTensor {
  const B = ctx.config.bitWidth;
  if (t.scale === target) return t;
  if (t.scale < target) {
    const f = 1n << BigInt(target - t.scale);
    return { ...t, scale: target, items: t.items.map((it) => ({ lc: lcScale(it.lc, f), bound: it.bound * f, err: it.err })) };
  }
  const k = t.scale - target;
  const items = t.items.map((it, i): Item => ({
    lc: rescale(ctx.cs, it.lc, k, B, `element ${i} (floor by 2^${k})`).q,
    bound: quotientBound(it.bound, k, B),
    err: it.err + 2 ** -target, // floor loses less than one unit at the new scale
    rangeBits: B,
  }));
  return { ...t, scale: target, items };
}

/** Relu, fused with the rescale to s when the input is at a higher scale (one decomposition). */
export function relu(ctx: OpContext, t: CircuitTensor): CircuitTensor {
  const s = ctx.config.scaleBits;
  const B = ctx.config.bitWidth;
  const k = t.scale > s ? t.scale - s : 0;
  const scale = t.scale - k;
  const items = t.items.map((it, i): Item => ({
    lc: rescaleRelu(ctx.cs, it.lc, k, B, `element ${i} (relu${k > 0 ? `, floor by 2^${k}` : ''})`),
    bound: quotientBound(it.bound, k, B),
    err: it.err + (k > 0 ? 2 ** -scale : 0),
    rangeBits: B,
  }));
  return { ...t, scale, items };
}
