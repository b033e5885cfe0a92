import { decodeModel, tensorToFloat32, tensorToInt64, TensorDataType, type OnnxNode } from '@provenant/onnx';

/**
 * An independent integer evaluation of the fixed-point semantics docs/zk.md defines, written
 * straight from that text (plain bigint arrays, no constraint system), so the circuit's witness
 * can be held to it. Supports the ops the compiler supports, with their default attributes.
 */
export interface FixedConfig {
  readonly scaleBits: number;
  readonly bitWidth: number;
  readonly inputBits: number;
}

interface T {
  shape: number[];
  scale: number;
  data: bigint[];
}

interface C {
  shape: number[];
  data: Float32Array;
  ints?: BigInt64Array;
}

function roundAway(x: number, s: number): bigint {
  const v = Math.round(Math.abs(x) * 2 ** s); // half-up on |x| = half away from zero
  return x < 0 ? -BigInt(v) : BigInt(v);
}

function assertWidth(v: bigint, width: number, what: string): void {
  const half = 1n << BigInt(width - 1);
  if (v < -half || v >= half) throw new Error(`overflow: ${what}`);
}

function floorShift(t: T, target: number, width: number, what: string): T {
  if (t.scale <= target) return { ...t, scale: target, data: t.data.map((v) => v << BigInt(target - t.scale)) };
  const k = BigInt(t.scale - target);
  return {
    ...t,
    scale: target,
    data: t.data.map((v) => {
      const q = v >> k; // BigInt >> floors toward -infinity
      assertWidth(q, width, what);
      return q;
    }),
  };
}

const attr = (n: OnnxNode, name: string) => n.attributes.find((a) => a.name === name);

