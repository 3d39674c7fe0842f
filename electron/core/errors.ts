/**
 * Errors as values: every failure Flint reports carries a stable `code` (for programs and the UI)
 * and a `message` a person can act on. `causes` lists coreos-installer-style "Caused by:" lines.
 */
export class FlintError extends Error {
  /** Stable machine-readable code, e.g. `ISO_INCOMPLETE`, `DOWNLOAD_SHA256_MISMATCH`. */
  readonly code: string;
  /** Underlying reasons, outermost first (printed as `Caused by:` lines). */
  readonly causes: string[];
  /**
   * The values a front end needs to word the error itself (e.g. `{ host }` for
   * NETWORK_UNREACHABLE); absent for errors whose message is all there is.
   */
  readonly params?: Record<string, string | number>;

  constructor(code: string, message: string, causes: string[] = [], params?: Record<string, string | number>) {
    super(message);
    this.name = 'FlintError';
    this.code = code;
    this.causes = causes;
    if (params) this.params = params;
  }

  /** A plain, serializable form (for IPC, JSON output and the writer helper's protocol). */
  toJSON(): FlintErrorValue {
    return { code: this.code, message: this.message, causes: this.causes, ...(this.params ? { params: this.params } : {}) };
  }
}

/** The serializable shape of a FlintError. */
export interface FlintErrorValue {
  code: string;
  message: string;
  causes?: string[];
  /** Values for front ends that word the error from its code (see FlintError.params). */
  params?: Record<string, string | number>;
}

/** Result of an operation that reports its failure as a value instead of throwing. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: FlintErrorValue };

/** Converts anything thrown into a FlintErrorValue; unknown errors get code `INTERNAL`. */
export function toErrorValue(err: unknown): FlintErrorValue {
  if (err instanceof FlintError) return err.toJSON();
  if (err instanceof Error) {
    const code = (err as NodeJS.ErrnoException).code;
    return { code: code ? `SYS_${code}` : 'INTERNAL', message: err.message };
  }
  return { code: 'INTERNAL', message: String(err) };
}

/** Runs `fn` and wraps its outcome in a Result. */
export async function attempt<T>(fn: () => Promise<T> | T): Promise<Result<T>> {
  try {
    return { ok: true, value: await fn() };
  } catch (err) {
    return { ok: false, error: toErrorValue(err) };
  }
}
