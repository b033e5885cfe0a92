/** The base class an error is built on, so callers can still branch on TypeError / RangeError. */
export type ErrorBase = 'Error' | 'TypeError' | 'RangeError';

export interface ErrorSpec {
  /** Fixed, human text. Details about the specific failure are appended, never interpolated from payloads. */
  readonly message: string;
  /** HTTP status the parent proxy answers with when this error reaches it. */
  readonly status: number;
  readonly base: ErrorBase;
  /**
   * Whether the detail text may cross the enclave boundary. When false, only the code and the fixed
   * message leave the enclave: the detail might echo hostile or secret bytes (STYLE rule 6).
   */
  readonly exposable: boolean;
}

/** Helper so each area table keeps literal keys while being checked against ErrorSpec. */
export function defineErrors<const T extends Record<string, ErrorSpec>>(table: T): T {
  return table;
}
