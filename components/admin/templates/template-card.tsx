import { VersionHistory } from "@/components/admin/presets/version-history";
import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
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
  const nextVersion = (template.versions[0]?.version ?? 0) + 1;
  return (
    <div data-testid={`template-${template.slug}`}>
      <Card
        title={template.name}
        description={
          <>
            <code>{template.slug}</code>
            {template.description ? ` · ${template.description}` : ""}
          </>
        }
        actions={
          <span data-testid="active-version">
            <Badge tone={active ? "accent" : "bad"}>{active ? `v${active.version} active` : "no active version"}</Badge>
          </span>
        }
      >
        <div className="space-y-4">
          {def && (
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
          )}
          {active && def && (
            <details className="rounded-md border border-stone-200 px-4 py-3">
              <summary className="cursor-pointer text-sm font-medium text-kiln-700">
                Edit — creates version {nextVersion}
              </summary>
              <div className="mt-4">
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
              </div>
            </details>
          )}
          <details className="rounded-md border border-stone-200 px-4 py-3">
            <summary className="cursor-pointer text-sm font-medium text-stone-700">
              Version history ({template.versions.length})
            </summary>
            <div className="mt-3">
              <VersionHistory kind="template" itemId={template.id} itemName={template.name} rows={template.versions} />
            </div>
          </details>
        </div>
      </Card>
    </div>
  );
}
