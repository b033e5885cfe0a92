import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { isProvenantError } from '@provenant/protocol';
import { PARENT_CID, VMADDR_CID_ANY, parseTransportAddress } from '@provenant/transport';
import { loadEnclaveConfig, parseEnclaveConfig } from '@provenant/enclave';
import { REPO_ROOT } from '../support/paths.js';

const PRODUCTION_CONFIG = path.join(REPO_ROOT, 'eif-build', 'enclave', 'enclave.json');
const isConfigInvalid = (e: unknown): boolean => isProvenantError(e, 'PRV_ERR_CONFIG_INVALID');
const MOCK = { backend: 'mock', allowMock: true, mockStateDir: '/tmp/x' };

describe('the production config baked into the image (eif-build/enclave/enclave.json)', () => {
  it('parses with the daemon parser and selects the NSM device, never the mock', async () => {
    const config = parseEnclaveConfig(JSON.parse(await readFile(PRODUCTION_CONFIG, 'utf8')));
    assert.equal(config.nsm.backend, 'device');
    assert.equal(config.nsm.allowMock, false);
    assert.equal(config.nsm.mockStateDir, null);
    assert.equal(config.nsm.mockImage, null);
    assert.deepEqual(parseTransportAddress(config.listen), { kind: 'vsock', cid: VMADDR_CID_ANY, port: 5000 });
    assert.deepEqual(parseTransportAddress(config.logSink as string), { kind: 'vsock', cid: PARENT_CID, port: 5001 });
    assert.equal(config.modelDir, '/opt/provenant/models');
  });

  it('names the paths the Dockerfile creates: the config the CMD reads and the model directory', async () => {
    const dockerfile = await readFile(path.join(REPO_ROOT, 'eif-build', 'Dockerfile'), 'utf8');
    assert.match(dockerfile, /COPY eif-build\/enclave\/ \/out\/etc\/provenant\//);
    assert.match(dockerfile, /COPY models\/out\/ \/out\/opt\/provenant\/models\//);
    assert.match(dockerfile, /"enclave", "--config", "\/etc\/provenant\/enclave.json"\]/);
  });
});

describe('config keys logSink and sealModels', () => {
  it('default to no sink and unsealed', () => {
    const config = parseEnclaveConfig({ listen: 'tcp://127.0.0.1:1', nsm: MOCK });
    assert.equal(config.logSink, null);
    assert.equal(config.sealModels, false);
  });

  it('refuse a logSink that is not a transport address and a sealModels that is not a boolean', () => {
    assert.throws(() => parseEnclaveConfig({ listen: 'tcp://127.0.0.1:1', nsm: MOCK, logSink: 'syslog://x' }), isConfigInvalid);
    assert.throws(() => parseEnclaveConfig({ listen: 'tcp://127.0.0.1:1', nsm: MOCK, logSink: 5001 }), isConfigInvalid);
    assert.throws(() => parseEnclaveConfig({ listen: 'tcp://127.0.0.1:1', nsm: MOCK, modelDir: '/m', sealModels: 'yes' }), isConfigInvalid);
  });

  it('refuse sealModels without a modelDir (sealing no models pins nothing)', () => {
    assert.throws(() => parseEnclaveConfig({ listen: 'tcp://127.0.0.1:1', nsm: MOCK, sealModels: true }), /modelDir/);
  });

  it('are set by --log-sink ADDRESS and --seal-models', async () => {
    const config = await loadEnclaveConfig([
      '--listen', 'tcp://127.0.0.1:1', '--nsm', 'mock', '--allow-mock-nsm', '--mock-state-dir', '/tmp/x',
      '--model-dir', '/m', '--seal-models', '--log-sink', 'unix:///run/provenant-logs.sock',
    ]);
    assert.equal(config.sealModels, true);
    assert.equal(config.logSink, 'unix:///run/provenant-logs.sock');
    await assert.rejects(loadEnclaveConfig(['--listen', 'tcp://127.0.0.1:1', '--nsm', 'device', '--log-sink']), isConfigInvalid);
  });
});
