import type { Metadata } from "next";
import { MyShareLinks } from "@/components/delivery/my-share-links";
import { Card, PageHeader } from "@/components/ui/card";
import { requirePageCtx } from "@/lib/auth/guard";
import { listShareLinks } from "@/lib/share-links";

export const metadata: Metadata = { title: "Share links" };

export default async function ShareLinksPage() {
  const ctx = await requirePageCtx("shares.create");
  const links = await listShareLinks({ ctx, input: { mine: true } });
  return (
    <>
      <PageHeader
        title="Share links"
        description="Links you made for people without an account: what each shares, how often it was opened, when it ends. Revoking ends a link at once."
      />
      <Card>
        <MyShareLinks initial={links} />
      </Card>
    </>
  );
}
