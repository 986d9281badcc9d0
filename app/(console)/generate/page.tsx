import type { Metadata } from "next";
import { GenerateForm } from "@/components/generate/generate-form";
import { PageHeader } from "@/components/ui/card";
import { requirePageCtx } from "@/lib/auth/guard";
import { getGenerateOptions } from "@/lib/generation/generate-options";

export const metadata: Metadata = { title: "Generate" };

export default async function GeneratePage() {
  const ctx = await requirePageCtx("generations.create");
  const options = await getGenerateOptions({ ctx });
  return (
    <>
      <PageHeader
        title="Generate"
        description="Pick a template and a tier, fill the template's variables — or upload a CSV with one row per product — check the estimate, and queue."
      />
      {options.templates.length === 0 || options.presets.length === 0 ? (
        <div className="rounded-lg border border-dashed border-stone-300 bg-white px-6 py-12 text-center text-sm text-stone-500">
          There is no {options.templates.length === 0 ? "prompt template" : "preset"} yet. Ask an admin to add one.
        </div>
      ) : (
        <GenerateForm options={options} />
      )}
    </>
  );
}
