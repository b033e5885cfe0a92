import { createError } from '@provenant/protocol';
import { DeviceNsmTransport, type DeviceNsmTransportOptions } from './device-nsm-transport.js';
import { MockNsmTransport } from './mock/mock-nsm-transport.js';
import type { MockNsmOptions } from './mock/mock-nsm.js';
import type { NsmTransport } from './nsm-transport.js';

export type NsmBackend = 'device' | 'mock';
export const NSM_BACKENDS: readonly NsmBackend[] = ['device', 'mock'];

export interface SelectNsmOptions {
  readonly backend: NsmBackend;
  /**
   * Must be exactly `true` for the mock to be used. The mock's documents only verify against the mock
   * root, but a daemon that quietly ran on it would still be serving unprovable answers, so choosing
   * it takes two explicit decisions (backend and this flag), never a default or a fallback.
   */
  readonly allowMock?: boolean;
  readonly device?: DeviceNsmTransportOptions;
  readonly mock?: MockNsmOptions;
}

/**
 * Opens the chosen NSM backend. A device that cannot be opened is an error (PRV_ERR_NSM_NO_DEVICE,
 * PRV_ERR_NSM_ADDON_UNAVAILABLE, ...), never a silent switch to the mock; the mock without
 * `allowMock: true` is PRV_ERR_NSM_MOCK_REFUSED.
 */
export function selectNsmTransport(options: SelectNsmOptions): NsmTransport {
  if (typeof options !== 'object' || options === null) throw createError('PRV_ERR_INVALID_ARGUMENT', 'options are required');
  const known = new Set(['backend', 'allowMock', 'device', 'mock']);
  for (const key of Object.keys(options)) {
    if (!known.has(key)) throw createError('PRV_ERR_INVALID_ARGUMENT', `unknown option ${JSON.stringify(key).slice(0, 40)}`);
  }
  switch (options.backend) {
    case 'device':
      if (options.mock !== undefined) throw createError('PRV_ERR_INVALID_ARGUMENT', 'mock options given with the device backend');
      return DeviceNsmTransport.open(options.device ?? {});
    case 'mock':
      if (options.allowMock !== true) {
        throw createError('PRV_ERR_NSM_MOCK_REFUSED', 'backend "mock" requires allowMock: true');
      }
      if (options.mock === undefined) throw createError('PRV_ERR_INVALID_ARGUMENT', 'backend "mock" needs mock options');
      return MockNsmTransport.create(options.mock);
    default:
      throw createError('PRV_ERR_INVALID_ARGUMENT', `backend must be one of ${NSM_BACKENDS.join(', ')}`);
  }
}
