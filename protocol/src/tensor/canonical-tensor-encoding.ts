import { sha256 } from '@noble/hashes/sha2.js';
import { TENSOR_DTYPES, type Tensor } from './tensor-dtype.js';
import { assertTensorSet } from './tensor-checks.js';

/** "PRVT", version 1: docs/receipts.md §"Canonical tensor encoding". */
const MAGIC = [0x50, 0x52, 0x56, 0x54] as const;
const VERSION = 1;
const UTF8 = new TextEncoder();

/**
 * The exact bytes a receipt's input and output hashes cover, so anyone can recompute them:
 * MAGIC || u8 version || u32be count || for each tensor sorted by UTF-8 name bytes:
 * u16be name length || name || u8 ONNX data type || u8 rank || rank x u64be dim || u64be data length || data.
 */
export function encodeTensorsCanonical(tensors: readonly Tensor[]): Uint8Array {
  assertTensorSet(tensors);
  const entries = tensors
    .map((tensor) => ({ tensor, name: UTF8.encode(tensor.name) }))
    .sort((a, b) => compareBytes(a.name, b.name));
  let size = MAGIC.length + 1 + 4;
  for (const { tensor, name } of entries) size += 2 + name.length + 1 + 1 + 8 * tensor.shape.length + 8 + tensor.data.length;
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  out.set(MAGIC, 0);
  let at = MAGIC.length;
  out[at++] = VERSION;
  view.setUint32(at, entries.length);
  at += 4;
  for (const { tensor, name } of entries) {
    view.setUint16(at, name.length);
    at += 2;
    out.set(name, at);
    at += name.length;
    out[at++] = TENSOR_DTYPES[tensor.dtype].onnx;
    out[at++] = tensor.shape.length;
    for (const dim of tensor.shape) {
      view.setBigUint64(at, BigInt(dim));
      at += 8;
    }
    view.setBigUint64(at, BigInt(tensor.data.length));
    at += 8;
    out.set(tensor.data, at);
    at += tensor.data.length;
  }
  return out;
}

/** SHA-256 of the canonical encoding: the `input` / `output` claim of a receipt. */
export function tensorsDigest(tensors: readonly Tensor[]): Uint8Array {
  return sha256(encodeTensorsCanonical(tensors));
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) if (a[i] !== b[i]) return (a[i] as number) - (b[i] as number);
  return a.length - b.length;
}
