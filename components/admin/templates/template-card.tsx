import { VersionedCard } from "@/components/admin/catalog/versioned-card";
import { Table } from "@/components/ui/table";
import type { TemplateView } from "@/lib/templates/versions";
import type { VariableDef } from "@/lib/templates/types";
import { TemplateForm } from "./template-form";

function constraintOf(v: VariableDef): string {
  if (v.type === "text") return `up to ${v.maxLength} characters`;
  if (v.type === "enum") return v.options.join(" · ");
  return `${v.min} to ${v.max}${v.integer ? ", whole" : ""}`;
}

export function TemplateCard({ template }: { template: TemplateView }) {
  const active = template.active;
  const def = active?.definition;
  return (
    <VersionedCard
      kind="template"
      item={template}
      description={
        <>
          <code>{template.slug}</code>
          {template.description ? ` · ${template.description}` : ""}
        </>
      }
      summary={
        def && (
          <div className="space-y-3 text-sm">
            <p className="rounded-md bg-stone-50 px-3 py-2 font-mono text-xs text-stone-800">{def.body}</p>
            <dl className="grid gap-3 sm:grid-cols-2">
              <div>
                <dt className="text-xs uppercase tracking-wide text-stone-500">Style tokens (locked)</dt>
                <dd>{def.styleTokens || "—"}</dd>
              </div>
              <div>
                <dt className="text-xs uppercase tracking-wide text-stone-500">Negative prompt (locked)</dt>
                <dd>{def.negativePrompt || "—"}</dd>
              </div>
              <div className="sm:col-span-2">
                <dt className="text-xs uppercase tracking-wide text-stone-500">Asset title pattern</dt>
                <dd data-testid="title-pattern">
                  {def.titlePattern ? (
                    <code className="text-xs">{def.titlePattern}</code>
                  ) : (
                    "— (assets are named “Row 3, variant 1”)"
                  )}
                </dd>
              </div>
            </dl>
            {def.variables.length > 0 && (
              <Table columns={["Variable", "Label", "Type", "Allowed", "Required"]}>
                {def.variables.map((v) => (
                  <tr key={v.name}>
                    <td className="py-1.5 pr-3 font-mono text-xs">{`{{${v.name}}}`}</td>
                    <td className="py-1.5 pr-3">{v.label}</td>
                    <td className="py-1.5 pr-3">{v.type}</td>
                    <td className="py-1.5 pr-3 text-stone-600">{constraintOf(v)}</td>
                    <td className="py-1.5 pr-3">{v.required ? "yes" : "no"}</td>
                  </tr>
                ))}
              </Table>
            )}
          </div>
        )
      }
      edit={
        active &&
        def &&
        ((nextVersion) => (
          <TemplateForm
            mode="edit"
            templateId={template.id}
            templateName={template.name}
            nextVersion={nextVersion}
            activeVersionId={active.id}
            defaults={{
              body: def.body,
              styleTokens: def.styleTokens,
              negativePrompt: def.negativePrompt,
              titlePattern: def.titlePattern ?? "",
              variables: JSON.stringify(def.variables, null, 2),
            }}
          />
        ))
      }
    />
  );
}
