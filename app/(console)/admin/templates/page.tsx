import type { Metadata } from "next";
import { TemplateCard } from "@/components/admin/templates/template-card";
import { TemplateForm } from "@/components/admin/templates/template-form";
import { Card, PageHeader } from "@/components/ui/card";
import { requirePageCtx } from "@/lib/auth/guard";
import { listTemplatesWithVersions } from "@/lib/templates/versions";

export const metadata: Metadata = { title: "Templates" };

const EXAMPLE_VARIABLES = JSON.stringify(
  [
    { name: "product", label: "Product", type: "text", required: true, maxLength: 120 },
    {
      name: "background",
      label: "Background",
      type: "enum",
      required: true,
      options: ["white seamless", "kitchen counter"],
      default: "white seamless",
    },
  ],
  null,
  2,
);

export default async function TemplatesPage() {
  const ctx = await requirePageCtx("catalog.manage");
  const templates = await listTemplatesWithVersions({ ctx });
  return (
    <>
      <PageHeader
        title="Prompt templates"
        description="Templates lock the style tokens and negative prompt and declare typed variables; designers' text enters only through those variables. Every edit is saved as a new version and becomes active; rolling back only moves the pointer."
      />
      <div className="space-y-6">
        {templates.length === 0 && (
          <p className="text-sm text-stone-500">No templates yet. Create the first one below.</p>
        )}
        {templates.map((t) => (
          <TemplateCard key={t.id} template={t} />
        ))}
        <Card title="New template" description="Starts at version 1, active at once.">
          <TemplateForm
            mode="create"
            defaults={{
              body: "product photo of {{product}} on a {{background}}",
              styleTokens: "studio lighting, sharp focus, high detail",
              negativePrompt: "blurry, watermark, text, deformed",
              titlePattern: "{{product}} {{sku}}",
              variables: EXAMPLE_VARIABLES,
            }}
          />
        </Card>
      </div>
    </>
  );
}
