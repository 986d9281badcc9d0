import Link from "@/components/ui/link";
import type { StatusItem } from "@/lib/operations/status";

/** What is switched off, for everyone signed in; admins get a way to the switches. Server component. */
export function StatusBanner({ items, canOperate }: { items: StatusItem[]; canOperate: boolean }) {
  if (items.length === 0) return null;
  return (
    <div
      role="status"
      data-testid="status-banner"
      className="mb-6 rounded-md border border-amber-300 bg-amber-50 px-4 py-3 text-sm text-amber-900"
    >
      <div className="flex items-start justify-between gap-4">
        <div>
          <p className="font-semibold">Switched off right now</p>
          <ul className="mt-1 list-disc space-y-0.5 pl-5">
            {items.map((item) => (
              <li key={item.key}>{item.text}</li>
            ))}
          </ul>
        </div>
        {canOperate && (
          <Link
            href="/admin/operations"
            className="shrink-0 font-medium text-amber-900 underline underline-offset-2 hover:text-amber-700"
          >
            Operations
          </Link>
        )}
      </div>
    </div>
  );
}
