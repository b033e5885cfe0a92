import { decodeCbor, encodeCbor, type CborLimits } from '../cbor/index.js';
import { createError } from '../errors/index.js';
import { MAX_NONCE_BYTES } from '../limits.js';
import { encodePlanJson, parsePlanJson, MAX_PLAN_JSON_BYTES, MAX_PLAN_SEGMENTS, type PlanMode, type ProofPlan } from '../plan/index.js';
import { RECEIPT_MODES, digest, uint, type ReceiptClaims, type ReceiptMode } from './receipt-claims.js';

/**
 * Claims for an inference run under a proof plan (docs/receipts.md §7): the v1 claims plus the plan, one
 * entry per segment and the commitments at every cut. Version 2 so a v1-only verifier refuses them
 * instead of checking half of what they state.
 */
export const PLAN_CLAIMS_VERSION = 2;

/** BN254's scalar field: commitments are elements of it (circomlib's Poseidon). */
export const BN254_SCALAR_FIELD = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;
/** Limits on a zk segment's quantization, matching what the circuit compiler accepts. */
export const MAX_CLAIM_SCALE_BITS = 24;
export const MIN_CLAIM_BIT_WIDTH = 4;
export const MAX_CLAIM_BIT_WIDTH = 64;
/** The plan text dominates; the rest is under 200 bytes per segment. */
export const MAX_PLAN_CLAIMS_BYTES = MAX_PLAN_JSON_BYTES + 4096;

export interface TeeSegmentClaim {
  readonly mode: 'tee';
  /** SHA-256 of the segment's ONNX bytes (partitionModel's Segment.sha256). */
  readonly digest: Uint8Array;
}

export interface ZkSegmentClaim {
  readonly mode: 'zk';
  readonly digest: Uint8Array;
  /** SHA-256 of the circuit's .r1cs bytes. */
  readonly circuit: Uint8Array;
  /** groth16VerificationKeyDigest of the verifying key the proof must check under. */
  readonly vk: Uint8Array;
  readonly scaleBits: number;
  readonly bitWidth: number;
}

export type SegmentClaim = TeeSegmentClaim | ZkSegmentClaim;

export interface PlanClaims extends Omit<ReceiptClaims, 'v'> {
  readonly v: typeof PLAN_CLAIMS_VERSION;
  /** The plan in its canonical JSON form (encodePlanJson). */
  readonly plan: string;
  readonly segments: readonly SegmentClaim[];
  /**
   * cuts[i]: commitment (32-byte big-endian field element) to the quantized tensor entering segment i;
   * cuts[n] to the model output. Present exactly where a neighbouring segment is zk, null elsewhere.
   */
  readonly cuts: readonly (Uint8Array | null)[];
}

const TOP_KEYS = ['v', 'mode', 'model', 'input', 'output', 'nonce', 'ts', 'seq', 'key', 'plan', 'segs', 'cuts'] as const;
const TEE_KEYS = ['m', 'd'] as const;
const ZK_KEYS = ['m', 'd', 'c', 'k', 's', 'b'] as const;
const LIMITS: CborLimits = { maxBytes: MAX_PLAN_CLAIMS_BYTES, maxDepth: 4, maxItems: 256, allowedTags: new Set() };

/** Deterministic CBOR (RFC 8949 §4.2.1), as for v1 claims: keys shorter first, then bytewise, at every level. */
export function encodePlanClaims(claims: PlanClaims): Uint8Array {
  assertCutPattern(claims.segments.map((s) => s.mode), claims.cuts);
  const top: [string, unknown][] = [
    ['v', claims.v],
    ['mode', claims.mode],
    ['model', claims.model],
    ['input', claims.input],
    ['output', claims.output],
    ['nonce', claims.nonce],
    ['ts', claims.ts > 0xffff_ffff ? BigInt(claims.ts) : claims.ts],
    ['seq', claims.seq > 0xffff_ffff ? BigInt(claims.seq) : claims.seq],
    ['key', claims.key],
    ['plan', claims.plan],
    ['segs', claims.segments.map(segmentMap)],
    ['cuts', [...claims.cuts]],
  ];
  return encodeCbor(sortedMap(top));
}

