import Link from "@/components/ui/link";
import type { NotificationView } from "@/lib/review/notifications";

/** Decisions on the user's assets, newest first; unread ones stand out. */
export function NotificationList({ items }: { items: NotificationView[] }) {
  if (items.length === 0)
    return <p className="text-sm text-stone-500">Nothing yet. Review decisions on your assets appear here.</p>;
  return (
    <ul className="divide-y divide-stone-100 text-sm" data-testid="notifications">
      {items.map((n) => (
        <li key={n.id} className="flex items-baseline gap-3 py-1.5" data-kind={n.kind} data-read={n.read}>
          <span
            className={`h-2 w-2 shrink-0 rounded-full ${n.read ? "bg-transparent" : "bg-kiln-600"}`}
            {...(n.read ? { "aria-hidden": true } : { role: "img", "aria-label": "unread" })}
          />
          <span className="flex-1">
            {n.kind === "alert" ? (
              <Link className="hover:underline" href="/admin/alerts">
                {n.message}
              </Link>
            ) : n.assetId ? (
              <Link className="hover:underline" href={`/assets/${n.assetId}`}>
                {n.message}
              </Link>
            ) : (
              n.message
            )}
          </span>
          <span className="text-xs text-stone-500">{new Date(n.createdAt).toLocaleString()}</span>
        </li>
      ))}
    </ul>
  );
}
