import type { APIRequestContext } from "@playwright/test";

/** The demo server's GPU simulator (e2e/support/serve.ts puts it at the app port + 5100; KILN_E2E_PORT moves the app). */
export const DEMO_SIMULATOR = `http://127.0.0.1:${Number(process.env.KILN_E2E_PORT ?? 3100) + 5100}`;

export async function setSimulator(request: APIRequestContext, knobs: Record<string, unknown>): Promise<void> {
  const res = await request.post(`${DEMO_SIMULATOR}/simulator/config`, { data: knobs });
  if (!res.ok()) throw new Error(`simulator config refused: ${res.status()} ${await res.text()}`);
}
