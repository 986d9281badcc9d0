"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Columns2, Maximize, Minus, Plus } from "lucide-react";
import { useCallback, useEffect, useRef, useState } from "react";
import { toast } from "sonner";
import { api, RequestError } from "@/components/api-client";
import { AssetStatusBadge } from "@/components/checks/check-badges";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { keyBelongsToControl } from "@/components/ui/shortcut-target";
import { useShortcuts, type ShortcutGroup } from "@/components/ui/shortcuts";
import type { EditorView } from "@/lib/editing/editor-view";
import { EDIT_OPERATION_LABEL } from "@/lib/labels";
import { CanvasStage, type Backdrop, type StageHandle, type Tool } from "./canvas-stage";
import { CompareSlider } from "./compare-slider";
import { EditProgress } from "./edit-progress";
import { exportMask } from "./mask-canvas";
import { ToolPanel } from "./tool-panel";
import { VersionList } from "./version-list";

const running = (v?: EditorView) => !!v?.edits.some((e) => e.status === "queued" || e.status === "running");
const unsettled = (v?: EditorView) => !!v?.versions.some((x) => !x.thumbUrl || x.checks?.status === "running");

const EDITOR_SHORTCUTS: ShortcutGroup = {
  title: "Editor",
  keys: [
    ["B", "brush"],
    ["E", "eraser (of the mask)"],
    ["H", "hand: drag to pan"],
    ["Space (hold)", "pan while held"],
    ["[ / ]", "smaller / larger brush"],
    ["+ / −", "zoom in / out"],
    ["0", "fit the image"],
  ],
};

type EditBody = {
  operation: "erase" | "upscale" | "remove_background";
  params?: Record<string, unknown>;
  mask?: string;
};

/**
 * The unified editor: the canvas (zoom, pan, mask painting), the operations, the progress of the
 * running edit, the version list with restore and send to review, and a before/after comparison.
 * Every operation is a background job; the page polls the editor's data while one runs.
 */
