import type { Metadata } from "next";
import { EngineForm } from "@/components/admin/editing/engine-form";
import { Card, PageHeader } from "@/components/ui/card";
import { requirePageCtx } from "@/lib/auth/guard";
import { getEditorEngineSettings } from "@/lib/editing/settings";

export const metadata: Metadata = { title: "Editor engines" };

export default async function EditorEnginesPage() {
  const ctx = await requirePageCtx("editing.manage");
  const view = await getEditorEngineSettings({ ctx });
  return (
    <>
      <PageHeader
        title="Editor engines"
        description="Which engine runs each editor operation: a GPU endpoint's API, or a model on this server's CPU. Only engines that can do the operation are listed. Every change is audited; an edit keeps the engine and price in force when it was asked for."
      />
      <Card
        title="Per operation"
        description="Local engines bill nothing; a GPU endpoint's call is priced here and written to the cost ledger."
      >
        {view.operations.map((row) => (
          <EngineForm key={row.operation} row={row} />
        ))}
      </Card>
    </>
  );
}
