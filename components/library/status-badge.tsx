import { AssetStatusBadge } from "@/components/checks/check-badges";
import type { LibraryItem } from "./types";

export function LibraryStatusBadge({ item }: { item: Pick<LibraryItem, "status" | "statusReason"> }) {
  return <AssetStatusBadge status={item.status} reason={item.statusReason} />;
}
