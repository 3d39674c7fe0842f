/**
 * Errors as values: every failure Flint reports carries a stable `code` (for programs and the UI)
 * and a `message` a person can act on. `causes` lists coreos-installer-style "Caused by:" lines.
 */
export class FlintError extends Error {
  /** Stable machine-readable code, e.g. `ISO_INCOMPLETE`, `DOWNLOAD_SHA256_MISMATCH`. */
  readonly code: string;
  /** Underlying reasons, outermost first (printed as `Caused by:` lines). */
  readonly causes: string[];

  constructor(code: string, message: string, causes: string[] = []) {
    super(message);
    this.name = 'FlintError';
    this.code = code;
    this.causes = causes;
  }

  /** A plain, serializable form (for IPC, JSON output and the writer helper's protocol). */
  toJSON(): FlintErrorValue {
    return { code: this.code, message: this.message, causes: this.causes };
  }
}

/** The serializable shape of a FlintError. */
export interface FlintErrorValue {
  code: string;
  message: string;
  causes?: string[];
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
