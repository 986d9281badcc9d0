"use client";

export type ApiError = { code: string; message: string; fields?: Record<string, string[]> };

export class RequestError extends Error {
  constructor(readonly error: ApiError) {
    super(error.message);
  }
}

/** fetch + JSON with Kiln's error shape ({ error: { code, message, fields } }) turned into a throw. */
export async function api<T>(url: string, init?: RequestInit & { json?: unknown }): Promise<T> {
  const { json, ...rest } = init ?? {};
  const response = await fetch(
    url,
    json === undefined
      ? rest
      : {
          ...rest,
          method: rest.method ?? "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(json),
        },
  );
  const body = (await response.json().catch(() => null)) as ({ error?: ApiError } & T) | null;
  if (!response.ok)
    throw new RequestError(body?.error ?? { code: "internal", message: `Request failed (${response.status}).` });
  return body as T;
}
