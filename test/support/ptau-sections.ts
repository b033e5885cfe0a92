/** A .ptau file's sections (iden3 binary container: "ptau", u32 version, u32 count, then u32 type, u64 size, bytes). */
export function ptauSections(file: Uint8Array): Map<number, Uint8Array> {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const out = new Map<number, Uint8Array>();
  let at = 12;
  for (let i = 0; i < view.getUint32(8, true); i++) {
    const type = view.getUint32(at, true);
    const size = Number(view.getBigUint64(at + 4, true));
    out.set(type, file.subarray(at + 12, at + 12 + size));
    at += 12 + size;
  }
  return out;
}

/** The same file without the Lagrange sections (12-15): what snarkjs' preparePhase2 starts from. */
export function withoutLagrangeSections(file: Uint8Array): Uint8Array {
  const kept = [...ptauSections(file)].filter(([type]) => type < 12);
  const out = new Uint8Array(12 + kept.reduce((n, [, bytes]) => n + 12 + bytes.length, 0));
  const view = new DataView(out.buffer);
  out.set(file.subarray(0, 8));
  view.setUint32(8, kept.length, true);
  let at = 12;
  for (const [type, bytes] of kept) {
    view.setUint32(at, type, true);
    view.setBigUint64(at + 4, BigInt(bytes.length), true);
    out.set(bytes, at + 12);
    at += 12 + bytes.length;
  }
  return out;
}
