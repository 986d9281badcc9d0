import { Alert } from "@/components/ui/alert";
import type { EditorView } from "@/lib/editing/editor-view";
import { operationLabel } from "./version-list";

const VERB: Record<string, string> = {
  erase: "Erasing",
  upscale: "Upscaling",
  remove_background: "Removing the background",
  restore: "Restoring",
};

/** The running edit's progress (from asset_edits.progress) and the latest failure with its reason. */
export function EditProgress({ edits }: { edits: EditorView["edits"] }) {
  const live = edits.filter((e) => e.status === "queued" || e.status === "running");
  const failed = edits.find((e) => e.status === "failed");
  if (!live.length && !failed) return null;
  return (
    <div className="space-y-2">
      {live.map((e) => (
        <div key={e.id} className="rounded-lg border border-kiln-200 bg-kiln-50 px-4 py-3" data-testid="edit-progress">
          <div className="flex justify-between text-sm">
            <span>
              {VERB[e.operation] ?? e.operation} v{e.sourceNumber} with {e.engineLabel}
              {e.status === "queued" ? " — waiting for a slot…" : "…"}
            </span>
            <span className="tabular-nums">{e.progress}%</span>
          </div>
          <div
            className="mt-2 h-2 overflow-hidden rounded-full bg-white"
            role="progressbar"
            aria-label="Edit progress"
            aria-valuemin={0}
            aria-valuemax={100}
            aria-valuenow={e.progress}
          >
            <div
              className="h-full bg-kiln-500 transition-[width] duration-500"
              style={{ width: `${Math.max(3, e.progress)}%` }}
            />
          </div>
        </div>
      ))}
      {failed && !live.length && (
        <Alert tone="error">
          <span data-testid="edit-failed">
            {operationLabel({ operation: failed.operation, params: {}, parentNumber: null })} of v{failed.sourceNumber}{" "}
            failed: {failed.errorMessage ?? "no reason given"} The image was not changed; try again, or ask an admin to
            pick another engine.
          </span>
        </Alert>
      )}
    </div>
  );
}
