/**
 * The circuit-building layer under compileOnnx, exported as "@provenant/prover/circuit" for custom
 * circuits (and for soundness tests that drive gadgets and mutate wires directly).
 */
export { ConstraintSystem, type Constraint, type OpStats, type SignalKind } from './circuit/constraint-system.js';
export { ONE_SIGNAL, lcAccumulate, lcAdd, lcConst, lcScale, lcSignal, lcSub, type Lc } from './circuit/linear-combination.js';
export { bitsToLc, decompose, rangeCheckSigned } from './circuit/gadgets/bits.js';
export { rescale, rescaleRelu } from './circuit/gadgets/fixed-point.js';
export { argmax, geBit, max2, select } from './circuit/gadgets/compare.js';
export { commitmentGadget, poseidonGadget } from './commitment/poseidon-circuit.js';
export { writeR1cs, type R1csShape } from './r1cs/r1cs-writer.js';
export { fmod, toSigned } from './field/bn254-field.js';
