import type { AltTextStatus, AssetStatus, Tier } from "@/db/schema";

/** What decides whether an asset may leave Kiln for publishing (exports, share links). */
export type PublishFacts = {
  status: AssetStatus;
  tier: Tier | null;
  altTextStatus: AltTextStatus;
  rightsExpiresAt: Date | null;
};

/**
 * Why this asset may not be published, in words a person reads (empty: it may). Exports list these
 * per held-back asset; share links leave such assets out.
 */
export function publishProblems(a: PublishFacts, now = new Date()): string[] {
  const problems: string[] = [];
  if (a.status !== "approved") problems.push(`not approved (${a.status.replace(/_/g, " ")})`);
  if (a.tier === "draft") problems.push("draft tier: drafts are for layout only and never exported");
  if (a.altTextStatus !== "confirmed")
    problems.push(a.altTextStatus === "draft" ? "alt text not confirmed by a person" : "no alt text");
  if (a.rightsExpiresAt && a.rightsExpiresAt.getTime() <= now.getTime()) {
    problems.push(`usage rights expired on ${a.rightsExpiresAt.toISOString().slice(0, 10)}`);
  }
  return problems;
}
