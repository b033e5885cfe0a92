import assert from 'node:assert/strict';
import * as ort from 'onnxruntime-node';
import { checkWitness, compileOnnx, type CompiledCircuit, type QuantizationConfig } from '@provenant/prover';
import { fixedPointEvaluate } from './zk-fixed-point-reference.js';

export interface CircuitCheckReport {
  readonly circuit: CompiledCircuit;
  /** Largest |circuit output − onnxruntime output| seen, and the largest error bound claimed. */
  readonly maxAbsError: number;
  readonly maxErrorBound: number;
  readonly argmaxAgreement: number;
}

function argmaxOf(xs: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < xs.length; i++) if (xs[i]! > xs[best]!) best = i;
  return best;
}

/**
 * For each input: the witness satisfies every constraint, its output equals the independent
 * integer evaluation, and it is within the witness's error bound of onnxruntime's float32 output
 * (plus float32 slack); class agreement is returned for the caller to judge.
 */
export async function checkCircuitAgainstReferences(
  modelBytes: Uint8Array,
  config: QuantizationConfig,
  inputs: readonly Float32Array[],
  inputBits: number,
  circuit: CompiledCircuit = compileOnnx(modelBytes, config),
): Promise<CircuitCheckReport> {
  const session = await ort.InferenceSession.create(modelBytes);
  let maxAbsError = 0;
  let maxErrorBound = 0;
  let agree = 0;
  try {
    for (const [k, input] of inputs.entries()) {
      const w = circuit.witness(input, { salt: BigInt(k + 1) });
      assert.deepEqual(checkWitness(circuit.r1cs, w.values), { ok: true }, `sample ${k}: witness must satisfy the R1CS`);
      const ref = fixedPointEvaluate(modelBytes, input, { scaleBits: config.scaleBits, bitWidth: config.bitWidth, inputBits });
      assert.equal(ref.scale, circuit.outputScale);
      assert.deepEqual(w.quantizedOutput, ref.data, `sample ${k}: circuit output equals the integer reference`);
      const feeds = { [session.inputNames[0]!]: new ort.Tensor('float32', input, circuit.inputShape as number[]) };
      const result = await session.run(feeds);
      const data = result[session.outputNames[0]!]!.data;
      if (data instanceof BigInt64Array) {
        agree += Number(data[0]) === Number(w.quantizedOutput[0]) ? 1 : 0;
        continue;
      }
      const float = data as Float32Array;
      assert.equal(float.length, w.output.length);
      for (let i = 0; i < float.length; i++) {
        const diff = Math.abs(float[i]! - w.output[i]!);
        maxAbsError = Math.max(maxAbsError, diff);
        // float32 evaluation in onnxruntime is itself off the exact real result by a relative ~1e-6.
        assert.ok(diff <= w.errorBound + 1e-4 * (1 + Math.abs(float[i]!)), `sample ${k} output ${i}: |${float[i]} - ${w.output[i]}| > bound ${w.errorBound}`);
      }
      maxErrorBound = Math.max(maxErrorBound, w.errorBound);
      agree += argmaxOf(float) === argmaxOf(w.output) ? 1 : 0;
    }
  } finally {
    await session.release();
  }
  return { circuit, maxAbsError, maxErrorBound, argmaxAgreement: agree / inputs.length };
}
