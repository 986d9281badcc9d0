"use client";

import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from "react";
import { toast } from "sonner";
import { useShortcuts } from "@/components/ui/shortcuts";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { DecisionBar, REVIEW_SHORTCUTS, type Mode } from "./decision-bar";
import { QueueList } from "./queue-list";
import { ReviewDetail } from "./review-detail";
import type { QueueItem } from "@/lib/review/queue";
import { withQueueItem } from "@/lib/review/queue-order";
import { plural, reasonLabel } from "@/lib/labels";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { keyBelongsToControl } from "@/components/ui/shortcut-target";
import {
  fetchNextItem,
  useRejectReasons,
  useReviewActions,
  useReviewQueue,
  type Decision,
  type QueueFilters,
} from "./use-review";

type Flash = { tone: "success" | "error" | "info"; text: string } | null;

/** The list refreshes when the reviewer pauses this long after a decision… */
const PAUSE_MS = 3_000;
/** …or at once when fewer than this many of the loaded assets are left and the queue holds more. */
const LOW_WATER = 20;

/**
 * The review queue and the asset under review side by side, driven by the keyboard: J/K move,
 * A/C/X/R decide, number keys pick a reject reason, U undoes the last decision, Z zooms.
 */
export function ReviewWorkspace() {
  const [filters, setFilters] = useState<QueueFilters>({});
  const queue = useReviewQueue(filters);
  const reasonsData = useRejectReasons().data?.reasons;
  const reasons = useMemo(() => reasonsData ?? [], [reasonsData]);
  const [confirmBulk, setConfirmBulk] = useState(false);
  const actions = useReviewActions();
  const [currentId, setCurrentId] = useState<string | null>(null);
  const [decided, setDecided] = useState<Set<string>>(new Set());
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [mode, setMode] = useState<Mode>({ kind: "idle" });
  const [comment, setComment] = useState("");
  const [zoom, setZoom] = useState(false);
  const [flash, setFlash] = useState<Flash>(null);
  // Outcomes are toasts; an error stays on the page until the next outcome replaces it.
  const notify = useCallback((tone: "success" | "info", text: string) => {
    setFlash(null);
    if (tone === "success") toast.success(text);
    else toast(text);
  }, []);
  useShortcuts(REVIEW_SHORTCUTS);
  const [last, setLast] = useState<{ decisionId: string; assetId: string } | null>(null);
  // The asset the server named next after the last decision (fetchNextItem), when it is newer than the list.
  const [fetched, setFetched] = useState<{ item: QueueItem; at: number; filters: QueueFilters } | null>(null);
  const [decisions, setDecisions] = useState(0);
  const filtersRef = useRef(filters);
  useEffect(() => {
    filtersRef.current = filters;
  }, [filters]);

  // Decided assets leave the list at once, before the queue refetches; the server's next asset joins
  // it in queue order (or replaces its older copy) until the list is fetched again.
  const items = useMemo(() => {
    const listed = (queue.data?.items ?? []).filter((i) => !decided.has(i.assetId));
    const extra =
      fetched && fetched.filters === filters && fetched.at > queue.dataUpdatedAt && !decided.has(fetched.item.assetId)
        ? fetched.item
        : null;
    return extra ? withQueueItem(listed, extra) : listed;
  }, [queue.data, queue.dataUpdatedAt, decided, fetched, filters]);

  // The list itself refreshes once the reviewer pauses (and on its interval), not after every decision.
  const { refreshQueue } = actions;
  useEffect(() => {
    if (decisions === 0) return;
    const timer = setTimeout(() => void refreshQueue(), PAUSE_MS);
    return () => clearTimeout(timer);
  }, [decisions, refreshQueue]);
  const index = Math.max(
    0,
    items.findIndex((i) => i.assetId === currentId),
  );
  const current = items[index] ?? null;

  useEffect(() => {
    if (!currentId && items[0]) setCurrentId(items[0].assetId);
  }, [items, currentId]);

  const move = useCallback(
    (delta: number) => {
      const next = items[Math.min(items.length - 1, Math.max(0, index + delta))];
      if (next) setCurrentId(next.assetId);
      setMode({ kind: "idle" });
      setZoom(false);
    },
    [items, index],
  );

  // Assets whose decision is on its way: a second key on the same asset is ignored, but the next
  // asset can be decided at once (a list refresh can open it before the previous answer arrives).
  const deciding = useRef(new Set<string>());
  const decide = useCallback(
    (decision: Decision, extra: { reasonCode?: string; comment?: string } = {}) => {
      if (!current || deciding.current.has(current.assetId)) return;
      const nextItem = items[index + 1] ?? items[index - 1] ?? null;
      deciding.current.add(current.assetId);
      const settled = () => deciding.current.delete(current.assetId);
      actions.decide
        .mutateAsync({ assetId: current.assetId, assetVersionId: current.versionId, decision, ...extra })
        .then(
          (r) => {
            settled();
            const guess = nextItem?.assetId ?? null;
            const asked = filtersRef.current;
            // The list may be stale (another reviewer's claim, a decision elsewhere): ask the server which
            // asset is next after this one, one row, while the guess from the list is already opening.
            void fetchNextItem(asked, current.queueKey).then(
              (item) => {
                if (filtersRef.current !== asked) return;
                if (item) setFetched({ item, at: Date.now(), filters: asked });
                const actual = item?.assetId ?? items[index - 1]?.assetId ?? null;
                if (actual !== guess) {
                  setCurrentId((id) => (id === guess ? actual : id));
                  void actions.refreshQueue();
                }
              },
              () => void actions.refreshQueue(),
            );
            const loaded = queue.data;
            if (loaded && loaded.total > loaded.items.length && items.length - 1 < LOW_WATER)
              void actions.refreshQueue();
            setDecisions((n) => n + 1);
            setDecided((d) => new Set(d).add(current.assetId));
            setSelected((s) => {
              const n = new Set(s);
              n.delete(current.assetId);
              return n;
            });
            setLast({ decisionId: r.decisionId, assetId: current.assetId });
            // Moves on only from the decided asset: the reviewer may already be on the next one.
            setCurrentId((id) => (id === current.assetId || id === null ? (nextItem?.assetId ?? null) : id));
            setMode({ kind: "idle" });
            setComment("");
            setZoom(false);
            const what =
              r.status === "approved"
                ? `${decision === "approve_with_changes" ? "Approved with changes" : "Approved"} (${r.approvalId})`
                : r.status === "in_review"
                  ? `Approved ${r.approvals} of ${r.approvalsNeeded}: a second reviewer must approve too`
                  : r.status === "rejected"
                    ? `Rejected: ${reasons.find((x) => x.code === extra.reasonCode)?.label ?? reasonLabel(extra.reasonCode ?? "")}`
                    : "Changes requested";
            notify("success", `${current.title}: ${what}. U to undo.`);
          },
          (e: Error) => {
            settled();
            setFlash({ tone: "error", text: e.message });
          },
        );
    },
    [current, items, index, actions, queue.data, reasons, notify],
  );

  const undo = useCallback(() => {
    if (!last) return notify("info", "Nothing to undo.");
    actions.undo.mutate(last.decisionId, {
      onSuccess: () => {
        setDecided((d) => {
          const n = new Set(d);
          n.delete(last.assetId);
          return n;
        });
        setCurrentId(last.assetId);
        setLast(null);
        notify("info", "Decision undone; the asset is back in the queue.");
      },
      onError: (e) => setFlash({ tone: "error", text: e.message }),
    });
  }, [last, actions.undo, notify]);

  const keys = useRef<(e: KeyboardEvent) => void>(() => {});
  // The key handler sees this render's state; it is swapped in after the commit, not during render, and
  // in a layout effect: after a render that no key started (a decision's answer opening the next asset, a
  // list refresh) a passive effect can run after the browser paints, and a key pressed in between would
  // reach the previous handler, with the previous asset.
  useLayoutEffect(() => {
    keys.current = (e: KeyboardEvent) => {
      // A filter picked with the mouse keeps focus; its select must not swallow A or R (shortcut-target.ts).
      if (e.metaKey || e.ctrlKey || e.altKey || keyBelongsToControl(e.key, e.target)) return;
      if (mode.kind === "reason") {
        if (e.key === "Escape") return setMode({ kind: "idle" });
        if (/^[0-9]$/.test(e.key)) {
          e.preventDefault();
          const reason = reasons[(Number(e.key) + 9) % 10];
          if (reason) decide("reject", { reasonCode: reason.code });
          return;
        }
      }
      const k = e.key.toLowerCase();
      const map: Record<string, () => void> = {
        j: () => move(1),
        k: () => move(-1),
        a: () => decide("approve"),
        c: () => setMode({ kind: "comment", decision: "approve_with_changes" }),
        x: () => setMode({ kind: "comment", decision: "request_changes" }),
        r: () => setMode({ kind: "reason" }),
        u: undo,
        z: () => setZoom((z) => !z),
        escape: () => setMode({ kind: "idle" }),
      };
      if (map[k]) {
        e.preventDefault();
        map[k]();
      }
    };
  });

  useEffect(() => {
    const handler = (e: KeyboardEvent) => keys.current(e);
    window.addEventListener("keydown", handler);
    return () => window.removeEventListener("keydown", handler);
  }, []);

  const campaigns = [
    ...new Set((queue.data?.items ?? []).map((i) => i.campaign).filter((c): c is string => !!c)),
  ].sort();
  const bulkItems = items.filter((i) => selected.has(i.assetId));
  const select = "rounded-md border border-stone-300 bg-white px-2 py-1 text-sm";

  return (
    <div className="space-y-3">
      <div className="flex flex-wrap items-center gap-3 text-sm">
        <select
          aria-label="Tier"
          className={select}
          value={filters.tier ?? ""}
          onChange={(e) => setFilters({ ...filters, tier: e.target.value || undefined })}
        >
          <option value="">All tiers</option>
          <option value="support">support</option>
          <option value="hero">hero</option>
          <option value="draft">draft</option>
        </select>
        <select
          aria-label="Campaign"
          className={select}
          value={filters.campaign ?? ""}
          onChange={(e) => setFilters({ ...filters, campaign: e.target.value || undefined })}
        >
          <option value="">All campaigns</option>
          {campaigns
            .concat(filters.campaign && !campaigns.includes(filters.campaign) ? [filters.campaign] : [])
            .map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
        </select>
        <select
          aria-label="Check warnings"
          className={select}
          value={filters.warnings ?? ""}
          onChange={(e) => setFilters({ ...filters, warnings: e.target.value || undefined })}
        >
          <option value="">Any checks</option>
          <option value="only">With check warnings</option>
          <option value="none">All checks passed</option>
        </select>
        <span className="text-stone-500" data-testid="queue-count">
          {items.length} waiting
          {queue.data && queue.data.total > queue.data.items.length
            ? ` (showing the oldest ${queue.data.items.length} of ${queue.data.total})`
            : ""}{" "}
          · SLA {queue.data?.slaHours ?? 24} h
        </span>
        <Button
          variant="secondary"
          disabled={actions.claim.isPending}
          onClick={() =>
            actions.claim.mutate(
              { size: 20, filters },
              {
                onSuccess: (r) =>
                  notify(
                    "info",
                    `Claimed ${r.claimed} more assets until ${new Date(r.expiresAt).toLocaleTimeString()}; others will not see them.`,
                  ),
                onError: (e) => setFlash({ tone: "error", text: e.message }),
              },
            )
          }
        >
          Claim next 20
        </Button>
        {bulkItems.length > 0 && (
          <Button onClick={() => setConfirmBulk(true)}>Approve {plural(bulkItems.length, "selected asset")}</Button>
        )}
        {confirmBulk && bulkItems.length > 0 && (
          <ConfirmDialog
            title={`Approve ${plural(bulkItems.length, "asset")}?`}
            confirmLabel={`Approve ${plural(bulkItems.length, "asset")}`}
            busy={actions.bulk.isPending}
            onCancel={() => setConfirmBulk(false)}
            onConfirm={() => {
              setConfirmBulk(false);
              actions.bulk.mutate(
                bulkItems.map((i) => ({ assetId: i.assetId, assetVersionId: i.versionId })),
                {
                  onSuccess: (r) => {
                    setDecided((d) => new Set([...d, ...r.approved, ...r.partial]));
                    setSelected(new Set());
                    setCurrentId(null);
                    const text = `Approved ${r.approved.length}.${r.partial.length ? ` ${r.partial.length} hero assets have 1 of 2 approvals and wait for a second reviewer.` : ""}${r.refused.length ? ` Refused ${r.refused.length}: ${r.refused[0]!.message}` : ""}`;
                    if (r.refused.length) setFlash({ tone: "error", text });
                    else notify("success", text);
                  },
                  onError: (e) => setFlash({ tone: "error", text: e.message }),
                },
              );
            }}
          >
            Each is approved under the same rules as one by one: hero assets still need a second reviewer.
          </ConfirmDialog>
        )}
      </div>
      {(queue.data?.heldByOthers ?? []).length > 0 && (
        <p className="text-xs text-stone-500" data-testid="held-by-others">
          Claimed by other reviewers, not shown:{" "}
          {queue
            .data!.heldByOthers.map(
              (h) =>
                `${h.reviewer} holds ${plural(h.count, "asset")} until ${new Date(h.until).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" })}`,
            )
            .join(" · ")}
        </p>
      )}
      {flash && <Alert tone={flash.tone}>{flash.text}</Alert>}
      {queue.isError && <Alert tone="error">{queue.error.message}</Alert>}
      {queue.isPending ? (
        <p className="text-sm text-stone-500">Loading the queue…</p>
      ) : items.length === 0 ? (
        <p
          className="rounded-lg border border-dashed border-stone-300 p-10 text-center text-sm text-stone-500"
          data-testid="queue-empty"
        >
          Nothing waiting for you. New assets appear here once their automated checks finish.
        </p>
      ) : (
        <div className="grid grid-cols-1 gap-4 lg:grid-cols-[18rem_minmax(0,1fr)]">
          <div className="max-h-56 overflow-y-auto lg:max-h-[80vh]">
            <QueueList
              items={items}
              current={current?.assetId ?? null}
              selected={selected}
              onOpen={(id) => {
                setCurrentId(id);
                setMode({ kind: "idle" });
              }}
              onToggle={(id) =>
                setSelected((s) => {
                  const n = new Set(s);
                  if (n.has(id)) n.delete(id);
                  else n.add(id);
                  return n;
                })
              }
            />
          </div>
          {current && (
            <ReviewDetail
              key={current.assetId}
              item={current}
              zoom={zoom}
              onZoom={() => setZoom((z) => !z)}
              decisionBar={
                <DecisionBar
                  mode={mode}
                  reasons={reasons}
                  busy={actions.decide.isPending}
                  onDecide={decide}
                  onMode={setMode}
                  comment={comment}
                  onComment={setComment}
                />
              }
            />
          )}
        </div>
      )}
    </div>
  );
}
