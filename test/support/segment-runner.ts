import assert from 'node:assert/strict';
import * as ort from 'onnxruntime-node';
import { indexOfOutputs, type Segment } from './segment-structure.js';

/**
 * Runs partitioned segments with onnxruntime-node the way the enclave will: each segment is a session of
 * its own, fed the original inputs and earlier segments' outputs by name.
 */
export type Feeds = Record<string, ort.Tensor>;

/**
 * One intra-op thread, as the enclave runs (limits.ortThreads): many live sessions with their own
 * spinning thread pools would otherwise fight over the two cores.
 */
export const SESSION_OPTIONS: ort.InferenceSession.SessionOptions = { intraOpNumThreads: 1, interOpNumThreads: 1 };

export interface LoadedSegment {
  readonly segment: Segment;
  readonly session: ort.InferenceSession;
}

/**
 * One session per segment. A cache keyed by sha256 lets plans that share a segment share its session:
 * equal digests mean equal bytes, which is exactly the identity partitionModel promises.
 */
export async function loadSegments(segments: readonly Segment[], cache?: Map<string, Promise<ort.InferenceSession>>): Promise<LoadedSegment[]> {
  return Promise.all(
    segments.map(async (segment) => {
      let session = cache?.get(segment.sha256);
      if (session === undefined) {
        session = ort.InferenceSession.create(segment.bytes, SESSION_OPTIONS);
        cache?.set(segment.sha256, session);
      }
      return { segment, session: await session };
    }),
  );
}

export async function releaseAll(cache: Map<string, Promise<ort.InferenceSession>>): Promise<void> {
  await Promise.all([...cache.values()].map(async (session) => (await session).release()));
  cache.clear();
}

/** Every tensor the chain produced, by name, after asserting each boundary tensor's declared type fits it. */
export async function runChain(loaded: readonly LoadedSegment[], feeds: Feeds): Promise<Map<string, ort.Tensor>> {
  const env = new Map<string, ort.Tensor>(Object.entries(feeds));
  for (const { segment, session } of loaded) {
    const inputs: Feeds = {};
    for (const name of segment.inputs) {
      const tensor = env.get(name);
      assert.ok(tensor !== undefined, `segment ${segment.index} input ${name} was produced by an earlier segment or given`);
      inputs[name] = tensor;
    }
    const results = await session.run(inputs);
    assert.deepEqual(Object.keys(results).sort(), [...segment.outputs].sort(), `segment ${segment.index} returns exactly its outputs`);
    for (const name of segment.outputs) {
      const tensor = results[name]!;
      assertDeclaredShape(segment, name, tensor);
      env.set(name, tensor);
    }
  }
  return env;
}

/** A boundary's declared shape must admit the actual tensor: same rank, same fixed dims. */
function assertDeclaredShape(segment: Segment, name: string, tensor: ort.Tensor): void {
  const info = indexOfOutputs(segment).get(name)!;
  const shape = info.type?.shape;
  if (shape === undefined) return;
  assert.equal(shape.length, tensor.dims.length, `${name}: declared rank`);
  shape.forEach((dim, i) => {
    if (dim.dimValue !== undefined) assert.equal(dim.dimValue, tensor.dims[i], `${name}: declared dim ${i}`);
  });
}

export function bytesOf(tensor: ort.Tensor): Uint8Array {
  const data = tensor.data as ArrayBufferView;
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/** Bitwise equality of two onnxruntime tensors: type, dims and every byte. */
export function assertSameTensor(actual: ort.Tensor, expected: ort.Tensor, what: string): void {
  assert.equal(actual.type, expected.type, `${what}: type`);
  assert.deepEqual([...actual.dims], [...expected.dims], `${what}: dims`);
  assert.ok(Buffer.from(bytesOf(actual)).equals(Buffer.from(bytesOf(expected))), `${what}: bytes differ`);
}
