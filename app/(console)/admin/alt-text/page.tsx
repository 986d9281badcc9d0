import type { Metadata } from "next";
import { AltTextSettingsForm } from "@/components/admin/alt-text/settings-form";
import { Card, PageHeader } from "@/components/ui/card";
import { getAltTextSettingsView } from "@/lib/alt-text/settings";
import { requirePageCtx } from "@/lib/auth/guard";

export const metadata: Metadata = { title: "Alt text" };

export default async function AltTextSettingsPage() {
  const ctx = await requirePageCtx("delivery.manage");
  const view = await getAltTextSettingsView({ ctx });
  return (
    <>
      <PageHeader
        title="Alt text"
        description="Which engine drafts alt text for approved assets. A draft is only a start: a person edits and confirms it, and nothing is published without confirmed alt text. Every change is audited."
      />
      <Card
        title="Drafting engine"
        description="The engine calls one of your GPU endpoints (its URL and key are set under GPU endpoints). Test shows what it writes for a sample picture before you switch."
      >
        <AltTextSettingsForm view={view} />
      </Card>
    </>
  );
}
