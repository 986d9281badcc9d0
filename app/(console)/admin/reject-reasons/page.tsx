import type { Metadata } from "next";
import { RejectReasonsEditor } from "@/components/admin/reject-reasons-editor";
import { Card, PageHeader } from "@/components/ui/card";
import { requirePageCtx } from "@/lib/auth/guard";
import { listRejectReasons } from "@/lib/review/reasons";

export const metadata: Metadata = { title: "Reject reasons" };

export default async function RejectReasonsPage() {
  const ctx = await requirePageCtx("policy.manage");
  const reasons = await listRejectReasons(ctx.db, { activeOnly: false });
  return (
    <>
      <PageHeader
        title="Reject reasons"
        description="What a reviewer picks when rejecting an asset. The first ten active reasons have number keys on the review page, in this order. Retiring a reason hides it from reviewers; past decisions keep it."
      />
      <Card>
        <RejectReasonsEditor
          reasons={reasons.map((r) => ({ id: r.id, code: r.code, label: r.label, active: r.active }))}
        />
      </Card>
    </>
  );
}
