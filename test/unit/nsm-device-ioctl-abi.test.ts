import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MAX_NSM_RESPONSE_BYTES } from '@provenant/protocol';
import { REPO_ROOT } from '../support/paths.js';
import type { ShimOutcome } from '../support/nsm-shim-child.js';

/**
 * The success path of NSM_IOCTL_RAW needs a Nitro Enclave. Short of that, an LD_PRELOAD shim
 * (test/support/nsm-ioctl-shim.c) answers the ioctl the way drivers/misc/nsm.c does, so the addon's
 * real marshalling runs: iovec addresses and lengths, the response.len write-back, the copy out.
 */
function runWithShim(scenarios: string[]): ShimOutcome[] | undefined {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prv-nsm-shim-'));
  try {
    const shim = path.join(dir, 'nsm-ioctl-shim.so');
    try {
      execFileSync('cc', ['-shared', '-fPIC', '-O1', '-o', shim, path.join(REPO_ROOT, 'test', 'support', 'nsm-ioctl-shim.c'), '-ldl']);
    } catch {
      return undefined; // no C compiler: the addon itself could not have been built either
    }
    const child = spawnSync(process.execPath, [path.join(REPO_ROOT, 'test', 'dist', 'support', 'nsm-shim-child.js'), ...scenarios], {
      env: { ...process.env, LD_PRELOAD: shim },
      encoding: 'utf8',
      timeout: 30_000, // a hung child must fail this test, not the whole run
    });
    assert.equal(child.status, 0, `child failed: ${child.stderr}`);
    return JSON.parse(child.stdout) as ShimOutcome[];
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

test('NSM_IOCTL_RAW marshalling: request bytes, response buffer, response.len write-back and error errnos', (t) => {
  const outcomes = runWithShim(['Ehello nsm', 'F', 'Z', 'O', 'T', 'M', 'X']);
  if (outcomes === undefined) {
    t.skip('no C compiler for the LD_PRELOAD shim');
    return;
  }
  const byScenario = new Map(outcomes.map((outcome) => [outcome.scenario, outcome]));

  // The driver sees exactly our request bytes and a 12288-byte response buffer, and we copy back
  // exactly response.len bytes.
  const echo = byScenario.get('Ehello nsm');
  const capacity = Buffer.alloc(8);
  capacity.writeBigUInt64LE(BigInt(MAX_NSM_RESPONSE_BYTES));
  const reversed = Buffer.from('Ehello nsm').reverse();
  assert.equal(echo?.responseHex, Buffer.concat([capacity, reversed]).toString('hex'));
  assert.equal(echo?.responseIsFreshCopy, true);

  const full = byScenario.get('F');
  assert.equal(full?.responseLength, MAX_NSM_RESPONSE_BYTES);
  const expectedFull = Buffer.alloc(MAX_NSM_RESPONSE_BYTES, 0).map((_, i) => (i * 7) & 0xff);
  assert.equal(full?.responseHex, Buffer.from(expectedFull).toString('hex'));

  assert.equal(byScenario.get('Z')?.responseLength, 0);

  // A response.len larger than the buffer is never trusted.
  assert.equal(byScenario.get('O')?.errorCode, 'PRV_ERR_NSM_IO');
  assert.match(byScenario.get('O')?.errorDetail ?? '', /EOVERFLOW/);

  assert.equal(byScenario.get('T')?.errorCode, 'PRV_ERR_NSM_TIMEOUT');
  assert.equal(byScenario.get('M')?.errorCode, 'PRV_ERR_NSM_INPUT_TOO_LARGE');
  assert.equal(byScenario.get('X')?.errorCode, 'PRV_ERR_NSM_IO');
  assert.match(byScenario.get('X')?.errorDetail ?? '', /EIO/);
});
