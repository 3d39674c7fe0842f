import type { ErrorCode, ErrorParams, WarningCode, WarningParams, WarningValue } from '../contract/error-codes';

/** A parameter value of an error: JSON data a front end words (device, byte offset, sizes...). */
export type ErrorParamValue = string | number | boolean | null | undefined | readonly unknown[] | { readonly [k: string]: unknown };

/**
 * Errors as values: every failure Flint reports carries a stable `code` (for programs and the UI)
 * and a `message` a person can act on. `causes` lists coreos-installer-style "Caused by:" lines.
 * Codes of the flash pipeline's catalogue (electron/contract/error-codes.ts) also carry `params`,
 * from which each front end words the error itself (no rewording of `message`).
 */
export class FlintError extends Error {
  /** Stable machine-readable code, e.g. `ISO_INCOMPLETE`, `DOWNLOAD_SHA256_MISMATCH`. */
  readonly code: string;
  /** Underlying reasons, outermost first (printed as `Caused by:` lines). */
  readonly causes: string[];
  /** What a front end needs to word the error (catalogued codes; see `codedError`). */
  readonly params?: Readonly<Record<string, ErrorParamValue>>;

  constructor(code: string, message: string, causes: string[] = [], params?: Record<string, ErrorParamValue>) {
    super(message);
    this.name = 'FlintError';
    this.code = code;
    this.causes = causes;
    if (params) this.params = params;
  }

  /** A plain, serializable form (for IPC, JSON output and the writer helper's protocol). */
  toJSON(): FlintErrorValue {
    const v: FlintErrorValue = { code: this.code, message: this.message, causes: this.causes };
    if (this.params) v.params = this.params;
    return v;
  }
}

/**
 * A FlintError with a catalogued code and its typed parameters. `message` is plain English for
 * logs and programs; the CLI and the app word the error from code and parameters.
 */
export function codedError<C extends ErrorCode>(code: C, params: ErrorParams[C], message: string, causes: string[] = []): FlintError {
  return new FlintError(code, message, causes, params as Record<string, ErrorParamValue>);
}

/** A catalogued warning value. */
export function warning<C extends WarningCode>(code: C, params: WarningParams[C], message: string): WarningValue {
  return { code, params, message } as WarningValue;
}

/** The serializable shape of a FlintError. */
export interface FlintErrorValue {
  code: string;
  message: string;
  causes?: string[];
  params?: Readonly<Record<string, ErrorParamValue>>;
}

/** Converts anything thrown into a FlintErrorValue; unknown errors get code `INTERNAL`. */
export function toErrorValue(err: unknown): FlintErrorValue {
  if (err instanceof FlintError) return err.toJSON();
  if (err instanceof Error) {
    const code = (err as NodeJS.ErrnoException).code;
    return { code: code ? `SYS_${code}` : 'INTERNAL', message: err.message };
  }
  return { code: 'INTERNAL', message: String(err) };
}

/** Turns a FlintErrorValue (e.g. from the helper's protocol) back into a FlintError. */
export function fromErrorValue(v: FlintErrorValue): FlintError {
  return new FlintError(v.code, v.message, v.causes ?? [], v.params as Record<string, ErrorParamValue> | undefined);
}
