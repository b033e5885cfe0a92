import type { FastifyInstance } from 'fastify';
import { RECEIPT_ID_PATTERN, createError } from '@provenant/protocol';
import { receiptStatus } from '../enclave/receipt-lookup.js';
import { clientGone } from './kserve-routes.js';
import type { ProxyAppOptions } from './proxy-app.js';

/**
 * GET /v1/receipts/{id}[?wait=true]: a plan receipt as it completes (docs/receipts.md §7). The body is
 * {"id", "status", "receipt"}; the receipt is the enclave's JSON, passed through; status is derived from its
 * proof entries, for clients that poll. An id no connected enclave holds is 404 PRV_ERR_RECEIPT_NOT_FOUND.
 */
export function registerReceiptRoutes(app: FastifyInstance, options: ProxyAppOptions): void {
  app.get<{ Params: { id: string }; Querystring: Record<string, unknown> }>('/v1/receipts/:id', async (request, reply) => {
    const { id } = request.params;
    if (!RECEIPT_ID_PATTERN.test(id)) throw createError('PRV_ERR_INVALID_ARGUMENT', 'a receipt id is 32 lowercase hex digits');
    const wait = waitParameter(request.query);
    const receipt = await options.pool.getReceipt(id, { wait, signal: clientGone(reply) });
    return { id, status: receiptStatus(receipt), receipt };
  });
}

function waitParameter(query: Record<string, unknown>): boolean {
  for (const key of Object.keys(query)) {
    if (key !== 'wait') throw createError('PRV_ERR_INVALID_ARGUMENT', `unknown query parameter ${JSON.stringify(key.slice(0, 32))}`);
  }
  const raw = query.wait;
  if (raw === undefined || raw === 'false') return false;
  if (raw === 'true') return true;
  throw createError('PRV_ERR_INVALID_ARGUMENT', 'wait must be true or false');
}
