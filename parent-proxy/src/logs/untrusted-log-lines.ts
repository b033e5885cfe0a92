/**
 * Splits the byte stream an enclave sends into lines and makes each one safe to print on the parent.
 * The bytes come from the enclave (or from anything that can reach the log port), so they are untrusted
 * text: a line is cut at MAX_ENCLAVE_LOG_LINE_BYTES (the rest, up to the next newline, is discarded and
 * the line marked), invalid UTF-8 becomes U+FFFD, and control characters are replaced so a line can
 * neither forge a second line nor drive the terminal (ANSI escapes, backspace, bidi overrides).
 */

/** The enclave's own lines are under 4 KiB (its sink drops longer ones); more than this is hostile. */
export const MAX_ENCLAVE_LOG_LINE_BYTES = 8 * 1024;
export const TRUNCATED_MARK = ' [truncated]';

const NEWLINE = 0x0a;
// C0 controls, DEL, C1 controls (0x80-0x9f include the 8-bit CSI), line/paragraph separators and the
// Unicode bidi embedding/override/isolate controls (CVE-2021-42574 "Trojan Source").
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** Replaces every unsafe character with '?'; printable text is kept as it is. */
export function sanitizeLogText(text: string): string {
  return text.replace(UNSAFE, '?');
}

export interface LogLineSplitterStats {
  readonly lines: number;
  readonly truncatedLines: number;
}

/**
 * Incremental splitter: push() chunks, get complete sanitized lines back. Memory is bounded by
 * MAX_ENCLAVE_LOG_LINE_BYTES whatever the peer sends.
 */
export class LogLineSplitter {
  readonly #maxLineBytes: number;
  readonly #decoder = new TextDecoder('utf-8', { fatal: false });
  #parts: Uint8Array[] = [];
  #partBytes = 0;
  /** The current line overflowed: discard bytes until the next newline. */
  #discarding = false;
  #lines = 0;
  #truncated = 0;

  constructor(maxLineBytes: number = MAX_ENCLAVE_LOG_LINE_BYTES) {
    if (!Number.isSafeInteger(maxLineBytes) || maxLineBytes < 1) throw new RangeError(`maxLineBytes must be a positive integer, got ${maxLineBytes}`);
    this.#maxLineBytes = maxLineBytes;
  }

  get stats(): LogLineSplitterStats {
    return { lines: this.#lines, truncatedLines: this.#truncated };
  }

  push(chunk: Uint8Array): string[] {
    const out: string[] = [];
    let at = 0;
    while (at < chunk.length) {
      const newline = chunk.indexOf(NEWLINE, at);
      const end = newline === -1 ? chunk.length : newline;
      this.#take(chunk.subarray(at, end));
      if (newline === -1) break;
      out.push(this.#finishLine());
      at = newline + 1;
    }
    return out;
  }

  /** The peer closed: a final line without a newline is still delivered. */
  end(): string[] {
    return this.#partBytes > 0 || this.#discarding ? [this.#finishLine()] : [];
  }

  #take(bytes: Uint8Array): void {
    if (this.#discarding || bytes.length === 0) return;
    const room = this.#maxLineBytes - this.#partBytes;
    if (bytes.length > room) {
      this.#parts.push(bytes.slice(0, room));
      this.#partBytes += room;
      this.#discarding = true;
      return;
    }
    this.#parts.push(bytes.slice());
    this.#partBytes += bytes.length;
  }

  #finishLine(): string {
    const joined = new Uint8Array(this.#partBytes);
    let offset = 0;
    for (const part of this.#parts) {
      joined.set(part, offset);
      offset += part.length;
    }
    const truncated = this.#discarding;
    this.#parts = [];
    this.#partBytes = 0;
    this.#discarding = false;
    this.#lines += 1;
    if (truncated) this.#truncated += 1;
    // A cut may split a UTF-8 sequence: the decoder turns the stub into U+FFFD rather than failing.
    const text = sanitizeLogText(this.#decoder.decode(joined));
    return truncated ? `${text}${TRUNCATED_MARK}` : text;
  }
}
