import { ASSET_STATUS_LABEL, reasonLabel, VERDICT_LABEL } from "@/lib/labels";
import type { Metadata } from "next";
import Link from "@/components/ui/link";
import { CheckPanel } from "@/components/assets/check-panel";
import { ProductCard } from "@/components/assets/product-metadata";
import { Provenance } from "@/components/assets/provenance";
import { RecheckButton } from "@/components/assets/recheck-button";
import { RerunDialog } from "@/components/assets/rerun-dialog";
import { RerunLinks } from "@/components/assets/rerun-links";
import { ReviewHistory } from "@/components/assets/review-history";
import { UsageNotesForm } from "@/components/assets/usage-notes-form";
import { AssetStatusBadge } from "@/components/checks/check-badges";
import { AltTextCard } from "@/components/delivery/alt-text-card";
import { AssetShareButton } from "@/components/delivery/asset-share-button";
import { UsageRightsCard } from "@/components/delivery/usage-rights-card";
import { AssetOrganisePanel } from "@/components/library/asset-organise-panel";
import { DownloadMenu } from "@/components/delivery/download-menu";
import { AutoRefresh } from "@/components/runs/auto-refresh";
import { PlacementsPanel } from "@/components/delivery/placements-panel";
import { Card, PageHeader } from "@/components/ui/card";
import { getAssetDetail } from "@/lib/assets/asset-detail";
import { requirePageCtx } from "@/lib/auth/guard";
import { can } from "@/lib/auth/permissions";
import { AssetComments } from "@/components/review/asset-comments";
import { formatMicros } from "@/lib/costs/estimate";
import { notFoundOnAppError } from "@/lib/http/not-found";

export const metadata: Metadata = { title: "Asset" };

