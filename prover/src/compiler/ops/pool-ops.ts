import { lcAccumulate, lcScale, type Lc } from '../../circuit/linear-combination.js';
import { argmax, max2 } from '../../circuit/gadgets/compare.js';
import { assertWork, bitLength, quantizeConstant, unsupported, type CircuitTensor, type GraphValue, type Item, type OpContext } from '../circuit-tensor.js';
import { attrInt, attrInts, attrString, assertKnownAttributes } from '../graph-attributes.js';

interface Window {
  readonly n: number;
  readonly c: number;
  readonly oh: number;
  readonly ow: number;
  readonly members: (ny: number, nx: number, n: number, c: number) => number[];
}

/** 2-D pooling geometry; padding, ceil_mode and dilations are refused (count_include_pad would matter). */
function poolWindows(ctx: OpContext, x: CircuitTensor, extra: readonly string[]): Window {
  assertKnownAttributes(ctx, ctx.node, ['kernel_shape', 'strides', 'pads', 'auto_pad', 'ceil_mode', ...extra]);
  if (x.shape.length !== 4) unsupported(ctx, 'only 2-D pooling on NCHW tensors is supported');
  const ks = attrInts(ctx.node, 'kernel_shape');
  if (ks?.length !== 2) unsupported(ctx, 'kernel_shape must have two entries');
  const [kh, kw] = ks as [number, number];
  const [sh, sw] = (attrInts(ctx.node, 'strides') ?? [1, 1]) as [number, number];
  if ((attrInts(ctx.node, 'pads') ?? [0, 0, 0, 0]).some((p) => p !== 0)) unsupported(ctx, 'padding is not supported');
  if ((attrString(ctx.node, 'auto_pad') ?? 'NOTSET') !== 'NOTSET' && attrString(ctx.node, 'auto_pad') !== 'VALID') unsupported(ctx, 'auto_pad is not supported');
  if (attrInt(ctx.node, 'ceil_mode', 0) !== 0) unsupported(ctx, 'ceil_mode = 1 is not supported');
  const [n, c, h, w] = x.shape as [number, number, number, number];
  if (!(kh >= 1 && kw >= 1 && sh >= 1 && sw >= 1) || kh > h || kw > w) unsupported(ctx, 'bad kernel or strides');
  const oh = Math.floor((h - kh) / sh) + 1;
  const ow = Math.floor((w - kw) / sw) + 1;
  assertWork(ctx, n * c * oh * ow, kh * kw);
  return {
    n, c, oh, ow,
    members: (y, xo, b, ch) => {
      const out: number[] = [];
      for (let i = 0; i < kh; i++) for (let j = 0; j < kw; j++) out.push(((b * c + ch) * h + y * sh + i) * w + xo * sw + j);
      return out;
    },
  };
}

function forEachWindow(win: Window, f: (members: number[]) => Item): Item[] {
  const items: Item[] = [];
  for (let b = 0; b < win.n; b++) for (let ch = 0; ch < win.c; ch++) for (let y = 0; y < win.oh; y++) for (let xo = 0; xo < win.ow; xo++) items.push(f(win.members(y, xo, b, ch)));
  return items;
}

/**
 * AveragePool: the window sum is a linear combination; dividing by a power-of-two window size
 * 2^m only relabels the scale (e + m), exactly; other sizes multiply by round(2^s / size) (scale e + s).
 */
export function averagePool(ctx: OpContext, inputs: readonly (GraphValue | undefined)[]): CircuitTensor {
  const x = inputs[0];
  if (x?.kind !== 'circuit') unsupported(ctx, 'the input must be a computed tensor');
  const win = poolWindows(ctx, x, ['count_include_pad']);
  const size = win.members(0, 0, 0, 0).length;
  const log = Math.log2(size);
  const s = ctx.config.scaleBits;
  const exact = Number.isInteger(log);
  const mult = exact ? 1n : quantizeConstant(ctx, 1 / size, s);
  const items = forEachWindow(win, (members) => {
    const lc: Lc = new Map();
    let bound = 0n;
    let err = 0;
    for (const m of members) {
      const it = x.items[m]!;
      lcAccumulate(lc, it.lc);
      bound += it.bound;
      err = Math.max(err, it.err);
    }
    if (exact) return { lc, bound, err };
    const sumReal = Number(bound) / 2 ** x.scale;
    return { lc: lcScale(lc, mult), bound: bound * mult, err: err + sumReal * 2 ** -(s + 1) };
  });
  return { kind: 'circuit', shape: [win.n, win.c, win.oh, win.ow], scale: exact ? x.scale + log : x.scale + s, items };
}

/** MaxPool by a chain of comparisons (diffBits + 3 constraints each); the Indices output is refused. */
export function maxPool(ctx: OpContext, inputs: readonly (GraphValue | undefined)[]): CircuitTensor {
  const x = inputs[0];
  if (x?.kind !== 'circuit') unsupported(ctx, 'the input must be a computed tensor');
  if (ctx.node.outputs.length > 1 && ctx.node.outputs[1] !== '') unsupported(ctx, 'the Indices output is not supported');
  const win = poolWindows(ctx, x, ['storage_order', 'dilations']);
  if ((attrInts(ctx.node, 'dilations') ?? [1, 1]).some((d) => d !== 1)) unsupported(ctx, 'dilations != 1 are not supported');
  const items = forEachWindow(win, (members) => {
    let best = x.items[members[0]!]!;
    for (let i = 1; i < members.length; i++) {
      const it = x.items[members[i]!]!;
      const diffBits = bitLength(best.bound + it.bound + 1n);
      const lc = max2(ctx.cs, it.lc, best.lc, diffBits, `window element ${i}`);
      best = { lc, bound: best.bound > it.bound ? best.bound : it.bound, err: Math.max(best.err, it.err) };
    }
    return best;
  });
  return { kind: 'circuit', shape: [win.n, win.c, win.oh, win.ow], scale: x.scale, items };
}

/** ArgMax over the last axis (or any axis of a tensor whose other dimensions are all 1): int64 indices. */
export function argMax(ctx: OpContext, inputs: readonly (GraphValue | undefined)[]): CircuitTensor {
  assertKnownAttributes(ctx, ctx.node, ['axis', 'keepdims', 'select_last_index']);
  const x = inputs[0];
  if (x?.kind !== 'circuit') unsupported(ctx, 'the input must be a computed tensor');
  if (attrInt(ctx.node, 'select_last_index', 0) !== 0) unsupported(ctx, 'select_last_index = 1 is not supported');
  let axis = attrInt(ctx.node, 'axis', 0);
  if (axis < 0) axis += x.shape.length;
  if (axis < 0 || axis >= x.shape.length) unsupported(ctx, 'axis out of range');
  const len = x.shape[axis]!;
  const inner = x.shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const outer = x.shape.slice(0, axis).reduce((a, b) => a * b, 1);
  const bound = x.items.reduce((m, it) => (it.bound > m ? it.bound : m), 0n);
  const diffBits = bitLength(2n * bound + 1n);
  const items: Item[] = [];
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const xs: Lc[] = [];
      for (let k = 0; k < len; k++) xs.push(x.items[(o * len + k) * inner + i]!.lc);
      items.push({ lc: argmax(ctx.cs, xs, diffBits, `argmax ${o * inner + i}`), bound: BigInt(len - 1), err: Number.NaN });
    }
  }
  const keep = attrInt(ctx.node, 'keepdims', 1) !== 0;
  const shape = keep ? x.shape.map((d, i) => (i === axis ? 1 : d)) : x.shape.filter((_, i) => i !== axis);
  return { kind: 'circuit', shape, scale: 0, items };
}
