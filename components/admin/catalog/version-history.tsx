import { Badge } from "@/components/ui/badge";
import { Table } from "@/components/ui/table";
import { RollbackButton } from "./rollback-button";

export type HistoryRow = {
  id: string;
  version: number;
  active: boolean;
  author: { name: string; email: string } | null;
  createdAt: Date;
  note: string | null;
  changes: string[];
};

const WHEN = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });

/** Every version of one preset or template, newest first, with rollback on the inactive ones. */
export function VersionHistory({
  kind,
  itemId,
  itemName,
  rows,
}: {
  kind: "preset" | "template";
  itemId: string;
  itemName: string;
  rows: HistoryRow[];
}) {
  const activeVersion = rows.find((r) => r.active)?.version ?? 0;
  return (
    <Table columns={["Version", "Made by", "When (UTC)", "Note", "What changed", { label: "Actions", srOnly: true }]}>
      {rows.map((r) => (
        <tr
          key={r.id}
          data-testid={`version-row-${r.version}`}
          data-active={r.active ? "true" : undefined}
          className={r.active ? "bg-kiln-50/60" : ""}
        >
          <td className="py-2 pr-3 font-medium whitespace-nowrap">
            v{r.version} {r.active && <Badge tone="accent">active</Badge>}
          </td>
          <td className="py-2 pr-3" title={r.author?.email}>
            {r.author?.name ?? <span className="text-stone-500">Kiln (seed)</span>}
          </td>
          <td className="py-2 pr-3 whitespace-nowrap text-stone-500">
            <time dateTime={r.createdAt.toISOString()}>{WHEN.format(r.createdAt)}</time>
          </td>
          <td className="py-2 pr-3 text-stone-700">{r.note ?? <span className="text-stone-500">—</span>}</td>
          <td className="py-2 pr-3">
            <ul className="space-y-0.5 text-xs text-stone-600">
              {r.changes.map((c) => (
                <li key={c}>{c}</li>
              ))}
            </ul>
          </td>
          <td className="py-2 text-right">
            {!r.active && (
              <RollbackButton
                kind={kind}
                itemId={itemId}
                itemName={itemName}
                versionId={r.id}
                version={r.version}
                older={r.version < activeVersion}
              />
            )}
          </td>
        </tr>
      ))}
    </Table>
  );
}
