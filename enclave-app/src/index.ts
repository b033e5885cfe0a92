export { runEnclaveCommand, type EnclaveCommandIo } from './cli/enclave-command.js';
export {
  DEFAULT_BATCH,
  DEFAULT_HEARTBEAT,
  DEFAULT_LIMITS,
  DEFAULT_ZK,
  encodeEffectiveConfig,
  parseEnclaveConfig,
  type BatchConfig,
  type EnclaveConfig,
  type HeartbeatConfig,
  type LimitsConfig,
  type NsmConfig,
  type ZkConfig,
} from './config/enclave-config.js';
export { CONFIG_FLAGS_USAGE, MAX_CONFIG_FILE_BYTES, loadEnclaveConfig } from './config/config-flags.js';
export { DEFAULT_MOCK_IMAGE, startEnclaveDaemon, type RunningDaemon } from './daemon/enclave-daemon.js';
export { createLineLogger, createStderrLogger, SILENT_LOGGER, type EnclaveLogger, type LogFields, type LogLevel } from './logging/enclave-logger.js';
export {
  DEFAULT_LOG_SINK_BUFFERED_LINES,
  MAX_LOG_SINK_BUFFERED_LINES,
  MAX_LOG_SINK_LINE_BYTES,
  LogSink,
  type LogSinkOptions,
  type LogSinkStats,
  type LogSinkTimers,
} from './logging/log-sink.js';
export { SessionKey, SESSION_PUBLIC_KEY_BYTES, type SessionKeyOptions } from './keys/session-key.js';
export { makePresignatures, opensslNonces, signWithPresignature, type NoncePoint, type Presignature } from './keys/presignatures.js';
export { MODEL_PCR_INDEX, ModelRegistry, type LoadedModel, type ModelRegistryOptions } from './models/model-registry.js';
export { ModelUpload } from './models/model-upload.js';
export { assertInputsMatch, runInference, selectOutputs } from './inference/run-inference.js';
export { fromOrtTensor, toOrtTensor } from './inference/tensor-bridge.js';
export { AttestationBatcher, type AttestationBatcherOptions, type BatchInclusion } from './receipts/attestation-batcher.js';
export { nativeTensorsDigest } from './receipts/native-tensor-digest.js';
export {
  ReceiptIssuer,
  type PlanEvidenceJson,
  type PlanReceiptRequest,
  type ReceiptIssuerOptions,
  type ReceiptRequest,
} from './receipts/receipt-issuer.js';
export { ZkKeyStore, type ZkKeys, type ZkKeyStoreOptions } from './plans/zk-keys.js';
export {
  DEFAULT_MAX_PREPARED_PLANS,
  PlanPreparer,
  type PlanPreparerOptions,
  type PreparedPlan,
  type PreparedSegment,
  type PreparedTeeSegment,
  type PreparedZkSegment,
} from './plans/prepared-plan.js';
export { WitnessPool, type RemoteWitness, type WitnessRequest } from './plans/witness-pool.js';
export { runPlan, type PlanRunParts, type PlanRunRequest, type PlanRunResult } from './plans/plan-runner.js';
export { DEFAULT_PROVE_TIMEOUT_MS, ReceiptStore, type GetOptions, type ProofTask, type Prover, type ReceiptStoreOptions } from './plans/receipt-store.js';
export { WorkQueue, type RunOptions, type WorkQueueOptions } from './scheduling/work-queue.js';
export { EnclaveService, type EnclaveServiceParts } from './server/enclave-service.js';
export { EnclaveServer, type EnclaveServerOptions } from './server/enclave-server.js';
export {
  DeviceNsmTransport,
  DEFAULT_NSM_DEVICE_PATH,
  DEFAULT_NSM_REQUEST_TIMEOUT_MS,
  type DeviceNsmTransportOptions,
} from './nsm/device-nsm-transport.js';
export {
  loadNativeNsmBinding,
  NSM_IOCTL_RAW,
  NSM_RAW_STRUCT_BYTES,
  type NativeNsmBinding,
} from './nsm/native-nsm-binding.js';
export type { NsmTransport } from './nsm/nsm-transport.js';
export {
  NsmClient,
  getNsmErrorCode,
  type AttestationFields,
  type NsmCallOptions,
  type PcrDescription,
} from './nsm/nsm-client.js';
export { selectNsmTransport, NSM_BACKENDS, type NsmBackend, type SelectNsmOptions } from './nsm/select-nsm.js';
export * from './nsm/mock/index.js';
