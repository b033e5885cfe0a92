import { tensorToFloat32, type OnnxAttribute, type OnnxModel, type OnnxNode } from '@provenant/onnx';

/**
 * A small reference interpreter for the float32 operators the bundled models use, run straight from
 * a decoded ONNX model. It is what manifest accuracies are measured with and what tests hold
 * onnxruntime to, so it evaluates what was written to disk, not the trainer's own arrays.
 * Semantics follow the ONNX operator docs (docs/Operators.md); each node's output is rounded to
 * float32, as a float32 runtime stores it.
 */
export interface RefTensor {
  readonly dims: readonly number[];
  readonly data: Float32Array;
}

export function evaluateModel(model: OnnxModel, feeds: Readonly<Record<string, RefTensor>>): Record<string, RefTensor> {
  const values = new Map<string, RefTensor>();
  for (const init of model.graph.initializers) values.set(init.name ?? '', { dims: init.dims, data: tensorToFloat32(init) });
  for (const [name, tensor] of Object.entries(feeds)) values.set(name, tensor);
  for (const node of model.graph.nodes) {
    const inputs = node.inputs.map((name) => {
      const value = values.get(name);
      if (value === undefined) throw new Error(`${node.opType}: input ${name} is not defined`);
      return value;
    });
    values.set(node.outputs[0]!, runNode(node, inputs));
  }
  const result: Record<string, RefTensor> = {};
  for (const output of model.graph.outputs) result[output.name] = values.get(output.name)!;
  return result;
}

function attrInt(node: OnnxNode, name: string, fallback: number): number {
  return findAttr(node, name)?.i ?? fallback;
}

function attrInts(node: OnnxNode, name: string, fallback: number[]): number[] {
  return findAttr(node, name)?.ints ?? fallback;
}

function findAttr(node: OnnxNode, name: string): OnnxAttribute | undefined {
  return node.attributes.find((a) => a.name === name);
}

function runNode(node: OnnxNode, inputs: RefTensor[]): RefTensor {
  switch (node.opType) {
    case 'Relu': {
      const x = inputs[0]!;
      return { dims: x.dims, data: x.data.map((v) => (v > 0 ? v : 0)) };
    }
    case 'Flatten': {
      const x = inputs[0]!;
      const axis = attrInt(node, 'axis', 1);
      const outer = x.dims.slice(0, axis).reduce((a, b) => a * b, 1);
      return { dims: [outer, x.data.length / outer], data: x.data };
    }
    case 'Gemm':
      return gemm(node, inputs[0]!, inputs[1]!, inputs[2]);
    case 'Conv':
      return conv(node, inputs[0]!, inputs[1]!, inputs[2]);
    case 'AveragePool':
    case 'MaxPool':
      return pool(node, inputs[0]!);
    default:
      throw new Error(`reference evaluator does not implement ${node.opType}`);
  }
}

/** Y = alpha * A' B' + beta * C with C broadcast over rows (Gemm-13). */
function gemm(node: OnnxNode, a: RefTensor, b: RefTensor, c: RefTensor | undefined): RefTensor {
  if (attrInt(node, 'transA', 0) !== 0) throw new Error('Gemm transA is not implemented');
  const alpha = findAttr(node, 'alpha')?.f ?? 1;
  const beta = findAttr(node, 'beta')?.f ?? 1;
  const transB = attrInt(node, 'transB', 0) !== 0;
  const [m, k] = a.dims as [number, number];
  const n = transB ? b.dims[0]! : b.dims[1]!;
  const out = new Float32Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let sum = 0;
      for (let p = 0; p < k; p++) sum += a.data[i * k + p]! * (transB ? b.data[j * k + p]! : b.data[p * n + j]!);
      const bias = c === undefined ? 0 : c.data.length === n ? c.data[j]! : c.data[i * n + j]!;
      out[i * n + j] = alpha * sum + beta * bias;
    }
  }
  return { dims: [m, n], data: out };
}

/** 2-D convolution, group 1, dilation 1 (Conv-11). */
function conv(node: OnnxNode, x: RefTensor, w: RefTensor, b: RefTensor | undefined): RefTensor {
  const [n, cIn, h, wd] = x.dims as [number, number, number, number];
  const [cOut, , kh, kw] = w.dims as [number, number, number, number];
  const [sh, sw] = attrInts(node, 'strides', [1, 1]) as [number, number];
  const [pt, pl, pb, pr] = attrInts(node, 'pads', [0, 0, 0, 0]) as [number, number, number, number];
  const oh = Math.floor((h + pt + pb - kh) / sh) + 1;
  const ow = Math.floor((wd + pl + pr - kw) / sw) + 1;
  const out = new Float32Array(n * cOut * oh * ow);
  for (let img = 0; img < n; img++) {
    for (let co = 0; co < cOut; co++) {
      for (let y = 0; y < oh; y++) {
        for (let xo = 0; xo < ow; xo++) {
          let sum = b === undefined ? 0 : b.data[co]!;
          for (let ci = 0; ci < cIn; ci++) {
            for (let ky = 0; ky < kh; ky++) {
              const iy = y * sh + ky - pt;
              if (iy < 0 || iy >= h) continue;
              for (let kx = 0; kx < kw; kx++) {
                const ix = xo * sw + kx - pl;
                if (ix < 0 || ix >= wd) continue;
                sum += w.data[((co * cIn + ci) * kh + ky) * kw + kx]! * x.data[((img * cIn + ci) * h + iy) * wd + ix]!;
              }
            }
          }
          out[((img * cOut + co) * oh + y) * ow + xo] = sum;
        }
      }
    }
  }
  return { dims: [n, cOut, oh, ow], data: out };
}

/** AveragePool / MaxPool without padding (the bundled models use none). */
function pool(node: OnnxNode, x: RefTensor): RefTensor {
  const [n, c, h, w] = x.dims as [number, number, number, number];
  const [kh, kw] = attrInts(node, 'kernel_shape', []) as [number, number];
  const [sh, sw] = attrInts(node, 'strides', [1, 1]) as [number, number];
  if (attrInts(node, 'pads', [0, 0, 0, 0]).some((p) => p !== 0)) throw new Error('pool padding is not implemented');
  const oh = Math.floor((h - kh) / sh) + 1;
  const ow = Math.floor((w - kw) / sw) + 1;
  const isMax = node.opType === 'MaxPool';
  const out = new Float32Array(n * c * oh * ow);
  for (let plane = 0; plane < n * c; plane++) {
    for (let y = 0; y < oh; y++) {
      for (let xo = 0; xo < ow; xo++) {
        let acc = isMax ? -Infinity : 0;
        for (let ky = 0; ky < kh; ky++) {
          for (let kx = 0; kx < kw; kx++) {
            const v = x.data[(plane * h + y * sh + ky) * w + xo * sw + kx]!;
            acc = isMax ? Math.max(acc, v) : acc + v;
          }
        }
        out[(plane * oh + y) * ow + xo] = isMax ? acc : acc / (kh * kw);
      }
    }
  }
  return { dims: [n, c, oh, ow], data: out };
}
