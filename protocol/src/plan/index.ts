export {
  MAX_PLAN_JSON_BYTES,
  MAX_PLAN_SEGMENTS,
  MAX_PLAN_TENSOR_NAME_BYTES,
  PLAN_END,
  PLAN_MODES,
  encodePlanJson,
  parsePlan,
  parsePlanJson,
  uniformPlan,
  type PlanMode,
  type PlanSegment,
  type ProofPlan,
} from './proof-plan.js';
