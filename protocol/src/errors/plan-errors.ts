import { defineErrors } from './error-spec.js';

/**
 * Proof plans (protocol/src/plan) and the graph partitioner that applies them (@provenant/onnx
 * partition/). A plan comes from a caller (model default at upload or per-request parameters), so every
 * way it can be wrong has a code. Details name tensors and segment positions, never tensor values.
 */
export const PLAN_ERRORS = defineErrors({
  PRV_ERR_PLAN_MALFORMED: {
    message: 'malformed proof plan',
    status: 400,
    base: 'TypeError',
    exposable: true,
  },
  PRV_ERR_PLAN_EMPTY: {
    message: 'proof plan has no segments',
    status: 400,
    base: 'RangeError',
    exposable: true,
  },
  PRV_ERR_PLAN_TOO_MANY_SEGMENTS: {
    message: 'proof plan has too many segments',
    status: 400,
    base: 'RangeError',
    exposable: true,
  },
  PRV_ERR_PLAN_DUPLICATE_CUT: {
    message: 'proof plan cuts twice at the same tensor',
    status: 400,
    base: 'Error',
    exposable: true,
  },
  PRV_ERR_PLAN_UNKNOWN_TENSOR: {
    message: 'proof plan names a tensor the model does not have',
    status: 422,
    base: 'Error',
    exposable: true,
  },
  PRV_ERR_PLAN_NOT_A_CUT: {
    message: 'proof plan cuts at a tensor no node computes',
    status: 422,
    base: 'Error',
    exposable: true,
  },
  PRV_ERR_PLAN_ORDER: {
    message: 'proof plan cuts are not in topological order',
    status: 422,
    base: 'Error',
    exposable: true,
  },
  PRV_ERR_PLAN_EMPTY_SEGMENT: {
    message: 'proof plan has a segment with no nodes',
    status: 422,
    base: 'Error',
    exposable: true,
  },
  PRV_ERR_PLAN_LAST_NOT_OUTPUT: {
    message: "proof plan's last segment does not end at a graph output",
    status: 422,
    base: 'Error',
    exposable: true,
  },
  PRV_ERR_PLAN_UNSUPPORTED_GRAPH: {
    message: 'model graph cannot be partitioned',
    status: 422,
    base: 'Error',
    exposable: true,
  },
  // Running a plan in the enclave (enclave-app/src/plans).
  PRV_ERR_PLAN_ZK_UNAVAILABLE: {
    message: 'this enclave does not run zk segments (its config sets zk.ptau to "none")',
    status: 409,
    base: 'Error',
    exposable: true,
  },
  PRV_ERR_PLAN_ZK_UNSUPPORTED: {
    message: 'a zk segment of the plan cannot be proven as requested',
    status: 422,
    base: 'Error',
    exposable: true,
  },
});
