import { AppError, ERROR_CODES, toPublicError, type ErrorCode } from "@/lib/errors";
import { logger } from "@/lib/observability/logger";

/**
 * The public API's error codes: the product's own (lib/errors) plus the API's. Stable: clients
 * branch on them, so a code is never renamed or reused for something else.
 */
export const API_ERROR_CODES = {
  ...Object.fromEntries(Object.entries(ERROR_CODES).map(([code, v]) => [code, v.status])),
  idempotency_key_reused: 422,
  idempotency_key_in_use: 409,
} as Record<ErrorCode | "idempotency_key_reused" | "idempotency_key_in_use", number>;

export type ApiErrorCode = keyof typeof API_ERROR_CODES;

/** `{error: {code, message, field?}}` — the one shape every /api/v1 error has. */
export type ApiErrorBody = { error: { code: ApiErrorCode; message: string; field?: string } };

export class ApiError extends Error {
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

export function apiErrorBody(error: unknown, requestId?: string): { status: number; body: ApiErrorBody } {
  if (error instanceof ApiError) {
    return {
      status: API_ERROR_CODES[error.code],
      body: { error: { code: error.code, message: error.message, ...(error.field ? { field: error.field } : {}) } },
    };
  }
  const pub = toPublicError(error);
  if (pub.code === "internal") logger.error({ err: error, requestId }, "api/v1: internal error");
  const field =
    error instanceof AppError && error.fields ? Object.keys(error.fields).find((k) => k !== "_") : undefined;
  return {
    status: API_ERROR_CODES[pub.code],
    body: { error: { code: pub.code, message: pub.message, ...(field ? { field } : {}) } },
  };
}
