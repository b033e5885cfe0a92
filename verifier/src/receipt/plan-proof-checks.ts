import { bytesToHex } from '@noble/hashes/utils.js';
import {
  commitmentToDecimal,
  createError,
  cutNeedsCommitment,
  isProvenantError,
  type PlanClaims,
  type PlanReceipt,
  type ZkSegmentClaim,
} from '@provenant/protocol';
import { groth16PairingHolds } from '../zk/groth16-verify.js';
import { parseGroth16Proof } from '../zk/groth16-proof.js';
import { groth16VerificationKeyDigest, parseGroth16VerificationKey, type Groth16VerificationKey } from '../zk/groth16-verification-key.js';
import type { CheckRunner } from '../report/check-runner.js';
import type { ReceiptCheckId } from './receipt-report.js';

/** A plan segment's proof has exactly two public signals: its input and output commitments (docs/receipts.md §7.2). */
const PLAN_PROOF_PUBLIC_SIGNALS = 2;

/** The four checks of one zk segment (docs/receipts.md §7.3 step 6), in report order. */
export function proofCheckIds(index: number): ReceiptCheckId[] {
  return [`proof[${index}].status`, `proof[${index}].verification_key`, `proof[${index}].public_signals`, `proof[${index}].groth16`];
}

/**
 * §7.3 step 5: one proof entry per segment, null exactly for the tee ones; openings present exactly
 * where the cut rule puts a commitment at the model's input and output; and a caller's key pins only
 * on zk segments (a pin on a tee segment means the caller expected a proof the plan does not have).
 */
export function checkPlanSegments(receipt: PlanReceipt, claims: PlanClaims, pins: ReadonlyMap<number, string>): string {
  const modes = claims.segments.map((segment) => segment.mode);
  const n = modes.length;
  if (receipt.proofs.length !== n) {
    throw createError('PRV_ERR_RECEIPT_PLAN_MISMATCH', `proofs lists ${receipt.proofs.length} entries, the plan has ${n} segments`);
  }
  receipt.proofs.forEach((entry, i) => {
    if (modes[i] === 'tee' && entry !== null) throw createError('PRV_ERR_RECEIPT_PLAN_MISMATCH', `proofs[${i}] must be null: segment ${i} is tee`);
    if (modes[i] === 'zk' && entry === null) throw createError('PRV_ERR_RECEIPT_PLAN_MISMATCH', `proofs[${i}] is null, but segment ${i} is zk`);
  });
  for (const [index] of pins) {
    if (modes[index] !== 'zk') {
      throw createError('PRV_ERR_RECEIPT_PLAN_MISMATCH', `a verifying key is pinned for segment ${index}, which is ${modes[index] === undefined ? 'not in the plan' : 'tee'}`);
    }
  }
  const openings: [string, bigint | null, number][] = [
    ['input_salt', receipt.openings.inputSalt, 0],
    ['output_salt', receipt.openings.outputSalt, n],
  ];
  for (const [name, salt, cut] of openings) {
    const needed = cutNeedsCommitment(modes, cut);
    if (needed !== (salt !== null)) {
      throw createError('PRV_ERR_RECEIPT_MALFORMED', `openings.${name} must be ${needed ? 'a salt: cut ' + cut + ' is a commitment' : 'null: cut ' + cut + ' is not a commitment'}`);
    }
  }
  return `${n} segments (${modes.join(', ')}), one proof entry per zk segment, openings follow the cut rule`;
}

export interface SegmentProofOutcome {
  readonly status: 'proven' | 'pending' | 'failed';
  readonly verified: boolean;
}

/**
 * §7.3 step 6 for zk segment `index`: status, verifying key (the claims' k, and the caller's pin), public
 * signals (exactly the claims' cuts around the segment) and the Groth16 equation. Later checks are skipped
 * when an earlier one leaves nothing sound to check.
 */