export function fixedPointEvaluate(modelBytes: Uint8Array, input: Float32Array, cfg: FixedConfig): { scale: number; data: bigint[] } {
  const model = decodeModel(modelBytes);
  const s = cfg.scaleBits;
  const B = cfg.bitWidth;
  const consts = new Map<string, C>();
  for (const t of model.graph.initializers) {
    consts.set(t.name!, t.dataType === TensorDataType.INT64 ? { shape: t.dims, data: Float32Array.from(tensorToInt64(t), Number), ints: tensorToInt64(t) } : { shape: t.dims, data: tensorToFloat32(t) });
  }
  const env = new Map<string, T>();
  const inputName = model.graph.inputs.find((i) => !consts.has(i.name))!.name;
  const inShape = model.graph.inputs.find((i) => i.name === inputName)!.type!.shape!.map((d, i) => (i === 0 && !(d.dimValue! > 0) ? 1 : d.dimValue!));
  const q = Array.from(input, (x) => roundAway(x, s));
  q.forEach((v, i) => assertWidth(v, cfg.inputBits, `input ${i}`));
  env.set(inputName, { shape: inShape, scale: s, data: q });

  const linIn = (t: T): T => (t.scale >= 2 * s ? floorShift(t, s, B, 'linear input') : t);

  for (const n of model.graph.nodes) {
    const x = env.get(n.inputs[0]!)!;
    let out: T;
    switch (n.opType) {
      case 'Gemm': {
        const a = linIn(x);
        const w = consts.get(n.inputs[1]!)!;
        const c = n.inputs[2] ? consts.get(n.inputs[2])! : undefined;
        const tB = (attr(n, 'transB')?.i ?? 0) === 1;
        const alpha = attr(n, 'alpha')?.f ?? 1;
        const beta = attr(n, 'beta')?.f ?? 1;
        const [m, k] = a.shape as [number, number];
        const nOut = tB ? w.shape[0]! : w.shape[1]!;
        const data: bigint[] = [];
        for (let r = 0; r < m; r++) {
          for (let j = 0; j < nOut; j++) {
            let acc = 0n;
            for (let i = 0; i < k; i++) acc += roundAway(alpha * w.data[tB ? j * k + i : i * nOut + j]!, s) * a.data[r * k + i]!;
            if (c !== undefined) acc += roundAway(beta * c.data[c.data.length === 1 ? 0 : c.data.length === nOut ? j : r * nOut + j]!, a.scale + s);
            data.push(acc);
          }
        }
        out = { shape: [m, nOut], scale: a.scale + s, data };
        break;
      }
      case 'MatMul': {
        const a = linIn(x);
        const w = consts.get(n.inputs[1]!)!;
        const [k, nOut] = w.shape as [number, number];
        const rows = a.data.length / k;
        const data: bigint[] = [];
        for (let r = 0; r < rows; r++) for (let j = 0; j < nOut; j++) {
          let acc = 0n;
          for (let i = 0; i < k; i++) acc += roundAway(w.data[i * nOut + j]!, s) * a.data[r * k + i]!;
          data.push(acc);
        }
        out = { shape: [...a.shape.slice(0, -1), nOut], scale: a.scale + s, data };
        break;
      }
      case 'Conv': {
        const a = linIn(x);
        const w = consts.get(n.inputs[1]!)!;
        const b = n.inputs[2] ? consts.get(n.inputs[2])! : undefined;
        const [nb, cin, h, wd] = a.shape as [number, number, number, number];
        const [cout, , kh, kw] = w.shape as [number, number, number, number];
        const [st0, st1] = attr(n, 'strides')?.ints ?? [1, 1];
        const [pt, pl, pb, pr] = attr(n, 'pads')?.ints ?? [0, 0, 0, 0];
        const oh = Math.floor((h + pt! + pb! - kh) / st0!) + 1;
        const ow = Math.floor((wd + pl! + pr! - kw) / st1!) + 1;
        const data: bigint[] = [];
        for (let bi = 0; bi < nb; bi++) for (let o = 0; o < cout; o++) for (let y = 0; y < oh; y++) for (let xx = 0; xx < ow; xx++) {
          let acc = b === undefined ? 0n : roundAway(b.data[o]!, a.scale + s);
          for (let c = 0; c < cin; c++) for (let i = 0; i < kh; i++) for (let j = 0; j < kw; j++) {
            const iy = y * st0! + i - pt!;
            const ix = xx * st1! + j - pl!;
            if (iy < 0 || iy >= h || ix < 0 || ix >= wd) continue;
            acc += roundAway(w.data[((o * cin + c) * kh + i) * kw + j]!, s) * a.data[((bi * cin + c) * h + iy) * wd + ix]!;
          }
          data.push(acc);
        }
        out = { shape: [nb, cout, oh, ow], scale: a.scale + s, data };
        break;
      }
      case 'Relu': {
        const r = floorShift(x, Math.min(x.scale, s), B, 'relu');
        r.data.forEach((v) => assertWidth(v, B, 'relu'));
        out = { ...r, data: r.data.map((v) => (v > 0n ? v : 0n)) };
        break;
      }
      case 'Add': {
        const other = env.get(n.inputs[1]!);
        if (other !== undefined) {
          const sc = Math.max(x.scale, other.scale);
          out = { ...x, scale: sc, data: x.data.map((v, i) => (v << BigInt(sc - x.scale)) + (other.data[i]! << BigInt(sc - other.scale))) };
        } else {
          const c = consts.get(n.inputs[1]!)!;
          // Broadcast along trailing dimensions (the test models use [n] or [1,n] biases and scalars).
          out = { ...x, data: x.data.map((v, i) => v + roundAway(c.data[c.data.length === 1 ? 0 : i % c.data.length]!, x.scale)) };
        }
        break;
      }
      case 'Flatten':
        out = { ...x, shape: [x.shape[0]!, x.data.length / x.shape[0]!] };
        break;
      case 'Identity':
        out = x;
        break;
      case 'Reshape': {
        const spec = Array.from(consts.get(n.inputs[1]!)!.ints!, Number);
        const known = spec.filter((d) => d !== -1).reduce((p, d) => p * d, 1);
        out = { ...x, shape: spec.map((d) => (d === -1 ? x.data.length / known : d)) };
        break;
      }
      case 'AveragePool':
      case 'MaxPool': {
        const [kh, kw] = attr(n, 'kernel_shape')!.ints! as [number, number];
        const [sh, sw] = (attr(n, 'strides')?.ints ?? [1, 1]) as [number, number];
        const [nb, c, h, w] = x.shape as [number, number, number, number];
        const oh = Math.floor((h - kh) / sh) + 1;
        const ow = Math.floor((w - kw) / sw) + 1;
        const data: bigint[] = [];
        const size = kh * kw;
        const pow2 = Number.isInteger(Math.log2(size));
        for (let bi = 0; bi < nb; bi++) for (let ch = 0; ch < c; ch++) for (let y = 0; y < oh; y++) for (let xx = 0; xx < ow; xx++) {
          const win: bigint[] = [];
          for (let i = 0; i < kh; i++) for (let j = 0; j < kw; j++) win.push(x.data[((bi * c + ch) * h + y * sh + i) * w + xx * sw + j]!);
          if (n.opType === 'MaxPool') data.push(win.reduce((m, v) => (v > m ? v : m)));
          else {
            const sum = win.reduce((p, v) => p + v, 0n);
            data.push(pow2 ? sum : sum * roundAway(1 / size, s));
          }
        }
        const scale = n.opType === 'MaxPool' ? x.scale : pow2 ? x.scale + Math.log2(size) : x.scale + s;
        out = { shape: [nb, c, oh, ow], scale, data };
        break;
      }
      case 'ArgMax': {
        // Last axis of a [1, n] tensor, first index of the maximum (select_last_index = 0).
        let best = 0;
        x.data.forEach((v, i) => {
          if (v > x.data[best]!) best = i;
        });
        out = { shape: [1, 1], scale: 0, data: [BigInt(best)] };
        break;
      }
      default:
        throw new Error(`reference: ${n.opType} not implemented`);
    }
    env.set(n.outputs[0]!, out);
  }
  let result = env.get(model.graph.outputs[0]!.name)!;
  if (result.scale > s) result = floorShift(result, s, B, 'output');
  return { scale: result.scale, data: result.data };
}
