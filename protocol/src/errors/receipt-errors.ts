import { defineErrors } from './error-spec.js';

/** Receipts: parsing and the checks `provenant verify receipt` runs (docs/receipts.md). */
export const RECEIPT_ERRORS = defineErrors({
  PRV_ERR_RECEIPT_MALFORMED: {
    message: 'malformed receipt',
    status: 400,
    base: 'TypeError',
    exposable: true,
  },
});
