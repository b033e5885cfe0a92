import { lcAccumulate, lcConst, type Lc } from '../../circuit/linear-combination.js';
import {
  absBig,
  assertBound,
  assertWork,
  itemMagnitude,
  quantizeConstant,
  unsupported,
  type CircuitTensor,
  type ConstTensor,
  type GraphValue,
  type Item,
  type OpContext,
} from '../circuit-tensor.js';
import { attrFloat, attrInt, attrInts, attrString, assertKnownAttributes } from '../graph-attributes.js';
import { toScale } from './rescale-ops.js';

/**
 * Linear layers with constant weights: each output is sum(w_q · x) + b_q, a linear combination, so
 * a dense layer costs no constraints at all (REFERENCE.md "R1CS costs"). Weights are quantized at s,
 * so outputs are at scale e + s; an input already at scale >= 2s is first rescaled to s, which
 * keeps scales from growing without bound through chains of linear layers.
 */
interface Term {
  readonly item: Item;
  readonly w: bigint;
}

function prepareInput(ctx: OpContext, x: CircuitTensor): CircuitTensor {
  const s = ctx.config.scaleBits;
  return x.scale >= 2 * s ? toScale(ctx, x, s) : x;
}

function dot(ctx: OpContext, terms: readonly Term[], biasReal: number | undefined, inScale: number): Item {
  const s = ctx.config.scaleBits;
  const outScale = inScale + s;
  const lc: Lc = new Map();
  let bound = 0n;
  let err = 0;
  let absX = 0;
  for (const { item, w } of terms) {
    if (w === 0n) continue;
    lcAccumulate(lc, item.lc, w);
    bound += absBig(w) * item.bound;
    err += (Math.abs(Number(w)) / 2 ** s) * item.err;
    absX += itemMagnitude(ctx.cs, item, inScale) + item.err;
  }
  err += 2 ** -(s + 1) * absX; // each weight is off by at most half a unit at scale s
  if (biasReal !== undefined) {
    const b = quantizeConstant(ctx, biasReal, outScale);
    lcAccumulate(lc, lcConst(b));
    bound += absBig(b);
    err += 2 ** -(outScale + 1);
  }
  return { lc, bound: assertBound(ctx, bound), err };
}

function asCircuit(ctx: OpContext, v: GraphValue | undefined, what: string): CircuitTensor {
  if (v?.kind !== 'circuit') unsupported(ctx, `${what} must be a computed tensor (a constant-only subgraph is not supported)`);
  return v;
}

function asConst(ctx: OpContext, v: GraphValue | undefined, what: string): ConstTensor {
  if (v?.kind !== 'const') unsupported(ctx, `${what} must be a constant initializer`);
  return v;
}

/** Numpy-style broadcast of a constant to `shape` (ONNX broadcasting, docs/Broadcasting.md). */
export function broadcastConst(ctx: OpContext, c: ConstTensor, shape: readonly number[]): Float32Array {
  if (c.shape.length > shape.length) unsupported(ctx, 'constant has higher rank than the tensor');
  const pad = shape.length - c.shape.length;
  const dims = [...new Array<number>(pad).fill(1), ...c.shape];
  dims.forEach((d, i) => {
    if (d !== 1 && d !== shape[i]) unsupported(ctx, `constant of shape [${c.shape.join(',')}] does not broadcast to [${shape.join(',')}]`);
  });
  const n = shape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let rem = i;
    let src = 0;
    let stride = 1;
    for (let ax = shape.length - 1; ax >= 0; ax--) {
      const idx = rem % shape[ax]!;
      rem = Math.floor(rem / shape[ax]!);
      if (dims[ax] !== 1) src += idx * stride;
      stride *= dims[ax]!;
    }
    out[i] = c.data[src]!;
  }
  return out;
}

export function gemm(ctx: OpContext, inputs: readonly (GraphValue | undefined)[]): CircuitTensor {
  assertKnownAttributes(ctx, ctx.node, ['alpha', 'beta', 'transA', 'transB']);
  if (attrInt(ctx.node, 'transA', 0) !== 0) unsupported(ctx, 'transA = 1 is not supported');
  const transB = attrInt(ctx.node, 'transB', 0) !== 0;
  const alpha = attrFloat(ctx.node, 'alpha', 1);
  const beta = attrFloat(ctx.node, 'beta', 1);
  const a = prepareInput(ctx, asCircuit(ctx, inputs[0], 'A'));
  const b = asConst(ctx, inputs[1], 'B');
  if (a.shape.length !== 2 || b.shape.length !== 2) unsupported(ctx, 'Gemm needs 2-D A and B');
  const [m, k] = a.shape as [number, number];
  const n = transB ? b.shape[0]! : b.shape[1]!;
  if ((transB ? b.shape[1] : b.shape[0]) !== k) unsupported(ctx, 'A and B shapes do not match');
  const c = inputs[2] === undefined ? undefined : broadcastConst(ctx, asConst(ctx, inputs[2], 'C'), [m, n]);
  assertWork(ctx, m * n, k);
  const s = ctx.config.scaleBits;
  const wq: bigint[] = new Array<bigint>(k * n);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < n; j++) wq[i * n + j] = quantizeConstant(ctx, alpha * b.data[transB ? j * k + i : i * n + j]!, s);
  }
  const items: Item[] = [];
  for (let r = 0; r < m; r++) {
    for (let j = 0; j < n; j++) {
      const terms: Term[] = [];
      for (let i = 0; i < k; i++) terms.push({ item: a.items[r * k + i]!, w: wq[i * n + j]! });
      items.push(dot(ctx, terms, c === undefined ? undefined : beta * c[r * n + j]!, a.scale));
    }
  }
  return { kind: 'circuit', shape: [m, n], scale: a.scale + s, items };
}

