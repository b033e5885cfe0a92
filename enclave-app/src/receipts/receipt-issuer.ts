import { createHash } from 'node:crypto';
import {
  CLAIMS_VERSION,
  PLAN_CLAIMS_VERSION,
  PLAN_RECEIPT_FORMAT,
  RECEIPT_FORMAT,
  encodeClaims,
  encodePlanClaims,
  toBase64,
  type PlanReceiptJson,
  type ReceiptClaims,
  type ReceiptJson,
  type ReceiptMode,
  type SegmentClaim,
} from '@provenant/protocol';
import type { SessionKey } from '../keys/session-key.js';
import type { NsmClient } from '../nsm/nsm-client.js';
import { AttestationBatcher } from './attestation-batcher.js';

export interface ReceiptRequest {
  readonly mode: ReceiptMode;
  readonly model: Uint8Array;
  /** nativeTensorsDigest of the inputs and of the outputs (docs/receipts.md §1). */
  readonly input: Uint8Array;
  readonly output: Uint8Array;
  readonly nonce: Uint8Array | null;
}

/** A plan run's claims beyond v1's (docs/receipts.md §7.1): the canonical plan, the segments, the cuts. */
export interface PlanReceiptRequest extends ReceiptRequest {
  readonly plan: string;
  readonly segments: readonly SegmentClaim[];
  readonly cuts: readonly (Uint8Array | null)[];
}

/** A plan receipt's signed part: everything but the id, the proof entries and the openings (§7.2). */
export type PlanEvidenceJson = Omit<PlanReceiptJson, 'id' | 'proofs' | 'openings'>;

type Evidence = Pick<ReceiptJson, 'signature' | 'attestation' | 'inclusion'>;

export interface ReceiptIssuerOptions {
  readonly nsm: NsmClient;
  readonly sessionKey: SessionKey;
  readonly batchWindowMs: number;
  readonly batchMaxLeaves: number;
  readonly now?: () => number;
}

/**
 * Builds receipts exactly as docs/receipts.md says: claims {v, mode, model, input, output, nonce, ts, seq,
 * key} in deterministic CBOR, then per mode a session signature, a fresh NSM document over SHA-256(claims),
 * or a shared NSM document over a Merkle root with an inclusion path.
 */
export class ReceiptIssuer {
  readonly #nsm: NsmClient;
  readonly #key: SessionKey;
  readonly #batcher: AttestationBatcher;
  readonly #now: () => number;
  readonly #sessionKeyBase64: string;
  #seq = 0;

  constructor(options: ReceiptIssuerOptions) {
    this.#nsm = options.nsm;
    this.#key = options.sessionKey;
    this.#now = options.now ?? Date.now;
    this.#sessionKeyBase64 = toBase64(options.sessionKey.publicKey);
    this.#batcher = new AttestationBatcher({
      windowMs: options.batchWindowMs,
      maxLeaves: options.batchMaxLeaves,
      attest: (root) => this.#nsm.attestation({ userData: root, nonce: null, publicKey: this.#key.publicKey }),
    });
  }

  /** Receipts issued this boot (the last seq handed out). */
  get issued(): number {
    return this.#seq;
  }

  get batches(): number {
    return this.#batcher.batches;
  }

  async issue(request: ReceiptRequest): Promise<ReceiptJson> {
    const claims = encodeClaims({ v: CLAIMS_VERSION, ...this.#commonClaims(request) });
    const base = { format: RECEIPT_FORMAT, mode: request.mode, claims: toBase64(claims), session_key: this.#sessionKeyBase64 } as const;
    return { ...base, ...(await this.#evidence(claims, request.mode, request.nonce)) };
  }

  /**
   * The same evidence over plan claims (v 2): seq and ts from the same counter and clock as v1 receipts,
   * so one boot's receipts of both formats share one sequence.
   */
  async issuePlan(request: PlanReceiptRequest): Promise<PlanEvidenceJson> {
    const claims = encodePlanClaims({
      v: PLAN_CLAIMS_VERSION,
      ...this.#commonClaims(request),
      plan: request.plan,
      segments: request.segments,
      cuts: request.cuts,
    });
    const base = { format: PLAN_RECEIPT_FORMAT, mode: request.mode, claims: toBase64(claims), session_key: this.#sessionKeyBase64 } as const;
    return { ...base, ...(await this.#evidence(claims, request.mode, request.nonce)) };
  }

  /** The claims v1 and plan receipts share. seq and ts are taken together, synchronously, so seq order is ts order within a boot. */
  #commonClaims(request: ReceiptRequest): Omit<ReceiptClaims, 'v'> {
    return {
      mode: request.mode,
      model: request.model,
      input: request.input,
      output: request.output,
      nonce: request.nonce,
      ts: this.#now(),
      seq: ++this.#seq,
      key: this.#key.keyId,
    };
  }

  async #evidence(claims: Uint8Array, mode: ReceiptMode, nonce: Uint8Array | null): Promise<Evidence> {
    switch (mode) {
      case 'session':
        return { signature: toBase64(this.#key.sign(claims)) };
      case 'attested': {
        const userData = Uint8Array.from(createHash('sha256').update(claims).digest());
        const document = await this.#nsm.attestation({ userData, nonce, publicKey: this.#key.publicKey });
        return { attestation: toBase64(document) };
      }
      case 'batched': {
        const inclusion = await this.#batcher.add(claims);
        return {
          attestation: toBase64(inclusion.document),
          inclusion: { index: inclusion.index, size: inclusion.size, path: inclusion.path.map(toBase64) },
        };
      }
    }
  }

  /** Signs any batch still waiting (shutdown). */
  flush(): void {
    this.#batcher.flush();
  }
}
