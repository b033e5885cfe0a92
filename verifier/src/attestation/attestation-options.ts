import { hexToBytes } from '@noble/hashes/utils.js';
import { createError, MAX_ATTESTATION_FIELD_BYTES, MAX_PCR_COUNT, PCR_LENGTHS } from '@provenant/protocol';
import { AWS_NITRO_ROOT_G1_PEM } from '../roots/aws-nitro-root-g1.js';
import { pemCertificateToDer } from '../x509/pem.js';
import { parseRootOption } from './certificate-chain.js';

export interface VerifyAttestationOptions {
  /** Instant at which certificate validity is checked; default now. Leaves live ~3 hours. */
  readonly at?: Date;
  /** Pinned root, DER bytes or one PEM block; default the AWS Nitro Enclaves root G1. */
  readonly root?: Uint8Array | string;
  /** PCR index -> expected value (hex or bytes); each must be present and equal. */
  readonly expectedPcrs?: Readonly<Record<number, string | Uint8Array>>;
  /** Accept a debug-mode enclave (PCR0 all zero); default false. */
  readonly allowDebug?: boolean;
  readonly expectedUserData?: Uint8Array;
  readonly expectedNonce?: Uint8Array;
  readonly expectedPublicKey?: Uint8Array;
}

/** Options after validation: every field typed and present. */
export interface ResolvedAttestationOptions {
  readonly at: Date;
  readonly rootDer: Uint8Array;
  readonly expectedPcrs: ReadonlyMap<number, Uint8Array> | null;
  readonly allowDebug: boolean;
  readonly expectedUserData: Uint8Array | null;
  readonly expectedNonce: Uint8Array | null;
  readonly expectedPublicKey: Uint8Array | null;
}

const KNOWN_OPTIONS: ReadonlySet<string> = new Set([
  'at',
  'root',
  'expectedPcrs',
  'allowDebug',
  'expectedUserData',
  'expectedNonce',
  'expectedPublicKey',
]);

let defaultRootDer: Uint8Array | undefined;

/** The embedded AWS root as DER, decoded once. */
export function awsNitroRootDer(): Uint8Array {
  defaultRootDer ??= pemCertificateToDer(AWS_NITRO_ROOT_G1_PEM);
  return Uint8Array.from(defaultRootDer);
}

/**
 * Validates caller options before any document byte is looked at (STYLE rule 7). Bad options are the
 * caller's bug, so they throw PRV_ERR_INVALID_ARGUMENT instead of becoming a failed check.
 */
export function resolveAttestationOptions(options: VerifyAttestationOptions): ResolvedAttestationOptions {
  if (typeof options !== 'object' || options === null) throw invalid('options must be an object');
  for (const key of Object.keys(options)) {
    if (!KNOWN_OPTIONS.has(key)) throw invalid(`unknown option ${JSON.stringify(key)}`);
  }
  const at = options.at ?? new Date();
  if (!(at instanceof Date) || Number.isNaN(at.getTime())) throw invalid('at must be a valid Date');
  if (options.allowDebug !== undefined && typeof options.allowDebug !== 'boolean') throw invalid('allowDebug must be a boolean');
  return {
    at: new Date(at.getTime()),
    rootDer: resolveRoot(options.root),
    expectedPcrs: options.expectedPcrs === undefined ? null : resolvePcrs(options.expectedPcrs),
    allowDebug: options.allowDebug ?? false,
    expectedUserData: optionalBytes(options.expectedUserData, 'expectedUserData'),
    expectedNonce: optionalBytes(options.expectedNonce, 'expectedNonce'),
    expectedPublicKey: optionalBytes(options.expectedPublicKey, 'expectedPublicKey'),
  };
}

function resolveRoot(root: Uint8Array | string | undefined): Uint8Array {
  if (root === undefined) return awsNitroRootDer();
  let der: Uint8Array;
  if (typeof root === 'string') der = pemCertificateToDer(root);
  else if (root instanceof Uint8Array) der = Uint8Array.from(root);
  else throw invalid('root must be DER bytes or a PEM string');
  parseRootOption(der);
  return der;
}

function resolvePcrs(expected: Readonly<Record<number, string | Uint8Array>>): Map<number, Uint8Array> {
  if (typeof expected !== 'object' || expected === null) throw invalid('expectedPcrs must be an object');
  const pcrs = new Map<number, Uint8Array>();
  for (const [key, value] of Object.entries(expected)) {
    const index = Number(key);
    if (!/^(0|[1-9][0-9]*)$/.test(key) || index >= MAX_PCR_COUNT) {
      throw invalid(`expectedPcrs index ${JSON.stringify(key)} is not an integer 0..${MAX_PCR_COUNT - 1}`);
    }
    const bytes = typeof value === 'string' ? pcrHex(value, index) : value;
    if (!(bytes instanceof Uint8Array) || !PCR_LENGTHS.includes(bytes.length)) {
      throw invalid(`expectedPcrs[${index}] must be ${PCR_LENGTHS.join('/')} bytes`);
    }
    pcrs.set(index, Uint8Array.from(bytes));
  }
  return pcrs;
}

/** Strict PCR hex: even length, hex digits only, no 0x prefix or separators. */
function pcrHex(value: string, index: number): Uint8Array {
  if (!/^(?:[0-9a-fA-F]{2})+$/.test(value) || value.length > 128) {
    throw invalid(`expectedPcrs[${index}] is not ${PCR_LENGTHS.map((n) => n * 2).join('/')} hex digits`);
  }
  return hexToBytes(value.toLowerCase());
}

function optionalBytes(value: Uint8Array | undefined, name: string): Uint8Array | null {
  if (value === undefined) return null;
  if (!(value instanceof Uint8Array)) throw invalid(`${name} must be a Uint8Array`);
  if (value.length > MAX_ATTESTATION_FIELD_BYTES) throw invalid(`${name} is over ${MAX_ATTESTATION_FIELD_BYTES} bytes`);
  return Uint8Array.from(value);
}

function invalid(detail: string) {
  return createError('PRV_ERR_INVALID_ARGUMENT', detail);
}
