import type { Metadata } from "next";
import Link from "@/components/ui/link";
import { AuditTable } from "@/components/admin/audit-table";
import { AuditVerifyNow } from "@/components/admin/audit-verify-now";
import { Alert } from "@/components/ui/alert";
import { Card, PageHeader } from "@/components/ui/card";
import { listAuditEvents, verifyAuditIncremental, type IncrementalReport } from "@/lib/audit";
import { requirePageCtx } from "@/lib/auth/guard";

export const metadata: Metadata = { title: "Audit log" };

export default async function AuditPage({
  searchParams,
}: {
  searchParams: Promise<{ before?: string; action?: string }>;
}) {
  const ctx = await requirePageCtx("audit.view");
  const params = await searchParams;
  const [events, chain] = await Promise.all([
    listAuditEvents({ db: ctx.db, input: { before: params.before, action: params.action || undefined, limit: 100 } }),
    verifyAuditIncremental({ db: ctx.db }),
  ]);
  const oldest = events.at(-1)?.seq;
  return (
    <>
      <PageHeader
        title="Audit log"
        description="Append-only: the database refuses changes, and each entry carries the hash of the one before it."
      />
      <div className="mb-6 space-y-3">
        <div data-testid="chain-status">
          <ChainStatus chain={chain} />
        </div>
        <AuditVerifyNow />
      </div>
      <Card
        title="Entries"
        actions={
          <div className="flex items-center gap-2">
            <form className="flex gap-2" role="search">
              <input
                name="action"
                defaultValue={params.action}
                placeholder="Filter by action, e.g. auth."
                aria-label="Filter by action"
                className="rounded-md border border-stone-300 px-2 py-1 text-sm"
              />
            </form>
            <a
              href={`/api/admin/audit/export${params.action ? `?action=${encodeURIComponent(params.action)}` : ""}`}
              download
              data-testid="audit-export"
              title={
                params.action
                  ? `Every entry whose action starts with “${params.action}”, oldest first`
                  : "Every entry, oldest first"
              }
              className="inline-flex items-center rounded-md border border-stone-300 bg-white px-3 py-1 text-sm font-medium text-stone-800 hover:bg-stone-100"
            >
              Download CSV
            </a>
          </div>
        }
      >
        <AuditTable events={events.map((e) => ({ ...e, occurredAt: e.occurredAt.toISOString() }))} />
        {oldest && events.length === 100 && (
          <Link
            className="mt-4 inline-block text-sm font-medium text-kiln-700 hover:underline"
            href={`/admin/audit?before=${oldest}${params.action ? `&action=${encodeURIComponent(params.action)}` : ""}`}
          >
            Older entries →
          </Link>
        )}
      </Card>
    </>
  );
}

const WHEN = new Intl.DateTimeFormat("en-GB", {
  day: "numeric",
  month: "short",
  year: "numeric",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  timeZone: "UTC",
});

/** Verified from the newest signed checkpoint on: what the checkpoint vouches for, and what was checked now. */
function ChainStatus({ chain }: { chain: IncrementalReport }) {
  const base = chain.checkpoint ? (
    <>
      Chain verified through #{chain.checkpoint.seq} at{" "}
      <time dateTime={chain.checkpoint.createdAt.toISOString()}>{WHEN.format(chain.checkpoint.createdAt)} UTC</time>{" "}
      (signed checkpoint, {chain.checkpoint.eventCount.toLocaleString("en-US")} entries)
    </>
  ) : (
    <>Chain verified from the first entry (no checkpoint yet)</>
  );
  if (!chain.ok) {
    return (
      <Alert tone="error">
        Chain broken at entry #{chain.brokenAt}: {chain.reason}.{" "}
        {chain.checkpoint ? `Last signed checkpoint #${chain.checkpoint.seq}; ` : ""}
        {chain.newChecked.toLocaleString("en-US")} entries verified before the break. Run{" "}
        <code>npm run audit:verify</code> for the full walk.
      </Alert>
    );
  }
  return (
    <Alert tone="success">
      {base}; {chain.newChecked.toLocaleString("en-US")} new {chain.newChecked === 1 ? "entry" : "entries"} verified
      now. Head #{chain.headSeq}, {chain.headHash.slice(0, 12)}…
    </Alert>
  );
}
