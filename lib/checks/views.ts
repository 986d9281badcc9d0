import { desc, eq, inArray, sql } from "drizzle-orm";
import type { DbExecutor } from "@/db";
import { assets, checkResults, checkRuns, type AssetStatus, type CheckResult, type CheckRun } from "@/db/schema";
import { getCheck } from "./registry";
import type { Verdict } from "./types";

export type { AssetStatus } from "@/db/schema";

export type CheckBadge = {
  checkId: string;
  label: string;
  verdict: Verdict;
  reasonCode: string | null;
  errored: boolean;
};

/** What a thumbnail shows: where the asset stands and one badge per check of its newest run. */
export type AssetCheckSummary = {
  assetId: string;
  status: AssetStatus;
  statusReason: string | null;
  verdict: Verdict | null;
  checks: CheckBadge[];
};

export function badgeOf(r: Pick<CheckResult, "checkId" | "verdict" | "reasonCode" | "error">): CheckBadge {
  return {
    checkId: r.checkId,
    label: getCheck(r.checkId)?.label ?? r.checkId,
    verdict: r.verdict,
    reasonCode: r.reasonCode,
    errored: !!r.error,
  };
}

/** The newest run of each asset version. */
export async function latestRuns(db: DbExecutor, versionIds: string[]): Promise<Map<string, CheckRun>> {
  if (versionIds.length === 0) return new Map();
  const runs = await db
    .select()
    .from(checkRuns)
    .where(inArray(checkRuns.assetVersionId, versionIds))
    .orderBy(desc(checkRuns.createdAt));
  const out = new Map<string, CheckRun>();
  for (const r of runs) if (!out.has(r.assetVersionId)) out.set(r.assetVersionId, r);
  return out;
}

/** The newest run of each asset version with one badge per check of that run. */
export async function latestRunBadges(
  db: DbExecutor,
  versionIds: string[],
): Promise<Map<string, { run: CheckRun; checks: CheckBadge[] }>> {
  const runs = await latestRuns(db, versionIds);
  const runIds = [...runs.values()].map((r) => r.id);
  const results = runIds.length
    ? await db.select().from(checkResults).where(inArray(checkResults.checkRunId, runIds))
    : [];
  return new Map(
    [...runs].map(([versionId, run]) => [
      versionId,
      { run, checks: results.filter((r) => r.checkRunId === run.id).map(badgeOf) },
    ]),
  );
}

/** Check summaries keyed by generation id, for the Jobs page's grid. */
export async function checkSummariesForGenerations(
  db: DbExecutor,
  generationIds: string[],
): Promise<Map<string, AssetCheckSummary>> {
  if (generationIds.length === 0) return new Map();
  const rows = await db.select().from(assets).where(inArray(assets.generationId, generationIds));
  const latest = await latestRunBadges(
    db,
    rows.flatMap((a) => (a.currentVersionId ? [a.currentVersionId] : [])),
  );
  const out = new Map<string, AssetCheckSummary>();
  for (const a of rows) {
    if (!a.generationId) continue;
    const l = a.currentVersionId ? latest.get(a.currentVersionId) : undefined;
    out.set(a.generationId, {
      assetId: a.id,
      status: a.status,
      statusReason: a.statusReason,
      verdict: l?.run.verdict ?? null,
      checks: l?.checks ?? [],
    });
  }
  return out;
}

/** A run's results for the asset page's check panel: score, threshold, verdict, why, check version. */
export async function runResults(db: DbExecutor, runId: string) {
  return resultViews(await db.select().from(checkResults).where(eq(checkResults.checkRunId, runId)));
}

/** runResults of the newest run of an asset version (none: no run yet), in one statement. */
export async function latestRunResults(db: DbExecutor, versionId: string) {
  const newest = sql`(select ${checkRuns.id} from ${checkRuns} where ${checkRuns.assetVersionId} = ${versionId} order by ${checkRuns.createdAt} desc limit 1)`;
  return resultViews(await db.select().from(checkResults).where(eq(checkResults.checkRunId, newest)));
}

function resultViews(rows: CheckResult[]) {
  return rows
    .map((r) => {
      const check = getCheck(r.checkId);
      return {
        checkId: r.checkId,
        label: check?.label ?? r.checkId,
        group: check?.group ?? "quality",
        description: check?.description ?? "",
        version: r.checkVersion,
        score: r.score,
        threshold: r.threshold,
        verdict: r.verdict,
        reasonCode: r.reasonCode,
        detail: r.detail,
        error: r.error,
        durationMs: r.durationMs,
      };
    })
    .sort(
      (a, b) =>
        ["safety", "quality", "consistency"].indexOf(a.group) - ["safety", "quality", "consistency"].indexOf(b.group),
    );
}
export type CheckResultView = Awaited<ReturnType<typeof runResults>>[number];