export default async function AssetPage({ params }: { params: Promise<{ id: string }> }) {
  const ctx = await requirePageCtx("assets.view");
  const { id } = await params;
  const a = await notFoundOnAppError(getAssetDetail({ ctx, assetId: id }));
  // Pinned comments: the asset's designer (and admins) and reviewers, not a team member seeing a shared board.
  const canComment = can(ctx.actor.role, "assets.comment") && (a.canEdit || ctx.actor.role === "reviewer");
  const checking = a.status === "checking" || a.checks.run?.status === "running";
  return (
    <>
      {a.batch && a.canOpenBatch ? (
        <Link href={`/jobs/${a.batch.id}`} className="text-sm text-stone-500 hover:text-stone-800">
          ← {a.batch.name}
        </Link>
      ) : (
        <Link
          href={a.source === "uploaded" && a.canEdit ? "/uploads" : "/assets"}
          className="text-sm text-stone-500 hover:text-stone-800"
        >
          ← {a.source === "uploaded" && a.canEdit ? "Uploads" : "Library"}
        </Link>
      )}
      <PageHeader
        title={`${a.title}${a.reroll?.depth ? ` · re-roll ${a.reroll.depth}` : ""}`}
        description={`${a.owner} · ${a.source === "uploaded" ? "uploaded (reviewed as support)" : `${a.tier} tier`} · version ${a.version.number} · ${a.version.width}×${a.version.height}${a.batch?.campaign ? ` · campaign ${a.batch.campaign}` : ""}`}
        actions={
          <div className="flex items-center gap-3">
            <AssetStatusBadge status={a.status} reason={a.statusReason} />
            {a.canEdit && (
              <Link
                href={`/assets/${a.id}/edit`}
                className="inline-flex items-center rounded-md bg-kiln-600 px-3 py-2 text-sm font-medium text-white hover:bg-kiln-700"
                data-testid="edit-asset"
              >
                Edit
              </Link>
            )}
            {a.canRecheck && ["checking", "in_review", "rejected"].includes(a.status) && (
              <RecheckButton assetId={a.id} />
            )}
            {a.canRerun && <RerunDialog assetId={a.id} />}
            <DownloadMenu assetId={a.id} />
            {/* delivery: share link button */}
            <AssetShareButton assetId={a.id} />
          </div>
        }
      />
      {checking && <AutoRefresh everyMs={1500} />}
      <div className="grid gap-6 lg:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
        <div className="space-y-4">
          {canComment ? (
            <AssetComments
              assetId={a.id}
              versionNumber={a.version.number}
              src={a.version.previewUrl ?? a.version.originalUrl}
              originalUrl={a.version.originalUrl}
              alt={a.provenance?.prompt ?? a.title}
            />
          ) : (
            <a
              href={a.version.originalUrl}
              target="_blank"
              rel="noreferrer"
              className="block overflow-hidden rounded-lg border border-stone-200 bg-stone-100"
            >
              {/* eslint-disable-next-line @next/next/no-img-element */}
              <img
                src={a.version.previewUrl ?? a.version.originalUrl}
                alt={a.provenance?.prompt ?? a.title}
                className="mx-auto max-h-[70vh] object-contain"
              />
            </a>
          )}
          <RerollNote a={a} />
          <RerunLinks rerun={a.rerun} />
          <PlacementsPanel ctx={ctx} assetId={a.id} />
        </div>
        <div className="space-y-6">
          <AssetOrganisePanel assetId={a.id} />
          {/* delivery: alt text card */}
          <AltTextCard assetId={a.id} />
          <ProductCard metadata={a.metadata} />
          {/* delivery: usage rights card */}
          <UsageRightsCard assetId={a.id} />
          <Card title="Review">
            <ReviewHistory review={a.review} approvalId={a.approvalId} versions={a.versions} />
          </Card>
          <Card title="How it was made">
            <Provenance p={a.provenance} upload={a.upload} />
            {a.canEditNotes && (
              <div className="mt-4 border-t border-stone-100 pt-4">
                <UsageNotesForm assetId={a.id} initial={a.usageNotes} />
              </div>
            )}
          </Card>
          <Card title="Cost so far">
            <p className="text-2xl font-semibold tabular-nums" data-testid="asset-cost">
              {formatMicros(a.spentMicros)}
            </p>
            <p className="text-xs text-stone-500">Every provider call for this image, failed attempts included.</p>
          </Card>
        </div>
      </div>
      <div className="mt-6">
        <Card
          title="Automated checks"
          description={
            a.checks.run
              ? `${a.checks.run.status === "running" ? "Running" : `Decided ${new Date(a.checks.run.decidedAt!).toLocaleString()}`} · ${a.checks.run.trigger}`
              : undefined
          }
        >
          <CheckPanel results={a.checks.results} />
          {a.checks.previousRuns.length > 0 && (
            <p className="mt-3 text-xs text-stone-500">
              Earlier runs:{" "}
              {a.checks.previousRuns
                .map(
                  (r) =>
                    `${r.trigger} → ${r.verdict ? VERDICT_LABEL[r.verdict] : "running"}${r.reasonCode ? ` (${reasonLabel(r.reasonCode)})` : ""}`,
                )
                .join(" · ")}
            </p>
          )}
        </Card>
      </div>
    </>
  );
}

function RerollNote({ a }: { a: Awaited<ReturnType<typeof getAssetDetail>> }) {
  const parts = [];
  if (!a.reroll) return null; // uploaded images are never re-rolled
  if (a.reroll.parentAssetId)
    parts.push(
      <span key="p">
        Re-rolled with a new seed after the checks rejected{" "}
        <Link className="text-kiln-700 hover:underline" href={`/assets/${a.reroll.parentAssetId}`}>
          the previous image
        </Link>
        .
      </span>,
    );
  if (a.reroll.childAsset)
    parts.push(
      <span key="c">
        {" "}
        Replaced by{" "}
        <Link
          className="text-kiln-700 hover:underline"
          href={`/assets/${a.reroll.childAsset.id}`}
          data-testid="reroll-child"
        >
          re-roll {a.reroll.depth + 1}
        </Link>{" "}
        ({ASSET_STATUS_LABEL[a.reroll.childAsset.status]}).
      </span>,
    );
  else if (a.reroll.childQueued) parts.push(<span key="q"> A re-roll is being generated.</span>);
  else if (a.status === "rejected")
    parts.push(
      <span key="l">
        {" "}
        {a.reroll.limit === 0
          ? "This preset does not re-roll rejected images."
          : `No further re-roll: the preset allows ${a.reroll.limit}.`}
      </span>,
    );
  return parts.length ? <p className="text-sm text-stone-600">{parts}</p> : null;
}