export function matMul(ctx: OpContext, inputs: readonly (GraphValue | undefined)[]): CircuitTensor {
  assertKnownAttributes(ctx, ctx.node, []);
  const a = prepareInput(ctx, asCircuit(ctx, inputs[0], 'A (MatMul with a constant left operand is not supported)'));
  const b = asConst(ctx, inputs[1], 'B');
  if (b.shape.length !== 2 || a.shape.length < 1) unsupported(ctx, 'MatMul needs a constant 2-D right operand');
  const [k, n] = b.shape as [number, number];
  if (a.shape[a.shape.length - 1] !== k) unsupported(ctx, 'inner dimensions do not match');
  const rows = a.items.length / k;
  assertWork(ctx, rows * n, k);
  const s = ctx.config.scaleBits;
  const wq = Array.from(b.data, (w) => quantizeConstant(ctx, w, s));
  const items: Item[] = [];
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < n; j++) {
      const terms: Term[] = [];
      for (let i = 0; i < k; i++) terms.push({ item: a.items[r * k + i]!, w: wq[i * n + j]! });
      items.push(dot(ctx, terms, undefined, a.scale));
    }
  }
  const shape = a.shape.length === 1 ? [n] : [...a.shape.slice(0, -1), n];
  return { kind: 'circuit', shape, scale: a.scale + s, items };
}

export function conv(ctx: OpContext, inputs: readonly (GraphValue | undefined)[]): CircuitTensor {
  assertKnownAttributes(ctx, ctx.node, ['kernel_shape', 'strides', 'pads', 'dilations', 'group', 'auto_pad']);
  const autoPad = attrString(ctx.node, 'auto_pad') ?? 'NOTSET';
  if (autoPad !== 'NOTSET' && autoPad !== 'VALID') unsupported(ctx, `auto_pad ${autoPad} is not supported`);
  if (attrInt(ctx.node, 'group', 1) !== 1) unsupported(ctx, 'group != 1 is not supported');
  const x = prepareInput(ctx, asCircuit(ctx, inputs[0], 'X'));
  const w = asConst(ctx, inputs[1], 'W');
  const bias = inputs[2] === undefined ? undefined : asConst(ctx, inputs[2], 'B');
  if (x.shape.length !== 4 || w.shape.length !== 4) unsupported(ctx, 'only 2-D convolution (4-D X and W) is supported');
  const [nb, cin, h, wd] = x.shape as [number, number, number, number];
  const [cout, wc, kh, kw] = w.shape as [number, number, number, number];
  if (wc !== cin) unsupported(ctx, 'W channels do not match X');
  if (bias !== undefined && (bias.shape.length !== 1 || bias.shape[0] !== cout)) unsupported(ctx, 'B must have one value per output channel');
  const ks = attrInts(ctx.node, 'kernel_shape');
  if (ks !== undefined && (ks[0] !== kh || ks[1] !== kw)) unsupported(ctx, 'kernel_shape disagrees with W');
  const dil = attrInts(ctx.node, 'dilations') ?? [1, 1];
  if (dil.some((d) => d !== 1)) unsupported(ctx, 'dilations != 1 are not supported');
  const [sh, sw] = (attrInts(ctx.node, 'strides') ?? [1, 1]) as [number, number];
  const [pt, pl, pb, pr] = (autoPad === 'VALID' ? undefined : attrInts(ctx.node, 'pads')) ?? [0, 0, 0, 0];
  if (!(sh >= 1 && sw >= 1) || [pt, pl, pb, pr].some((p) => p === undefined || p < 0)) unsupported(ctx, 'bad strides or pads');
  const oh = Math.floor((h + pt! + pb! - kh) / sh) + 1;
  const ow = Math.floor((wd + pl! + pr! - kw) / sw) + 1;
  if (oh < 1 || ow < 1) unsupported(ctx, 'kernel larger than the padded input');
  assertWork(ctx, nb * cout * oh * ow, cin * kh * kw);
  const s = ctx.config.scaleBits;
  const wq = Array.from(w.data, (v) => quantizeConstant(ctx, v, s));
  const items: Item[] = [];
  for (let n = 0; n < nb; n++) {
    for (let o = 0; o < cout; o++) {
      for (let y = 0; y < oh; y++) {
        for (let xo = 0; xo < ow; xo++) {
          const terms: Term[] = [];
          for (let c = 0; c < cin; c++) {
            for (let i = 0; i < kh; i++) {
              const iy = y * sh + i - pt!;
              if (iy < 0 || iy >= h) continue;
              for (let j = 0; j < kw; j++) {
                const ix = xo * sw + j - pl!;
                if (ix < 0 || ix >= wd) continue;
                terms.push({ item: x.items[((n * cin + c) * h + iy) * wd + ix]!, w: wq[((o * cin + c) * kh + i) * kw + j]! });
              }
            }
          }
          items.push(dot(ctx, terms, bias?.data[o], x.scale));
        }
      }
    }
  }
  return { kind: 'circuit', shape: [nb, cout, oh, ow], scale: x.scale + s, items };
}
