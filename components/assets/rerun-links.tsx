import Link from "@/components/ui/link";
import type { AssetDetail } from "@/lib/assets/asset-detail";

/** Assets are titled from their template (or file name); an untitled one is named by when it was made. */
const label = (r: { title: string; createdAt: string }) =>
  r.title || `the image of ${r.createdAt.slice(0, 16).replace("T", " ")} UTC`;

/** "Rerun of <origin>" and "Reruns: …" on the asset page (exact reruns, lib/generation/rerun-asset.ts). */
export function RerunLinks({ rerun }: { rerun: AssetDetail["rerun"] }) {
  if (!rerun.origin && rerun.reruns.length === 0 && rerun.generating === 0) return null;
  return (
    <div className="space-y-1 text-sm text-stone-600" data-testid="rerun-links">
      {rerun.origin && (
        <p>
          Rerun of{" "}
          <Link
            className="text-kiln-700 hover:underline"
            href={`/assets/${rerun.origin.id}`}
            data-testid="rerun-origin"
          >
            {label(rerun.origin)}
          </Link>{" "}
          ({rerun.origin.status.replaceAll("_", " ")}).
        </p>
      )}
      {rerun.reruns.length > 0 && (
        <p>
          Reruns:{" "}
          {rerun.reruns.map((r, i) => (
            <span key={r.id}>
              {i > 0 && " · "}
              <Link className="text-kiln-700 hover:underline" href={`/assets/${r.id}`} data-testid="rerun-child">
                {label(r)}
              </Link>{" "}
              ({r.status.replaceAll("_", " ")})
            </span>
          ))}
        </p>
      )}
      {rerun.generating > 0 && (
        <p>
          {rerun.generating === 1 ? "A rerun is being generated." : `${rerun.generating} reruns are being generated.`}
        </p>
      )}
    </div>
  );
}
