import type { Metadata } from "next";
import { BannedTermsEditor } from "@/components/admin/banned-terms-editor";
import { Card, PageHeader } from "@/components/ui/card";
import { requirePageCtx } from "@/lib/auth/guard";
import { BANNED_TERM_CATEGORIES, listBannedTerms } from "@/lib/moderation/banned-terms";

export const metadata: Metadata = { title: "Banned terms" };

export default async function BannedTermsPage() {
  const ctx = await requirePageCtx("policy.manage");
  const terms = await listBannedTerms({ ctx });
  return (
    <>
      <PageHeader
        title="Banned terms"
        description="Every rendered prompt and every variable value is screened against this list before any GPU time is spent. Matching ignores case, accents, look-alike letters and spacing tricks (“n u d e”, “n.u.d.e”)."
      />
      <Card>
        <BannedTermsEditor
          terms={terms.map((t) => ({
            id: t.id,
            term: t.term,
            category: t.category,
            createdAt: t.createdAt.toISOString(),
          }))}
          categories={[...BANNED_TERM_CATEGORIES]}
        />
      </Card>
    </>
  );
}
