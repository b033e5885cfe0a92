import path from 'node:path';
import { REPO_ROOT } from './paths.js';

/**
 * The one Groth16 key cache the test suite shares (gitignored). Files run one after another on 2 cores, so
 * the first file that needs a zk setup pays for the power-12 dev ptau and each circuit's keys, and every
 * later file (and every later run on the same checkout) reads them: the enclave tests, the end-to-end
 * plans and the verifier's plan receipts set up the same iris circuits. Circuits are keyed by digest, so
 * sharing cannot mix keys of two circuits.
 */
export const ZK_TEST_CACHE_DIR = path.join(REPO_ROOT, '.provenant', 'zk-test-cache');
/** Every iris circuit fits in 2^12 constraints; one ptau power means one ptau for the whole suite. */
export const ZK_TEST_PTAU_POWER = 12;
