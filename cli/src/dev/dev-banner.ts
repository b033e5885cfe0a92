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

  Other modes: add "parameters": {"receipt_mode": "attested" | "batched", "nonce": "<hex>"} to the request.
  Models: curl -s ${url}/v1/models    Metrics: curl -s ${url}/metrics

Ctrl-C stops both processes.
`;
}