function segmentMap(segment: SegmentClaim): Map<string, unknown> {
  if (segment.mode === 'tee') return sortedMap([['m', 'tee'], ['d', segment.digest]]);
  return sortedMap([
    ['m', 'zk'],
    ['d', segment.digest],
    ['c', segment.circuit],
    ['k', segment.vk],
    ['s', segment.scaleBits],
    ['b', segment.bitWidth],
  ]);
}

function sortedMap(entries: [string, unknown][]): Map<string, unknown> {
  entries.sort(([a], [b]) => a.length - b.length || (a < b ? -1 : a > b ? 1 : 0));
  return new Map(entries);
}

/**
 * Parses plan claims bytes. Refuses anything but the deterministic encoding of a valid value, a plan that is
 * not in canonical form, segments that disagree with the plan's modes, and commitments where the cut rule
 * (docs/receipts.md §7.1) says none belongs or missing where one must be.
 */
export function decodePlanClaims(bytes: Uint8Array): PlanClaims {
  const value = decodeCbor(bytes, LIMITS);
  const top = exactMap(value, TOP_KEYS, 'claims');
  if (top.get('v') !== PLAN_CLAIMS_VERSION) throw invalid(`unsupported plan claims version ${String(top.get('v'))}`);
  const mode = top.get('mode');
  if (typeof mode !== 'string' || !(RECEIPT_MODES as readonly string[]).includes(mode)) throw invalid('mode is not a receipt mode');
  const nonce = top.get('nonce');
  if (nonce !== null && !(nonce instanceof Uint8Array && nonce.length > 0 && nonce.length <= MAX_NONCE_BYTES)) {
    throw invalid(`nonce must be null or 1 to ${MAX_NONCE_BYTES} bytes`);
  }
  const planText = top.get('plan');
  if (typeof planText !== 'string') throw invalid('plan must be text');
  const plan = parseCanonicalPlan(planText);
  const segs = top.get('segs');
  if (!Array.isArray(segs) || segs.length !== plan.length) throw invalid('segs must list one entry per plan segment');
  const segments = segs.map((entry: unknown, i) => parseSegment(entry, i, plan[i]!.mode));
  const cutsValue = top.get('cuts');
  if (!Array.isArray(cutsValue) || cutsValue.length !== plan.length + 1) throw invalid('cuts must list one entry per cut (segments + 1)');
  const cuts = cutsValue.map((cut: unknown, i) => (cut === null ? null : commitment(cut, `cuts[${i}]`)));
  assertCutPattern(segments.map((s) => s.mode), cuts);
  const claims: PlanClaims = {
    v: PLAN_CLAIMS_VERSION,
    mode: mode as ReceiptMode,
    model: digest(top.get('model'), 'model'),
    input: digest(top.get('input'), 'input'),
    output: digest(top.get('output'), 'output'),
    nonce: nonce === null ? null : Uint8Array.from(nonce as Uint8Array),
    ts: uint(top.get('ts'), 'ts'),
    seq: uint(top.get('seq'), 'seq'),
    key: digest(top.get('key'), 'key'),
    plan: planText,
    segments,
    cuts,
  };
  const again = encodePlanClaims(claims);
  if (again.length !== bytes.length || again.some((byte, i) => byte !== bytes[i])) throw invalid('claims are not in deterministic encoding');
  return claims;
}

/** cuts[i] carries a commitment exactly when segment i-1 or segment i is zk. */
export function cutNeedsCommitment(modes: readonly PlanMode[], cut: number): boolean {
  return modes[cut - 1] === 'zk' || modes[cut] === 'zk';
}

