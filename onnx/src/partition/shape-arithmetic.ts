import type { OnnxDim } from '../model-types.js';

/**
 * Dim arithmetic for shape propagation. A dim is fixed ({dimValue}), symbolic ({dimParam}: the same
 * name means the same size) or unknown ({}). Whatever cannot be derived exactly becomes unknown, never
 * a guess: a wrong fixed size on a segment input would make onnxruntime refuse correct tensors.
 */
export type Shape = OnnxDim[];

const unknown = (): OnnxDim => ({});

/** Multidirectional (numpy) broadcasting, docs/Broadcasting.md: align right, a 1 stretches. */
export function broadcastShapes(a: Shape, b: Shape): Shape {
  const rank = Math.max(a.length, b.length);
  const out: Shape = [];
  for (let i = 0; i < rank; i++) {
    const x = a[a.length - rank + i] ?? { dimValue: 1 };
    const y = b[b.length - rank + i] ?? { dimValue: 1 };
    out.push(broadcastDim(x, y));
  }
  return out;
}

function broadcastDim(x: OnnxDim, y: OnnxDim): OnnxDim {
  if (x.dimValue === 1) return y;
  if (y.dimValue === 1) return x;
  if (x.dimValue !== undefined && y.dimValue !== undefined) return x.dimValue === y.dimValue ? x : unknown();
  // A fixed size other than 1 is the only size the other side may have.
  if (x.dimValue !== undefined) return x;
  if (y.dimValue !== undefined) return y;
  if (x.dimParam !== undefined && x.dimParam === y.dimParam) return x;
  return unknown();
}

/** Product of dims: fixed when all are, one symbolic dim times 1 stays symbolic, else unknown. */
export function dimProduct(dims: Shape): OnnxDim {
  let fixed = 1;
  const symbolic: OnnxDim[] = [];
  for (const dim of dims) {
    if (dim.dimValue !== undefined) fixed *= dim.dimValue;
    else if (dim.dimParam !== undefined) symbolic.push(dim);
    else return unknown();
  }
  if (symbolic.length === 0) return Number.isSafeInteger(fixed) ? { dimValue: fixed } : unknown();
  return symbolic.length === 1 && fixed === 1 ? symbolic[0]! : unknown();
}

/**
 * Reshape's output for a constant target (Operators.md Reshape, opset 14): 0 copies the input dim at
 * that index unless allowzero, -1 takes what is left. The -1 is computed when the input's symbolic
 * dims are matched by copied ones (then a fixed quotient) or when exactly one symbolic dim is left over
 * with a fixed quotient of 1; otherwise it is unknown.
 */
export function reshapeTarget(input: Shape | undefined, target: BigInt64Array, allowZero: boolean): Shape | undefined {
  const out: Shape = [];
  let inferAt = -1;
  for (let i = 0; i < target.length; i++) {
    const value = target[i]!;
    if (value === -1n) {
      if (inferAt !== -1) return undefined;
      inferAt = i;
      out.push(unknown());
    } else if (value === 0n && !allowZero) {
      const copied = input?.[i];
      if (copied === undefined) return undefined;
      out.push(copied);
    } else if (value >= 0n && value <= BigInt(Number.MAX_SAFE_INTEGER)) {
      out.push({ dimValue: Number(value) });
    } else {
      return undefined;
    }
  }
  if (inferAt !== -1 && input !== undefined) out[inferAt] = remainingDim(input, out.filter((_, i) => i !== inferAt));
  return out;
}

function remainingDim(input: Shape, others: Shape): OnnxDim {
  const split = (dims: Shape): { fixed: number; symbols: string[] } | undefined => {
    let fixed = 1;
    const symbols: string[] = [];
    for (const dim of dims) {
      if (dim.dimValue !== undefined) fixed *= dim.dimValue;
      else if (dim.dimParam !== undefined) symbols.push(dim.dimParam);
      else return undefined;
    }
    return { fixed, symbols };
  };
  const whole = split(input);
  const known = split(others);
  if (whole === undefined || known === undefined || known.fixed === 0 || whole.fixed % known.fixed !== 0) return unknown();
  const left = [...whole.symbols];
  for (const symbol of known.symbols) {
    const at = left.indexOf(symbol);
    if (at === -1) return unknown();
    left.splice(at, 1);
  }
  const quotient = whole.fixed / known.fixed;
  if (left.length === 0) return { dimValue: quotient };
  return left.length === 1 && quotient === 1 ? { dimParam: left[0]! } : unknown();
}

/** One spatial output size of Conv or pooling; auto_pad SAME_* gives ceil(in / stride) (Operators.md Conv). */
export function convOutputDim(size: number, kernel: number, stride: number, dilation: number, padBegin: number, padEnd: number, autoPad: string): OnnxDim {
  if (stride <= 0 || dilation <= 0 || kernel <= 0) return unknown();
  if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') return { dimValue: Math.ceil(size / stride) };
  const [begin, end] = autoPad === 'VALID' ? [0, 0] : autoPad === 'NOTSET' ? [padBegin, padEnd] : [Number.NaN, Number.NaN];
  const span = size + begin + end - dilation * (kernel - 1) - 1;
  if (!Number.isFinite(span) || span < 0) return unknown();
  return { dimValue: Math.floor(span / stride) + 1 };
}
