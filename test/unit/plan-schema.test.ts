import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  MAX_PLAN_JSON_BYTES,
  MAX_PLAN_SEGMENTS,
  MAX_PLAN_TENSOR_NAME_BYTES,
  PLAN_END,
  encodePlanJson,
  isProvenantError,
  parsePlan,
  parsePlanJson,
  uniformPlan,
  type ErrorCode,
} from '@provenant/protocol';

function assertCode(fn: () => unknown, code: ErrorCode): void {
  assert.throws(fn, (error: unknown) => isProvenantError(error, code), code);
}

test('parses a [tee, zk] plan into frozen segments and re-encodes it canonically', () => {
  const plan = parsePlanJson(' [ {"mode": "tee", "until": "hidden1"}, {"until": "logits", "mode": "zk"} ] ');
  assert.deepEqual(plan, [
    { until: 'hidden1', mode: 'tee' },
    { until: 'logits', mode: 'zk' },
  ]);
  assert.ok(Object.isFrozen(plan) && Object.isFrozen(plan[0]));
  assert.equal(encodePlanJson(plan), '[{"until":"hidden1","mode":"tee"},{"until":"logits","mode":"zk"}]');
  assert.deepEqual(parsePlanJson(encodePlanJson(plan)), plan);
});

test('all-tee and all-zk are one-segment plans ending at @end', () => {
  assert.deepEqual(uniformPlan('tee'), [{ until: PLAN_END, mode: 'tee' }]);
  assert.deepEqual(uniformPlan('zk'), [{ until: PLAN_END, mode: 'zk' }]);
});

test('accepts exactly MAX_PLAN_SEGMENTS segments and refuses one more with PRV_ERR_PLAN_TOO_MANY_SEGMENTS', () => {
  const segments = Array.from({ length: MAX_PLAN_SEGMENTS }, (_, i) => ({ until: `t${i}`, mode: i % 2 === 0 ? 'tee' : 'zk' }));
  assert.equal(parsePlan(segments).length, MAX_PLAN_SEGMENTS);
  assertCode(() => parsePlan([...segments, { until: 'more', mode: 'tee' }]), 'PRV_ERR_PLAN_TOO_MANY_SEGMENTS');
});

test('refuses the empty plan with PRV_ERR_PLAN_EMPTY', () => {
  assertCode(() => parsePlan([]), 'PRV_ERR_PLAN_EMPTY');
  assertCode(() => parsePlanJson('[]'), 'PRV_ERR_PLAN_EMPTY');
});

test('refuses a second cut at the same tensor with PRV_ERR_PLAN_DUPLICATE_CUT', () => {
  assertCode(() => parsePlan([{ until: 'a', mode: 'tee' }, { until: 'a', mode: 'zk' }]), 'PRV_ERR_PLAN_DUPLICATE_CUT');
});

test('refuses malformed plans with PRV_ERR_PLAN_MALFORMED', () => {
  const hostile: unknown[] = [
    null,
    {},
    'tee',
    { until: 'x', mode: 'tee' },
    [null],
    [[]],
    [{ until: 'x' }],
    [{ mode: 'tee' }],
    [{ until: 'x', mode: 'TEE' }],
    [{ until: 'x', mode: 'sgx' }],
    [{ until: 7, mode: 'tee' }],
    [{ until: '', mode: 'tee' }],
    [{ until: 'x', mode: 'tee', proof: 'groth16' }],
    [{ until: 'x'.repeat(MAX_PLAN_TENSOR_NAME_BYTES + 1), mode: 'tee' }],
    // 342 three-byte characters are 1026 UTF-8 bytes but only 342 UTF-16 units.
    [{ until: '\u20ac'.repeat(342), mode: 'tee' }],
    [{ until: PLAN_END, mode: 'tee' }, { until: 'logits', mode: 'zk' }],
  ];
  for (const value of hostile) assertCode(() => parsePlan(value), 'PRV_ERR_PLAN_MALFORMED');
});

test('refuses an own __proto__ key and inherited fields as unknown or missing', () => {
  assertCode(() => parsePlanJson('[{"until":"x","mode":"tee","__proto__":{"a":1}}]'), 'PRV_ERR_PLAN_MALFORMED');
  const inherited = Object.create({ until: 'x', mode: 'tee' }) as object;
  assertCode(() => parsePlan([inherited]), 'PRV_ERR_PLAN_MALFORMED');
});

test('refuses invalid JSON and JSON over MAX_PLAN_JSON_BYTES before parsing it', () => {
  assertCode(() => parsePlanJson('[{"until":"x","mode":"tee"}'), 'PRV_ERR_PLAN_MALFORMED');
  assertCode(() => parsePlanJson(' '.repeat(MAX_PLAN_JSON_BYTES) + '[{"until":"x","mode":"tee"}]'), 'PRV_ERR_PLAN_MALFORMED');
});
