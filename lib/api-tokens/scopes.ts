/**
 * What a token may be used for. A route under /api/v1 names the scope it needs; a token holding the
 * ":write" scope of a resource may also read it. Scopes only narrow: the owner's role and the
 * permission table (lib/auth/permissions.ts) still decide, on every request.
 */
export const SCOPES = {
  "generations:read": "Read batches, generations and estimates.",
  "generations:write": "Queue and cancel generations and batches (implies generations:read).",
  "assets:read": "Search and read assets, their versions, checks, decisions and downloads.",
  "review:read": "Read the review queue and review decisions.",
  "exports:read": "Read export jobs and download their ZIPs.",
  "exports:write": "Create export jobs (implies exports:read).",
  "costs:read": "Read spend and cost-per-usable-asset reports.",
} as const;

export type Scope = keyof typeof SCOPES;

export const SCOPE_NAMES = Object.keys(SCOPES) as [Scope, ...Scope[]];

export function isScope(value: string): value is Scope {
  return value in SCOPES;
}

/** True when the granted scopes cover the needed one ("x:write" covers "x:read"). */
export function hasScope(granted: readonly string[], needed: Scope): boolean {
  if (granted.includes(needed)) return true;
  const [resource, access] = needed.split(":");
  return access === "read" && granted.includes(`${resource}:write`);
}
