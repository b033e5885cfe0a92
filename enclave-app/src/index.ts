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
