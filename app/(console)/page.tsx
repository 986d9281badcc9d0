import Link from "@/components/ui/link";
import { MarkReadButton } from "@/components/review/mark-read-button";
import { NotificationList } from "@/components/review/notification-list";
import { Card, PageHeader } from "@/components/ui/card";
import { listNotifications } from "@/lib/review/notifications";
import { requirePageCtx } from "@/lib/auth/guard";
import { areasFor } from "@/lib/auth/permissions";
import { ROLE_SUMMARIES } from "@/lib/auth/role-summaries";
import { systemStatus } from "@/lib/system/status";

export default async function HomePage() {
  const ctx = await requirePageCtx("console.view");
  const { actor } = ctx;
  const notifications = await listNotifications({ ctx, limit: 20 });
  const areas = areasFor(actor.role).filter((a) => a.href !== "/");
  const status = actor.role === "admin" ? systemStatus() : null;
  return (
    <>
      <PageHeader title={`Welcome, ${actor.name.split(" ")[0]}`} description={ROLE_SUMMARIES[actor.role]} />
      <div className="grid gap-4 md:grid-cols-2 xl:grid-cols-3">
        {areas.map((a) => (
          <Link
            key={a.href}
            href={a.href}
            className="rounded-lg border border-stone-200 bg-white p-5 shadow-sm transition hover:border-kiln-500"
          >
            <div className="font-semibold">{a.label}</div>
            <p className="mt-1 text-sm text-stone-500">{a.description}</p>
          </Link>
        ))}
        {areas.length === 0 && (
          <Card title="Nothing to do here">
            <p className="text-sm text-stone-600">
              Your role has no areas in this console. Ask an admin to change your role if you need one.
            </p>
          </Card>
        )}
      </div>
      {(actor.role === "designer" || notifications.length > 0) && (
        <Card
          title="Notifications"
          className="mt-8"
          actions={notifications.some((n) => !n.read) ? <MarkReadButton /> : undefined}
        >
          <NotificationList items={notifications} />
        </Card>
      )}
      {status && (
        <Card title="This installation" className="mt-8">
          <dl className="grid gap-x-6 gap-y-2 text-sm sm:grid-cols-[10rem_1fr]">
            <dt className="text-stone-500">Database</dt>
            <dd>{status.database}</dd>
            <dt className="text-stone-500">Blob storage</dt>
            <dd>{status.blobs}</dd>
            <dt className="text-stone-500">Background functions</dt>
            <dd>{status.engine}</dd>
            <dt className="text-stone-500">Demo users</dt>
            <dd>{status.demo ? "Seeded (KILN_DEMO=1)" : "Off"}</dd>
          </dl>
        </Card>
      )}
    </>
  );
}
