import { cookies } from "next/headers";
import { clientIp } from "@/lib/auth/request-ip";
import { recordShareView, SHARE_GRANT_COOKIE, sharedContent, visitShareLink } from "@/lib/share-links";

/**
 * The public page of a share link: no session. An unknown, expired or revoked token all get the
 * same "not valid" page; a password link asks for its password first; then only the assets that
 * may be published now are shown (and counted as one audited view).
 */
export default async function SharePage({
  params,
  searchParams,
}: {
  params: Promise<{ token: string }>;
  searchParams: Promise<{ e?: string }>;
}) {
  const { token } = await params;
  const { e } = await searchParams;
  const visit = await visitShareLink(token, (await cookies()).get(SHARE_GRANT_COOKIE)?.value);
  if (!visit) return <NotValid />;
  const { db, link } = visit;
  const base = `/s/${encodeURIComponent(token)}`;
  if (!visit.open) return <PasswordForm action={`${base}/unlock`} error={e} />;
  const content = await sharedContent(db, link);
  await recordShareView(db, link, await clientIp());
  const download = (id: string) =>
    content.allowDownload && (
      <a
        href={`${base}/download/${id}`}
        className="inline-flex items-center rounded-md bg-kiln-600 px-3 py-2 text-sm font-medium text-white hover:bg-kiln-700"
        data-testid="share-download"
      >
        Download
      </a>
    );
  return (
    <>
      <header className="mb-6">
        <h1 className="text-2xl font-semibold" data-testid="share-title">
          {content.title}
        </h1>
        <p className="mt-1 text-sm text-stone-500">Available until {content.expiresAt.slice(0, 10)}.</p>
      </header>
      {content.assets.length === 0 ? (
        <p className="rounded-md border border-stone-200 bg-white p-6 text-stone-600" data-testid="share-empty">
          Nothing here can be shown right now.
        </p>
      ) : content.kind === "asset" ? (
        <figure className="space-y-3" data-testid="share-asset">
          {/* eslint-disable-next-line @next/next/no-img-element -- served by the share-scoped route, not the optimizer */}
          <img
            src={`${base}/image/${content.assets[0]!.id}?size=preview`}
            alt={content.assets[0]!.altText}
            className="max-h-[75vh] w-auto rounded-md bg-white shadow"
          />
          <figcaption className="flex items-center justify-between gap-4">
            <span className="font-medium">{content.assets[0]!.title}</span>
            {download(content.assets[0]!.id)}
          </figcaption>
        </figure>
      ) : (
        <ul className="grid grid-cols-2 gap-4 sm:grid-cols-3 lg:grid-cols-4" data-testid="share-grid">
          {content.assets.map((a) => (
            <li
              key={a.id}
              className="overflow-hidden rounded-md border border-stone-200 bg-white"
              data-testid="share-item"
              data-asset-id={a.id}
            >
              <a href={`${base}/image/${a.id}?size=preview`} target="_blank" rel="noreferrer">
                {/* eslint-disable-next-line @next/next/no-img-element -- served by the share-scoped route */}
                <img
                  src={`${base}/image/${a.id}?size=thumb`}
                  alt={a.altText}
                  className="aspect-square w-full object-cover"
                  loading="lazy"
                />
              </a>
              <div className="flex items-center justify-between gap-2 p-2 text-sm">
                <span className="truncate">{a.title}</span>
                {download(a.id)}
              </div>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

function NotValid() {
  return (
    <div
      className="mx-auto mt-24 max-w-md rounded-md border border-stone-200 bg-white p-6 text-center"
      data-testid="share-not-valid"
    >
      <h1 className="text-xl font-semibold">This link is not valid</h1>
      <p className="mt-2 text-sm text-stone-600">Ask the person who sent it for a new one.</p>
    </div>
  );
}

function PasswordForm({ action, error }: { action: string; error: string | undefined }) {
  return (
    <form
      method="post"
      action={action}
      className="mx-auto mt-24 max-w-sm space-y-3 rounded-md border border-stone-200 bg-white p-6"
      data-testid="share-password-form"
    >
      <h1 className="text-xl font-semibold">This link has a password</h1>
      <label htmlFor="share-password" className="block text-sm font-medium text-stone-700">
        Password
      </label>
      <input
        id="share-password"
        name="password"
        type="password"
        required
        autoComplete="off"
        autoFocus
        className="w-full rounded-md border border-stone-300 px-2 py-1.5"
      />
      {error && (
        <p role="alert" className="text-sm text-red-700" data-testid="share-password-error">
          {error === "wait"
            ? "Too many wrong passwords. Wait a few minutes, then try again."
            : "That password is not right."}
        </p>
      )}
      <button
        type="submit"
        className="w-full rounded-md bg-kiln-600 px-3 py-2 text-sm font-medium text-white hover:bg-kiln-700"
      >
        Open
      </button>
    </form>
  );
}
