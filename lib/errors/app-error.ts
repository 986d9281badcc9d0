/**
 * The one error type the product throws on purpose. Routes and actions map it to a response;
 * anything else is an internal error whose details never reach a user.
 */
export const ERROR_CODES = {
  invalid_input: { status: 400, userVisible: true },
  unauthenticated: { status: 401, userVisible: true },
  forbidden: { status: 403, userVisible: true },
  not_found: { status: 404, userVisible: true },
  conflict: { status: 409, userVisible: true },
  // Existed, and is no more (an expired export's file): do not retry, make it again.
  gone: { status: 410, userVisible: true },
  payload_too_large: { status: 413, userVisible: true },
  unsupported_media_type: { status: 415, userVisible: true },
  rate_limited: { status: 429, userVisible: true },
  // A request refused by policy (banned terms, budgets, kill switches): the message says why.
  policy_blocked: { status: 422, userVisible: true },
  unavailable: { status: 503, userVisible: true },
  internal: { status: 500, userVisible: false },
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export type FieldErrors = Record<string, string[]>;

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly fields?: FieldErrors;

  constructor(code: ErrorCode, message: string, options?: { fields?: FieldErrors; cause?: unknown }) {
    super(message, { cause: options?.cause });
    this.name = "AppError";
    this.code = code;
    this.fields = options?.fields;
  }
}

export type PublicError = { code: ErrorCode; message: string; fields?: FieldErrors };

const INTERNAL_MESSAGE = "Something went wrong on our side. Try again; if it keeps happening, tell an admin.";

/** What a user may see of any thrown value. */
export function toPublicError(error: unknown): PublicError {
  if (error instanceof AppError && ERROR_CODES[error.code].userVisible) {
    return { code: error.code, message: error.message, ...(error.fields ? { fields: error.fields } : {}) };
  }
  return { code: "internal", message: INTERNAL_MESSAGE };
}

export function statusOf(error: PublicError): number {
  return ERROR_CODES[error.code].status;
}