function assertCutPattern(modes: readonly PlanMode[], cuts: readonly (Uint8Array | null)[]): void {
  if (modes.length < 1 || modes.length > MAX_PLAN_SEGMENTS || cuts.length !== modes.length + 1) throw invalid('cuts must list segments + 1 entries');
  cuts.forEach((cut, i) => {
    const needed = cutNeedsCommitment(modes, i);
    if (needed && cut === null) throw invalid(`cut ${i} borders a zk segment and needs a commitment`);
    if (!needed && cut !== null) throw invalid(`cut ${i} borders no zk segment and must be null`);
  });
}

function parseCanonicalPlan(text: string): ProofPlan {
  let plan: ProofPlan;
  try {
    plan = parsePlanJson(text);
  } catch (error) {
    throw createError('PRV_ERR_RECEIPT_MALFORMED', 'plan is not a valid proof plan', { cause: error });
  }
  if (encodePlanJson(plan) !== text) throw invalid('plan is not in canonical form');
  return plan;
}

function parseSegment(value: unknown, index: number, planMode: PlanMode): SegmentClaim {
  const where = `segs[${index}]`;
  const map = exactMap(value, planMode === 'tee' ? TEE_KEYS : ZK_KEYS, where);
  if (map.get('m') !== planMode) throw invalid(`${where}.m must be the plan's mode ${planMode}`);
  const segmentDigest = digest(map.get('d'), `${where}.d`);
  if (planMode === 'tee') return { mode: 'tee', digest: segmentDigest };
  const scaleBits = uint(map.get('s'), `${where}.s`);
  const bitWidth = uint(map.get('b'), `${where}.b`);
  if (scaleBits > MAX_CLAIM_SCALE_BITS) throw invalid(`${where}.s must be at most ${MAX_CLAIM_SCALE_BITS}`);
  if (bitWidth < MIN_CLAIM_BIT_WIDTH || bitWidth > MAX_CLAIM_BIT_WIDTH) throw invalid(`${where}.b must be in [${MIN_CLAIM_BIT_WIDTH}, ${MAX_CLAIM_BIT_WIDTH}]`);
  return { mode: 'zk', digest: segmentDigest, circuit: digest(map.get('c'), `${where}.c`), vk: digest(map.get('k'), `${where}.k`), scaleBits, bitWidth };
}

function exactMap(value: unknown, keys: readonly string[], where: string): Map<unknown, unknown> {
  if (!(value instanceof Map) || value.size !== keys.length) throw invalid(`${where} must be a map of exactly ${keys.join(', ')}`);
  for (const key of value.keys()) if (!keys.includes(key as string)) throw invalid(`${where} has unknown key ${String(key).slice(0, 32)}`);
  return value;
}

/** A commitment as public signals carry it: decimal text of the field element. */
export function commitmentToDecimal(bytes: Uint8Array): string {
  return bytesToBigint(bytes).toString(10);
}

/** Parses a public signal (decimal, canonical, < p) into the 32-byte big-endian form claims use. */
export function commitmentFromDecimal(text: string, where = 'commitment'): Uint8Array {
  if (typeof text !== 'string' || !/^(0|[1-9][0-9]{0,76})$/.test(text)) throw invalid(`${where} must be a canonical decimal field element`);
  const n = BigInt(text);
  if (n >= BN254_SCALAR_FIELD) throw invalid(`${where} is not below the BN254 scalar field`);
  const out = new Uint8Array(32);
  let rest = n;
  for (let i = 31; i >= 0; i--) {
    out[i] = Number(rest & 0xffn);
    rest >>= 8n;
  }
  return out;
}

function commitment(value: unknown, where: string): Uint8Array {
  const bytes = digest(value, where);
  if (bytesToBigint(bytes) >= BN254_SCALAR_FIELD) throw invalid(`${where} is not below the BN254 scalar field`);
  return bytes;
}

function bytesToBigint(bytes: Uint8Array): bigint {
  let n = 0n;
  for (const byte of bytes) n = (n << 8n) | BigInt(byte);
  return n;
}

function invalid(detail: string): Error {
  return createError('PRV_ERR_RECEIPT_MALFORMED', detail);
}
