import { defineErrors } from './error-spec.js';

/** Sealed model sets (enclave config sealModels: PCR16 locked after the boot models load). */
export const MODEL_SEAL_ERRORS = defineErrors({
  PRV_ERR_MODEL_SEALED: {
    message: 'models are sealed: this enclave refuses model uploads and deletes',
    status: 409,
    base: 'Error',
    exposable: true,
  },
});
