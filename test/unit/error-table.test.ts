import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ERRORS, createError, isProvenantError, toPublicError, PROVENANT_ERROR } from '@provenant/protocol';
import { REPO_ROOT } from '../support/paths.js';

const CODE_PATTERN = /^PRV_ERR_[A-Z0-9]+(_[A-Z0-9]+)*$/;

test('every error code follows PRV_ERR_<AREA>_<WHAT> and has a sane spec', () => {
  for (const [code, spec] of Object.entries(ERRORS)) {
    assert.match(code, CODE_PATTERN, code);
    assert.ok(spec.message.length > 0, `${code} has a message`);
    assert.ok(spec.status >= 400 && spec.status <= 599, `${code} has an HTTP error status`);
  }
});

test('docs/errors.md lists every code in the table and no stale code', () => {
  const doc = readFileSync(path.join(REPO_ROOT, 'docs', 'errors.md'), 'utf8');
  const documented = new Set(doc.match(/PRV_ERR_[A-Z0-9_]+/g) ?? []);
  for (const code of Object.keys(ERRORS)) assert.ok(documented.has(code), `${code} missing from docs/errors.md`);
  for (const code of documented) assert.ok(Object.hasOwn(ERRORS, code), `docs/errors.md lists unknown code ${code}`);
});

test('created errors carry code, status, base class and a cross-copy brand', () => {
  const error = createError('PRV_ERR_OUT_OF_RANGE', 'index 99');
  assert.ok(error instanceof RangeError);
  assert.equal(error.code, 'PRV_ERR_OUT_OF_RANGE');
  assert.equal(error.status, 400);
  assert.equal(error.message, 'value out of range: index 99');
  assert.equal(error[PROVENANT_ERROR], true);
  assert.ok(isProvenantError(error, 'PRV_ERR_OUT_OF_RANGE'));
  assert.ok(!isProvenantError(error, 'PRV_ERR_INTERNAL'));
  // An error from a second bundled copy has no shared prototype, only the Symbol.for brand.
  const foreign = Object.assign(new Error('x'), { code: 'PRV_ERR_INTERNAL', [Symbol.for('provenant.error')]: true });
  assert.ok(isProvenantError(foreign));
  assert.ok(!isProvenantError(Object.assign(new Error('x'), { code: 'PRV_ERR_INTERNAL' })));
});

test('toPublicError hides details of non-exposable errors and of foreign exceptions', () => {
  assert.deepEqual(toPublicError(new Error('secret key material')), { code: 'PRV_ERR_INTERNAL', message: 'internal error' });
  assert.deepEqual(toPublicError(createError('PRV_ERR_INTERNAL', 'secret')), { code: 'PRV_ERR_INTERNAL', message: 'internal error' });
  assert.deepEqual(toPublicError(createError('PRV_ERR_INVALID_ARGUMENT', 'nonce must be hex')), {
    code: 'PRV_ERR_INVALID_ARGUMENT',
    message: 'invalid argument: nonce must be hex',
  });
});