export function Editor({ assetId, initial }: { assetId: string; initial: EditorView }) {
  const qc = useQueryClient();
  const { data = initial } = useQuery({
    queryKey: ["editor", assetId],
    queryFn: () => api<EditorView>(`/api/assets/${assetId}/editor`),
    initialData: initial,
    refetchInterval: (q) => (running(q.state.data) ? 800 : unsettled(q.state.data) ? 2000 : false),
  });
  const [selected, setSelected] = useState(initial.asset.currentVersion);
  const [tool, setTool] = useState<Tool>("brush");
  const [brushSize, setBrushSize] = useState(40);
  const [hasMask, setHasMask] = useState(false);
  const [zoom, setZoom] = useState(1);
  const [background, setBackground] = useState("transparent");
  const [backdrop, setBackdrop] = useState<Backdrop>("checker");
  const [error, setError] = useState<string | null>(null);
  const [preview, setPreview] = useState<{ url: string; width: number; height: number; label: string } | null>(null);
  const [compare, setCompare] = useState<{ before: number; after: number } | null>(null);
  const stage = useRef<StageHandle>(null);
  const pendingKey = useRef<string | null>(null);

  // A new version (an edit finished, a restore) becomes the one shown, current or not (outside draft
  // work it stays with the designer until sent to review); the preview has served its purpose.
  const newest = data.versions[0]!.number;
  const lastNewest = useRef(newest);
  useEffect(() => {
    if (newest !== lastNewest.current) {
      lastNewest.current = newest;
      setSelected(newest);
      setPreview(null);
      stage.current?.clear();
    }
  }, [newest]);
  const failed = data.edits.find((e) => e.status === "failed");
  const lastFailed = useRef(failed?.id);
  useEffect(() => {
    if (failed && failed.id !== lastFailed.current) {
      lastFailed.current = failed.id;
      setPreview(null);
      toast.error(
        `${EDIT_OPERATION_LABEL[failed.operation] ?? failed.operation} failed; the reason is above the canvas.`,
      );
    }
  }, [failed]);

  const version = data.versions.find((v) => v.number === selected) ?? data.versions[0]!;
  const refresh = () => qc.invalidateQueries({ queryKey: ["editor", assetId] });
  const fail = (e: unknown) => setError(e instanceof RequestError ? e.message : "Something went wrong; try again.");

  // The same key until the server answers: a double click queues once.
  const key = () => (pendingKey.current ??= crypto.randomUUID());
  const edit = useMutation({
    mutationFn: (body: EditBody) =>
      api(`/api/assets/${assetId}/edits`, { json: { ...body, sourceVersionNumber: selected, idempotencyKey: key() } }),
    onSettled: () => {
      pendingKey.current = null;
      void refresh();
    },
    onSuccess: (_r, body) =>
      toast(`${EDIT_OPERATION_LABEL[body.operation] ?? body.operation} queued: a new version follows.`),
    onError: (e) => {
      setPreview(null);
      fail(e);
    },
  });
  const versionAction = useMutation({
    mutationFn: ({ n, action }: { n: number; action: "restore" | "send_to_review" }) =>
      api<{ restored?: number; status?: string }>(`/api/assets/${assetId}/versions/${n}`, {
        json: { action, idempotencyKey: key() },
      }),
    onSuccess: (r, v) => {
      setError(null);
      toast.success(
        v.action === "restore"
          ? `Version ${v.n} restored as version ${r.restored}.`
          : `Version ${v.n} sent to review: a reviewer will look at it.`,
      );
    },
    onSettled: () => {
      pendingKey.current = null;
      void refresh();
    },
    onError: fail,
  });
  const busy = edit.isPending || versionAction.isPending || running(data);

  function start(body: EditBody) {
    setError(null);
    edit.mutate(body);
  }
  function onErase() {
    const canvas = stage.current?.canvas;
    if (!hasMask || !canvas)
      return setError("Paint the area to erase first: use the brush over the object you want removed.");
    start({ operation: "erase", mask: exportMask(canvas) });
  }
  async function onUpscale(scale: 2 | 4) {
    start({ operation: "upscale", params: { scale } });
    // The instant Lanczos preview while the engine works (skipped when it would not be instant).
    if (version.width * version.height * scale * scale <= 4096 * 4096) {
      setPreview({
        url: `/api/assets/${assetId}/versions/${version.number}/upscale-preview?scale=${scale}`,
        width: version.width * scale,
        height: version.height * scale,
        label: `Preview: Lanczos ${scale}× (instant); the engine's result replaces it`,
      });
    }
  }

  useShortcuts(EDITOR_SHORTCUTS);
  // The stage measured nothing while the comparison hid it: fit the image again when it returns.
  useEffect(() => {
    if (!compare) stage.current?.fit();
  }, [compare]);

  const setBrush = useCallback((n: number) => setBrushSize(Math.min(400, Math.max(4, Math.round(n)))), []);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (keyBelongsToControl(e.key, e.target)) return;
      if (e.key === "[") setBrush(brushSize / 1.25);
      else if (e.key === "]") setBrush(brushSize * 1.25);
      else if (e.key === "+" || e.key === "=") stage.current?.zoomBy(1.25);
      else if (e.key === "-" || e.key === "_") stage.current?.zoomBy(1 / 1.25);
      else if (e.key === "0") stage.current?.fit();
      else if (e.key === "b" || e.key === "B") setTool("brush");
      else if (e.key === "e" || e.key === "E") setTool("eraser");
      else if (e.key === "h" || e.key === "H") setTool("hand");
      else return;
      e.preventDefault();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [brushSize, setBrush]);

  const shown = preview ?? { url: version.url, width: version.width, height: version.height, label: null };
  const shownBackdrop = backdrop === "checker" && version.hasAlpha === false ? "plain" : backdrop;
  const toggleCompare = () =>
    setCompare((c) =>
      c
        ? null
        : { before: version.parentNumber ?? data.versions[data.versions.length - 1]!.number, after: version.number },
    );
  // At 1280×800 the tools, the canvas (or the comparison in its place) and the versions sit side by side, all in view.
  return (
    <div className="space-y-4">
      {error && <Alert tone="error">{error}</Alert>}
      <EditProgress edits={data.edits} />
      <div className="grid gap-4 lg:grid-cols-[12.5rem_minmax(0,1fr)_17rem]">
        <Card title="Tools" className="order-2 lg:order-none">
          <ToolPanel
            tool={tool}
            setTool={setTool}
            brushSize={brushSize}
            setBrushSize={setBrush}
            hasMask={hasMask}
            onClearMask={() => stage.current?.clear()}
            engines={data.engines}
            busy={busy}
            canEdit={data.canEdit}
            onErase={onErase}
            onUpscale={onUpscale}
            background={background}
            setBackground={setBackground}
            onRemoveBackground={() => start({ operation: "remove_background", params: { background } })}
            backdrop={backdrop}
            setBackdrop={setBackdrop}
          />
        </Card>
        <div className="min-w-0 space-y-2">
          <div className="flex flex-wrap items-center gap-2 text-sm">
            <span className="font-medium" data-testid="editing-version">
              Editing v{version.number} · {version.width}×{version.height}
            </span>
            <AssetStatusBadge status={data.asset.status} reason={data.asset.statusReason} />
            <span className="flex-1" />
            {!compare && (
              <>
                <Button
                  variant="secondary"
                  className="px-2 py-1"
                  aria-label="Zoom out"
                  title="Zoom out (−)"
                  onClick={() => stage.current?.zoomBy(1 / 1.25)}
                >
                  <Minus aria-hidden className="h-4 w-4" />
                </Button>
                <span className="w-12 text-center tabular-nums" data-testid="zoom-level">
                  {Math.round(zoom * 100)}%
                </span>
                <Button
                  variant="secondary"
                  className="px-2 py-1"
                  aria-label="Zoom in"
                  title="Zoom in (+)"
                  onClick={() => stage.current?.zoomBy(1.25)}
                >
                  <Plus aria-hidden className="h-4 w-4" />
                </Button>
                <Button variant="ghost" className="px-2 py-1" title="Fit (0)" onClick={() => stage.current?.fit()}>
                  <Maximize aria-hidden className="h-4 w-4" /> Fit
                </Button>
              </>
            )}
            <Button variant="secondary" className="px-2 py-1" onClick={toggleCompare}>
              <Columns2 aria-hidden className="h-4 w-4" /> {compare ? "Hide comparison" : "Compare versions"}
            </Button>
          </div>
          {/* Hidden, not unmounted, while comparing: the painted mask stays. */}
          <div className={compare ? "hidden" : ""}>
            <CanvasStage
              ref={stage}
              imageUrl={shown.url}
              width={shown.width}
              height={shown.height}
              tool={tool}
              brushSize={brushSize}
              backdrop={shownBackdrop}
              maskEnabled={!preview}
              overlayLabel={shown.label}
              onMaskChange={setHasMask}
              onZoomChange={setZoom}
            />
            <p className="mt-2 text-xs text-stone-500">
              Wheel or + / − to zoom, 0 to fit; hold space (or pick the hand) and drag to pan; [ and ] change the brush.
              ? lists every key.
            </p>
          </div>
          {compare && (
            <section aria-label="Before / after" className="rounded-lg border border-stone-200 bg-white p-3">
              <CompareSlider
                versions={data.versions}
                before={compare.before}
                after={compare.after}
                onPick={(which, n) => setCompare((c) => ({ ...c!, [which]: n }))}
              />
            </section>
          )}
        </div>
        <Card
          title="Versions"
          description={
            data.asset.tier === "draft"
              ? "Every edit is a new version; nothing is overwritten."
              : "Every edit is a new version that stays with you until you send it to review; nothing is overwritten."
          }
          className="order-3 lg:order-none"
        >
          <div className="lg:max-h-[calc(100vh-18rem)] lg:overflow-y-auto" data-testid="version-scroll">
            <VersionList
              versions={data.versions}
              selected={version.number}
              asset={data.asset}
              canEdit={data.canEdit}
              busy={busy}
              onShow={(n) => {
                setSelected(n);
                setPreview(null);
                stage.current?.clear();
              }}
              onRestore={(n) => versionAction.mutate({ n, action: "restore" })}
              onSendToReview={(n) => versionAction.mutate({ n, action: "send_to_review" })}
            />
          </div>
        </Card>
      </div>
    </div>
  );
}
