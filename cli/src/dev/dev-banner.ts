import path from 'node:path';

/** What `provenant dev` prints once the stack is ready: how to call it and how to check a receipt. */
export function devBanner({ url, repoRoot, mockRootPem }: { url: string; repoRoot: string; mockRootPem: string }): string {
  const sample = path.relative(process.cwd(), path.join(repoRoot, 'models', 'out', 'samples', 'iris.json')) || 'models/out/samples/iris.json';
  const root = path.relative(process.cwd(), mockRootPem);
  return `
Provenant dev stack ready at ${url}  (enclave on the MOCK NSM: receipts verify only against the mock root)

  Infer (the bundled iris classifier; also mnist-mlp and mnist-cnn):
    curl -s ${url}/v2/models/iris/infer -H 'content-type: application/json' -d @${sample} > response.json

  Verify the receipt end to end (boot document, session key, input and output hashes):
    curl -s ${url}/v1/attestation > attestation.json
    npx provenant verify receipt response.json --attestation-response attestation.json \\
      --root ${root} --request ${sample}

  Proof plans (docs/plans.md): attest the first layer in the enclave, prove the rest in zero knowledge.
  The first zk request makes the circuit's keys (tens of seconds, once; cached in .provenant/zk-cache):
    echo '{"parameters": {"plan": [{"until": "relu1", "mode": "tee"}, {"until": "@end", "mode": "zk"}]},
      "inputs": [{"name": "input", "shape": [1, 4], "datatype": "FP32", "data": [5.7, 2.9, 4.2, 1.3]}]}' > plan-request.json
    curl -s ${url}/v2/models/iris/infer -H 'content-type: application/json' -d @plan-request.json > plan-response.json
  The outputs and the attested part come back at once; fetch the receipt once its proof is done, and verify it:
    ID=$(node -p 'require("./plan-response.json").parameters.receipt.id')
    curl -s "${url}/v1/receipts/$ID?wait=true" | node -p 'JSON.stringify(JSON.parse(fs.readFileSync(0, "utf8")).receipt)' > plan-receipt.json
    npx provenant verify receipt plan-receipt.json --response plan-response.json --attestation-response attestation.json \\
      --root ${root} --request plan-request.json

  Other modes: add "parameters": {"receipt_mode": "attested" | "batched", "nonce": "<hex>"} to the request.
  Models: curl -s ${url}/v1/models    Metrics: curl -s ${url}/metrics

Ctrl-C stops both processes.
`;
}
