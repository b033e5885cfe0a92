import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { zKey } from 'snarkjs';
import { createError } from '@provenant/protocol';
import { withBn128 } from './bn128-session.js';
import { CollectingLogger } from './snarkjs-logger.js';

/**
 * A Solidity contract that verifies this zkey's proofs on an EVM chain (EIP-196/197 precompiles), from
 * snarkjs' own template (templates/verifier_groth16.sol.ejs, shipped in the snarkjs package).
 */
export async function exportSolidityVerifier(zkey: Uint8Array): Promise<string> {
  const template = await readFile(snarkjsTemplatePath('verifier_groth16.sol.ejs'), 'utf8');
  return withBn128(async () => {
    const logger = new CollectingLogger('export-solidity');
    const source = await zKey.exportSolidityVerifier({ type: 'mem', data: zkey }, { groth16: template }, logger);
    if (typeof source !== 'string' || logger.errors.length > 0) {
      throw createError('PRV_ERR_ZK_SETUP_FAILED', `Solidity export failed: ${logger.errors.join('; ') || 'no output'}`);
    }
    return source;
  });
}

function snarkjsTemplatePath(name: string): string {
  // snarkjs' exports map hides templates/, but its CommonJS entry (build/main.cjs) resolves; the package
  // root is one folder above it.
  const main = createRequire(import.meta.url).resolve('snarkjs');
  return path.join(path.dirname(path.dirname(main)), 'templates', name);
}
