import { createHash, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import {
  encodeClaims,
  fromBase64,
  inclusionPath,
  leafHash,
  merkleRoot,
  tensorsDigest,
  toBase64,
  type ReceiptClaims,
  type ReceiptJson,
  type ReceiptMode,
  type Tensor,
} from '@provenant/protocol';
import { MockNsmAuthority, MockNsmTransport, NsmClient } from '@provenant/enclave';

/**
 * Builds receipts straight from docs/receipts.md (§2-§4) with node:crypto and the mock NSM, independent of
 * the enclave daemon, so the verifier is tested against the spec rather than against its producer.
 */
export const START_MS = Date.UTC(2026, 2, 1, 9, 30, 0, 0);
export const sha256 = (data: Uint8Array): Uint8Array => Uint8Array.from(createHash('sha256').update(data).digest());
const float32 = (values: number[]): Uint8Array => new Uint8Array(Float32Array.from(values).buffer);

export const MODEL_BYTES = new TextEncoder().encode('not really an onnx model, but bytes with a hash');
export const MODEL_SHA256 = sha256(MODEL_BYTES);
export const INPUTS: Tensor[] = [{ name: 'input', dtype: 'FP32', shape: [1, 4], data: float32([5.1, 3.5, 1.4, 0.2]) }];
export const OUTPUTS: Tensor[] = [
  { name: 'label', dtype: 'INT64', shape: [1], data: new Uint8Array(new BigInt64Array([0n]).buffer) },
  { name: 'probabilities', dtype: 'FP32', shape: [1, 3], data: float32([0.9, 0.07, 0.03]) },
];

export interface SessionKeyPair {
  readonly privateKey: KeyObject;
  /** SEC1 uncompressed point, 65 bytes. */
  readonly publicKey: Uint8Array;
}

export function generateSessionKey(): SessionKeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  // An SPKI for a P-256 key ends with its BIT STRING holding the 65-byte uncompressed point (RFC 5480 §2.2).
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  return { privateKey, publicKey: Uint8Array.from(spki.subarray(spki.length - 65)) };
}

export function signP1363(key: KeyObject, message: Uint8Array): Uint8Array {
  return Uint8Array.from(sign('sha256', message, { key, dsaEncoding: 'ieee-p1363' }));
}

export interface ClaimsOverrides {
  readonly mode?: ReceiptMode;
  readonly nonce?: Uint8Array | null;
  readonly ts?: number;
  readonly seq?: number;
  readonly key?: Uint8Array;
  readonly model?: Uint8Array;
}

/** One simulated enclave boot: mock NSM, session key and its boot document. */
export class ReceiptBench {
  readonly clock = { ms: START_MS };
  readonly authority: MockNsmAuthority;
  readonly nsm: NsmClient;
  readonly session: SessionKeyPair;
  bootDocument!: Uint8Array;
  /** PCR0, 1, 2 and 8 as hex: what measurements.json pins. */
  pcrs!: Record<number, string>;
  #seq = 0;

  private constructor(authority: MockNsmAuthority, image: string) {
    this.authority = authority;
    this.nsm = new NsmClient(MockNsmTransport.create({ authority, imageMeasurement: new TextEncoder().encode(image) }));
    this.session = generateSessionKey();
  }

  /** `authority` lets two boots share one mock root (a second boot of the same image, or another image). */
  static async boot(options: { authority?: MockNsmAuthority; image?: string } = {}): Promise<ReceiptBench> {
    const clock = { ms: START_MS };
    const authority = options.authority ?? MockNsmAuthority.createEphemeral({ now: () => clock.ms });
    const bench = new ReceiptBench(authority, options.image ?? 'receipt-test-image');
    const config = new TextEncoder().encode('deterministic cbor of the effective config');
    bench.bootDocument = await bench.nsm.attestation({ userData: sha256(config), nonce: null, publicKey: bench.session.publicKey });
    bench.pcrs = {};
    for (const index of [0, 1, 2, 8]) bench.pcrs[index] = Buffer.from((await bench.nsm.describePcr(index)).data).toString('hex');
    return bench;
  }

  get rootPem(): string {
    return this.authority.rootCertificatePem;
  }

  claims(overrides: ClaimsOverrides = {}): ReceiptClaims {
    return {
      v: 1,
      mode: overrides.mode ?? 'session',
      model: overrides.model ?? MODEL_SHA256,
      input: tensorsDigest(INPUTS),
      output: tensorsDigest(OUTPUTS),
      nonce: overrides.nonce === undefined ? null : overrides.nonce,
      ts: overrides.ts ?? START_MS + 60_000,
      seq: overrides.seq ?? ++this.#seq,
      key: overrides.key ?? sha256(this.session.publicKey),
    };
  }

  sessionReceipt(overrides: ClaimsOverrides = {}): ReceiptJson {
    const claims = encodeClaims(this.claims({ mode: 'session', ...overrides }));
    return {
      format: 'provenant.receipt.v1',
      mode: 'session',
      claims: toBase64(claims),
      session_key: toBase64(this.session.publicKey),
      signature: toBase64(signP1363(this.session.privateKey, claims)),
    };
  }

  async attestedReceipt(overrides: ClaimsOverrides = {}): Promise<ReceiptJson> {
    const claimsValue = this.claims({ mode: 'attested', ...overrides });
    const claims = encodeClaims(claimsValue);
    const attestation = await this.nsm.attestation({ userData: sha256(claims), nonce: claimsValue.nonce, publicKey: this.session.publicKey });
    return {
      format: 'provenant.receipt.v1',
      mode: 'attested',
      claims: toBase64(claims),
      session_key: toBase64(this.session.publicKey),
      attestation: toBase64(attestation),
    };
  }

  /** `size` receipts sharing one NSM document whose user_data is the RFC 9162 root of their claims. */
  async batchedReceipts(size: number, overrides: ClaimsOverrides = {}): Promise<ReceiptJson[]> {
    const claims = Array.from({ length: size }, () => encodeClaims(this.claims({ mode: 'batched', ...overrides })));
    const leaves = claims.map(leafHash);
    const attestation = await this.nsm.attestation({ userData: merkleRoot(leaves), nonce: null, publicKey: this.session.publicKey });
    return claims.map((bytes, index) => ({
      format: 'provenant.receipt.v1',
      mode: 'batched',
      claims: toBase64(bytes),
      session_key: toBase64(this.session.publicKey),
      attestation: toBase64(attestation),
      inclusion: { index, size, path: inclusionPath(leaves, index).map(toBase64) },
    }));
  }
}

/** Flips one bit of byte `index` of a base64 field. */
export function flipBase64(text: string, index: number): string {
  const bytes = fromBase64(text);
  bytes[index]! ^= 0x01;
  return toBase64(bytes);
}
