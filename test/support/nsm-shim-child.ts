/**
 * Run by test/unit/nsm-device-ioctl-abi.test.ts in a child process with LD_PRELOAD set to the
 * nsm-ioctl-shim: sends one request per scenario through the real addon and prints what came back.
 */
import { DeviceNsmTransport } from '@provenant/enclave';
import { isProvenantError } from '@provenant/protocol';

export interface ShimOutcome {
  scenario: string;
  responseHex?: string;
  responseLength?: number;
  responseIsFreshCopy?: boolean;
  errorCode?: string;
  errorDetail?: string;
}

const encoder = new TextEncoder();
const transport = DeviceNsmTransport.open({ devicePath: '/dev/null' });
const outcomes: ShimOutcome[] = [];
for (const scenario of process.argv.slice(2)) {
  try {
    const response = await transport.request(encoder.encode(scenario));
    outcomes.push({
      scenario,
      responseHex: Buffer.from(response).toString('hex'),
      responseLength: response.byteLength,
      // A response that views a larger shared pool would leak neighbouring bytes to the decoder.
      responseIsFreshCopy: response.byteOffset === 0 && response.buffer.byteLength === response.byteLength,
    });
  } catch (error) {
    outcomes.push({
      scenario,
      errorCode: isProvenantError(error) ? error.code : String(error),
      errorDetail: isProvenantError(error) ? error.detail : undefined,
    });
  }
}
await transport.close();
process.stdout.write(JSON.stringify(outcomes));
