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
  type NsmDescription,
  type PcrDescription,
} from './nsm/nsm-client.js';
export { selectNsmTransport, NSM_BACKENDS, type NsmBackend, type SelectNsmOptions } from './nsm/select-nsm.js';
export * from './nsm/mock/index.js';
