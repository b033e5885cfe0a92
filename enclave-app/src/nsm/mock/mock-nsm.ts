import { randomBytes } from 'node:crypto';
import { MAX_ATTESTATION_FIELD_BYTES, createError, type NsmRequest, type NsmResponse } from '@provenant/protocol';
import { deriveBootPcrs, type MockBootMeasurement } from './mock-boot-pcrs.js';
import { signMockAttestationDocument } from './mock-attestation-document.js';
import type { MockNsmAuthority } from './mock-nsm-authority.js';
import type { MockLeaf } from './mock-nsm-chain.js';
import { MOCK_PCR_COUNT, PcrBank } from './pcr-bank.js';

/** Real modules answer GetRandom with exactly 256 bytes (nsm-api nsm-check.cc; QEMU NSM_RND_BUF_SIZE). */
export const MOCK_RANDOM_BYTES = 256;
/** Re-issue the leaf once less than this is left, so every document is signed well inside its leaf's life. */
export const MOCK_LEAF_RENEW_BEFORE_MS = 60 * 60 * 1000;
export const MOCK_DEFAULT_PARENT_ROLE_ARN = 'arn:aws:iam::000000000000:role/provenant-mock-parent';
/** What DescribeNSM reports (QEMU's emulation reports 1.0.0 as well). */
export const MOCK_NSM_VERSION = { major: 1, minor: 0, patch: 0 } as const;
const ENCLAVE_ID_PATTERN = /^[0-9a-f]{16}$/;

export interface MockNsmOptions {
  readonly authority: MockNsmAuthority;
  /** Stands in for the enclave image; PCR0/1/2 derive from it (see deriveBootPcrs). */
  readonly imageMeasurement: Uint8Array;
  /** Default false. True zeroes PCR0, 1, 2 and 8 like a real debug-mode enclave. */
  readonly debugMode?: boolean;
  /** Default MOCK_DEFAULT_PARENT_ROLE_ARN (PCR3 non-zero); null for an instance without a role. */
  readonly parentRoleArn?: string | null;
  /** 16 lowercase hex digits; default random. The module id is `<instance id>-enc<enclaveId>`. */
  readonly enclaveId?: string;
  readonly pcrOverrides?: MockBootMeasurement['pcrOverrides'];
}

/**
 * A Nitro Secure Module in memory, answering typed requests with the responses (and error codes) the
 * real module gives. Byte-level framing lives in MockNsmTransport; this class is the state machine.
 */
export class MockNsm {
  readonly #authority: MockNsmAuthority;
  readonly #pcrs: PcrBank;
  readonly #moduleId: string;
  #leaf: MockLeaf | undefined;

  constructor(options: MockNsmOptions) {
    if (typeof options !== 'object' || options === null) throw createError('PRV_ERR_INVALID_ARGUMENT', 'options are required');
    const authority = options.authority;
    if (typeof authority?.issueLeaf !== 'function') throw createError('PRV_ERR_INVALID_ARGUMENT', 'authority must be a MockNsmAuthority');
    const enclaveId = options.enclaveId ?? randomBytes(8).toString('hex');
    if (typeof enclaveId !== 'string' || !ENCLAVE_ID_PATTERN.test(enclaveId)) {
      throw createError('PRV_ERR_INVALID_ARGUMENT', 'enclaveId must be 16 lowercase hex digits');
    }
    const boot: MockBootMeasurement = {
      imageMeasurement: options.imageMeasurement,
      debugMode: options.debugMode ?? false,
      instanceId: authority.instanceId,
      parentRoleArn: options.parentRoleArn === undefined ? MOCK_DEFAULT_PARENT_ROLE_ARN : options.parentRoleArn,
      ...(options.pcrOverrides === undefined ? {} : { pcrOverrides: options.pcrOverrides }),
    };
    this.#authority = authority;
    this.#pcrs = new PcrBank(deriveBootPcrs(boot));
    this.#moduleId = `${authority.instanceId}-enc${enclaveId}`;
  }

  get moduleId(): string {
    return this.#moduleId;
  }

  handle(request: NsmRequest): NsmResponse {
    switch (request.type) {
      case 'DescribePCR':
        return this.#pcrs.describe(request.index);
      case 'ExtendPCR':
        return this.#pcrs.extend(request.index, request.data);
      case 'LockPCR':
        return this.#pcrs.lock(request.index);
      case 'LockPCRs':
        return this.#pcrs.lockRange(request.range);
      case 'DescribeNSM':
        return {
          type: 'DescribeNSM',
          versionMajor: MOCK_NSM_VERSION.major,
          versionMinor: MOCK_NSM_VERSION.minor,
          versionPatch: MOCK_NSM_VERSION.patch,
          moduleId: this.#moduleId,
          maxPcrs: MOCK_PCR_COUNT,
          lockedPcrs: this.#pcrs.lockedIndexes(),
          digest: 'SHA384',
        };
      case 'GetRandom':
        return { type: 'GetRandom', random: Uint8Array.from(randomBytes(MOCK_RANDOM_BYTES)) };
      case 'Attestation':
        return this.#attest(request);
    }
  }

  #attest(request: Extract<NsmRequest, { type: 'Attestation' }>): NsmResponse {
    // Hardware signs up to 1024 bytes per field (REFERENCE "Field limits"); the mock refuses more so
    // it never produces a document that real hardware could not.
    for (const field of [request.userData, request.nonce, request.publicKey]) {
      if (field !== null && field.length > MAX_ATTESTATION_FIELD_BYTES) return { type: 'Error', code: 'InputTooLarge' };
    }
    const leaf = this.#currentLeaf();
    const document = signMockAttestationDocument(
      {
        moduleId: this.#moduleId,
        digest: 'SHA384',
        timestampMs: this.#authority.now(),
        pcrs: this.#pcrs.lockedValues(),
        cabundle: this.#authority.cabundle(),
        publicKey: request.publicKey,
        userData: request.userData,
        nonce: request.nonce,
      },
      leaf,
    );
    return { type: 'Attestation', document };
  }

  #currentLeaf(): MockLeaf {
    const now = this.#authority.now();
    const leaf = this.#leaf;
    if (leaf !== undefined && now >= leaf.notBeforeMs && now < leaf.notAfterMs - MOCK_LEAF_RENEW_BEFORE_MS) return leaf;
    this.#leaf = this.#authority.issueLeaf(this.#moduleId);
    return this.#leaf;
  }
}
