import { createError, encodeReceiptGetRequest, isProvenantError, parseReceiptGetResponse, type PlanReceiptJson } from '@provenant/protocol';
import type { EnclaveLink } from './enclave-link.js';
import type { ReceiptRoutes } from './receipt-routes.js';

/** What GET /v1/receipts/{id} reports besides the receipt: "failed" as soon as one proof failed. */
export type ReceiptStatus = 'pending' | 'complete' | 'failed';

export interface ReceiptLookupOptions {
  readonly wait: boolean;
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
}

/** Errors after which the next enclave may still hold the receipt. */
const TRY_NEXT = ['PRV_ERR_RECEIPT_NOT_FOUND', 'PRV_ERR_WIRE_CLOSED', 'PRV_ERR_WIRE_UNKNOWN_OP'] as const;

/**
 * receipt.get on the enclave that issued the id (per `routes`), then on every other open link in turn
 * until one holds it. Receipt ids are 128 random bits, so at most one enclave ever answers with a receipt.
 * With `wait`, a deadline that passes before the proofs settle is not an error: the receipt is then
 * fetched once more without waiting and returned as it stands (pending).
 */
export async function lookUpReceipt(links: readonly EnclaveLink[], routes: ReceiptRoutes, id: string, options: ReceiptLookupOptions): Promise<PlanReceiptJson> {
  const preferred = routes.addressOf(id);
  const ordered = [...links.filter((link) => link.address === preferred), ...links.filter((link) => link.address !== preferred)];
  const signal = options.signal === undefined ? {} : { signal: options.signal };
  for (const link of ordered) {
    try {
      try {
        return parseReceiptGetResponse(await link.request('receipt.get', encodeReceiptGetRequest(options.wait ? { id, wait: true } : { id }), { timeoutMs: options.timeoutMs, ...signal }));
      } catch (error) {
        if (!options.wait || !isProvenantError(error, 'PRV_ERR_PROXY_DEADLINE')) throw error;
        return parseReceiptGetResponse(await link.request('receipt.get', encodeReceiptGetRequest({ id }), { timeoutMs: options.timeoutMs, ...signal }));
      }
    } catch (error) {
      if (!TRY_NEXT.some((code) => isProvenantError(error, code))) throw error;
    }
  }
  routes.forget(id);
  throw createError('PRV_ERR_RECEIPT_NOT_FOUND', id);
}

export function receiptStatus(receipt: Pick<PlanReceiptJson, 'proofs'>): ReceiptStatus {
  if (receipt.proofs.some((entry) => entry?.status === 'failed')) return 'failed';
  return receipt.proofs.some((entry) => entry?.status === 'pending') ? 'pending' : 'complete';
}