export function runSegmentProofChecks(
  runner: CheckRunner<ReceiptCheckId>,
  receipt: PlanReceipt,
  claims: PlanClaims,
  index: number,
  pin: string | undefined,
): SegmentProofOutcome {
  const [statusId, vkId, signalsId, groth16Id] = proofCheckIds(index) as [ReceiptCheckId, ReceiptCheckId, ReceiptCheckId, ReceiptCheckId];
  const segment = claims.segments[index] as ZkSegmentClaim;
  const entry = receipt.proofs[index];
  if (entry === null || entry === undefined) throw new Error('internal: plan.segments passed with a zk segment lacking its proof entry');

  if (entry.status !== 'proven') {
    if (entry.status === 'pending') {
      runner.fail(statusId, 'PRV_ERR_RECEIPT_PROOF_PENDING', `segment ${index}'s proof is still pending: not yet verified`);
    } else {
      // The message is the enclave's text, relayed by the untrusted parent: quoted so no control character reaches a terminal.
      runner.fail(statusId, 'PRV_ERR_RECEIPT_PROOF_FAILED', `the enclave reports that proving segment ${index} failed: ${entry.error.code}: ${JSON.stringify(entry.error.message)}`);
    }
    for (const id of [vkId, signalsId, groth16Id]) runner.skip(id, statusId);
    return { status: entry.status, verified: false };
  }
  runner.run(statusId, 'PRV_ERR_RECEIPT_PROOF_PENDING', () => ({ value: true, reason: 'proven: a proof, its public signals and its verifying key are attached' }));

  const claimed = bytesToHex(segment.vk);
  const vk = runner.run(vkId, 'PRV_ERR_RECEIPT_VK_MISMATCH', () => {
    let key: Groth16VerificationKey;
    try {
      key = parseGroth16VerificationKey(entry.verification_key);
    } catch (error) {
      throw createError('PRV_ERR_RECEIPT_VK_MISMATCH', `the attached verifying key does not parse: ${detail(error)}`);
    }
    if (key.nPublic !== PLAN_PROOF_PUBLIC_SIGNALS) {
      throw createError('PRV_ERR_RECEIPT_VK_MISMATCH', `the verifying key takes ${key.nPublic} public signals, a plan segment's takes ${PLAN_PROOF_PUBLIC_SIGNALS}`);
    }
    const digest = groth16VerificationKeyDigest(key);
    if (digest !== claimed) throw createError('PRV_ERR_RECEIPT_VK_MISMATCH', `the attached key's digest is ${digest}, the claims name ${claimed}`);
    if (pin !== undefined && digest !== pin) throw createError('PRV_ERR_RECEIPT_VK_MISMATCH', `the key's digest is ${digest}, the caller pins ${pin}`);
    return { value: key, reason: `key digest ${digest} is the claims' k${pin === undefined ? '' : ' and the pinned digest'}` };
  });

  const input = claims.cuts[index];
  const output = claims.cuts[index + 1];
  if (input === null || input === undefined || output === null || output === undefined) {
    throw new Error('internal: decodePlanClaims let a zk segment lack a cut commitment');
  }
  const expected = [commitmentToDecimal(input), commitmentToDecimal(output)];
  const signalsOk = runner.run(signalsId, 'PRV_ERR_RECEIPT_COMMITMENT_MISMATCH', () => {
    const actual = entry.public_signals;
    const names = ['input', 'output'];
    expected.forEach((value, i) => {
      if (actual[i] !== value) {
        throw createError(
          'PRV_ERR_RECEIPT_COMMITMENT_MISMATCH',
          `public signal ${i} (${names[i]} commitment) is ${String(actual[i]).slice(0, 24)}..., the claims' cuts[${index + i}] is ${value.slice(0, 24)}...`,
        );
      }
    });
    return { value: true, reason: `[input, output] commitments are the claims' cuts[${index}] and cuts[${index + 1}]` };
  });

  if (vk === undefined) runner.skip(groth16Id, vkId);
  else if (signalsOk === undefined) runner.skip(groth16Id, signalsId);
  else {
    const verified = runner.run(groth16Id, 'PRV_ERR_RECEIPT_PROOF_INVALID', () => {
      let holds: boolean;
      try {
        holds = groth16PairingHolds(vk, parseGroth16Proof(entry.proof), expected.map(BigInt));
      } catch (error) {
        throw createError('PRV_ERR_RECEIPT_PROOF_INVALID', `the proof does not parse: ${detail(error)}`);
      }
      if (!holds) throw createError('PRV_ERR_RECEIPT_PROOF_INVALID', 'the Groth16 pairing equation does not hold for this proof, key and commitments');
      return { value: true, reason: 'Groth16 (BN254) proof verifies under the key with the claimed commitments' };
    });
    return { status: 'proven', verified: verified === true };
  }
  return { status: 'proven', verified: false };
}

function detail(error: unknown): string {
  if (isProvenantError(error)) return error.detail ?? error.message;
  return error instanceof Error ? error.message : 'invalid';
}
