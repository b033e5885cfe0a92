import { createError } from '../errors/provenant-error.js';

/**
 * A proof plan splits one inference into segments, each proven its own way (issue 7, docs/plans.md):
 * `[{"until": "hidden1", "mode": "tee"}, {"until": "logits", "mode": "zk"}]`. This module checks only
 * the plan's own shape; whether the names exist in a model and come in topological order is checked
 * against the graph by @provenant/onnx partitionModel. A plan is part of the receipt format later, so it
 * stays strict (unknown fields refused, STYLE rule 9) and has one canonical JSON form.
 */

export type PlanMode = 'tee' | 'zk';
export const PLAN_MODES: readonly PlanMode[] = Object.freeze(['tee', 'zk']);

export interface PlanSegment {
  /** Name of the tensor this segment ends at (its cut), or PLAN_END in the last segment. */
  readonly until: string;
  readonly mode: PlanMode;
}
export type ProofPlan = readonly PlanSegment[];

/**
 * "Run to the end of the graph": allowed only as the last segment's `until`. ONNX tensor names are any
 * string, so the partitioner refuses a plan using it on a graph that has a tensor of this very name.
 */
export const PLAN_END = '@end';
/** Segments in one plan: each boundary costs a commitment and each zk segment a proof, so plans stay short. */
export const MAX_PLAN_SEGMENTS = 8;
/** UTF-8 bytes of one `until` name; real exporters' names are tens of bytes. */
export const MAX_PLAN_TENSOR_NAME_BYTES = 1024;
/** A plan's JSON text: MAX_PLAN_SEGMENTS segments of the longest name fit with room for whitespace. */
export const MAX_PLAN_JSON_BYTES = 16 * 1024;

const SEGMENT_KEYS: ReadonlySet<string> = new Set(['until', 'mode']);
const utf8 = new TextEncoder();

function fail(code: 'PRV_ERR_PLAN_MALFORMED', detail: string): never {
  throw createError(code, detail);
}

function parseSegment(value: unknown, index: number, last: boolean): PlanSegment {
  const where = `segment ${index}`;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail('PRV_ERR_PLAN_MALFORMED', `${where} is not an object`);
  // Own keys only: JSON.parse makes "__proto__" an own key, so it is refused like any unknown field.
  for (const key of Object.keys(value)) {
    if (!SEGMENT_KEYS.has(key)) fail('PRV_ERR_PLAN_MALFORMED', `${where} has unknown field ${JSON.stringify(key.slice(0, 64))}`);
  }
  const record = value as Record<string, unknown>;
  const { until, mode } = record;
  if (!Object.hasOwn(record, 'until') || typeof until !== 'string') fail('PRV_ERR_PLAN_MALFORMED', `${where}.until must be a string`);
  if (until.length === 0) fail('PRV_ERR_PLAN_MALFORMED', `${where}.until is empty`);
  // UTF-16 length bounds UTF-8 length from below, so the cheap check runs first.
  if (until.length > MAX_PLAN_TENSOR_NAME_BYTES || utf8.encode(until).length > MAX_PLAN_TENSOR_NAME_BYTES) {
    fail('PRV_ERR_PLAN_MALFORMED', `${where}.until exceeds MAX_PLAN_TENSOR_NAME_BYTES (${MAX_PLAN_TENSOR_NAME_BYTES})`);
  }
  if (until === PLAN_END && !last) fail('PRV_ERR_PLAN_MALFORMED', `${where}: ${PLAN_END} may only end the last segment`);
  if (!Object.hasOwn(record, 'mode') || typeof mode !== 'string' || !(PLAN_MODES as readonly string[]).includes(mode)) {
    fail('PRV_ERR_PLAN_MALFORMED', `${where}.mode must be "tee" or "zk"`);
  }
  return Object.freeze({ until, mode: mode as PlanMode });
}

/**
 * Checks a decoded JSON value as a proof plan and returns a frozen copy. Refuses non-arrays, [] and more
 * than MAX_PLAN_SEGMENTS segments, unknown or missing fields, unknown modes, and the same cut twice.
 */
export function parsePlan(value: unknown): ProofPlan {
  if (!Array.isArray(value)) fail('PRV_ERR_PLAN_MALFORMED', 'a plan is an array of segments');
  if (value.length === 0) throw createError('PRV_ERR_PLAN_EMPTY', 'at least one segment is required');
  if (value.length > MAX_PLAN_SEGMENTS) {
    throw createError('PRV_ERR_PLAN_TOO_MANY_SEGMENTS', `${value.length} segments, MAX_PLAN_SEGMENTS is ${MAX_PLAN_SEGMENTS}`);
  }
  const seen = new Set<string>();
  const segments: PlanSegment[] = [];
  for (let i = 0; i < value.length; i++) {
    const segment = parseSegment(value[i], i, i === value.length - 1);
    if (seen.has(segment.until)) throw createError('PRV_ERR_PLAN_DUPLICATE_CUT', `segment ${i} repeats a cut of an earlier segment`);
    seen.add(segment.until);
    segments.push(segment);
  }
  return Object.freeze(segments);
}

/** Parses a plan from JSON text of at most MAX_PLAN_JSON_BYTES UTF-8 bytes. */
export function parsePlanJson(text: string): ProofPlan {
  if (typeof text !== 'string') fail('PRV_ERR_PLAN_MALFORMED', 'plan JSON must be a string');
  if (text.length > MAX_PLAN_JSON_BYTES || utf8.encode(text).length > MAX_PLAN_JSON_BYTES) {
    fail('PRV_ERR_PLAN_MALFORMED', `plan JSON exceeds MAX_PLAN_JSON_BYTES (${MAX_PLAN_JSON_BYTES})`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    fail('PRV_ERR_PLAN_MALFORMED', 'plan is not valid JSON');
  }
  return parsePlan(value);
}

/** The one-segment plan running the whole model in one mode: all-tee and all-zk are plans too. */
export function uniformPlan(mode: PlanMode): ProofPlan {
  return parsePlan([{ until: PLAN_END, mode }]);
}

/** Canonical JSON of a checked plan (keys in schema order, no whitespace), as receipts will carry it. */
export function encodePlanJson(plan: ProofPlan): string {
  return JSON.stringify(plan.map((segment) => ({ until: segment.until, mode: segment.mode })));
}
