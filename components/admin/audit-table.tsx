import { Table } from "@/components/ui/table";
import { auditActionLabel } from "@/lib/labels";

type Row = {
  seq: number;
  occurredAt: string;
  actorEmail: string | null;
  action: string;
  subjectType: string | null;
  subjectId: string | null;
  data: Record<string, unknown>;
  ip: string | null;
  hash: string;
};

export function AuditTable({ events }: { events: Row[] }) {
  if (events.length === 0)
    return (
      <p className="text-sm text-stone-500">
        No entries match. Sign-ins, user changes and uploads appear here as they happen.
      </p>
    );
  return (
    <Table columns={["#", "When", "Who", "Action", "Details", "Hash"]}>
      {events.map((e) => (
        <tr key={e.seq}>
          <td className="py-2 pr-3 tabular-nums text-stone-500">{e.seq}</td>
          <td className="whitespace-nowrap py-2 pr-3 text-stone-600">{new Date(e.occurredAt).toLocaleString()}</td>
          <td className="max-w-56 truncate py-2 pr-3" title={e.actorEmail ?? undefined}>
            {e.actorEmail ?? <span className="text-stone-500">system</span>}
          </td>
          <td className="py-2 pr-3">
            <div className="text-stone-900">{auditActionLabel(e.action)}</div>
            <div className="font-mono text-xs text-stone-500">{e.action}</div>
          </td>
          <td className="max-w-md break-all py-2 pr-3 font-mono text-xs text-stone-600">
            {[
              e.subjectType && `${e.subjectType}:${e.subjectId}`,
              Object.keys(e.data).length ? JSON.stringify(e.data) : null,
              e.ip && `ip ${e.ip}`,
            ]
              .filter(Boolean)
              .join(" · ")}
          </td>
          <td className="py-2 font-mono text-xs text-stone-500">{e.hash.slice(0, 10)}</td>
        </tr>
      ))}
    </Table>
  );
}
