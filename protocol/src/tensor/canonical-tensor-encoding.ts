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
  const parts = canonicalTensorParts(tensors);
  const out = new Uint8Array(parts.reduce((size, part) => size + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/**
 * The same bytes in pieces, in order: each tensor's header, then its data as the tensor's own bytes (no
 * copy), so a hash can take them one after the other without the whole encoding being built.
 */
export function canonicalTensorParts(tensors: readonly Tensor[]): Uint8Array[] {
  assertTensorSet(tensors);
  const entries = tensors
    .map((tensor) => ({ tensor, name: UTF8.encode(tensor.name) }))
    .sort((a, b) => compareBytes(a.name, b.name));
  const start = new Uint8Array(MAGIC.length + 1 + 4);
  start.set(MAGIC, 0);
  start[MAGIC.length] = VERSION;
  new DataView(start.buffer).setUint32(MAGIC.length + 1, entries.length);
  const parts: Uint8Array[] = [start];
  for (const { tensor, name } of entries) {
    const header = new Uint8Array(2 + name.length + 1 + 1 + 8 * tensor.shape.length + 8);
    const view = new DataView(header.buffer);
    view.setUint16(0, name.length);
    header.set(name, 2);
    let at = 2 + name.length;
    header[at++] = TENSOR_DTYPES[tensor.dtype].onnx;
    header[at++] = tensor.shape.length;
    for (const dim of tensor.shape) {
      view.setBigUint64(at, BigInt(dim));
      at += 8;
    }
    view.setBigUint64(at, BigInt(tensor.data.length));
    parts.push(header, tensor.data);
  }
  return parts;
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
