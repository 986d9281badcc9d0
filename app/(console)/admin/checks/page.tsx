import type { Metadata } from "next";
import Link from "@/components/ui/link";
import { ThresholdEditor } from "@/components/admin/checks/threshold-editor";
import { Badge } from "@/components/ui/badge";
import { Card, PageHeader } from "@/components/ui/card";
import { requirePageCtx } from "@/lib/auth/guard";
import { listCheckCatalog, listPresetThresholds } from "@/lib/checks/admin";
import { listBlocked } from "@/lib/checks/blocked";
import { promptMatchStatus } from "@/lib/checks/models";
import { TIER_POLICY } from "@/lib/checks/policy";
import { TIERS } from "@/lib/presets";

export const metadata: Metadata = { title: "Checks" };

export default async function ChecksPage() {
  const ctx = await requirePageCtx("checks.manage");
  const catalog = listCheckCatalog();
  const presets = await listPresetThresholds({ ctx });
  const clip = promptMatchStatus();
  const blocked = await listBlocked({ ctx });
  return (
    <>
      <PageHeader
        title="Automated checks"
        description="Every image is checked before a person sees it: a fail rejects it (and re-rolls it if the preset allows), a warning or a check that could not run sends it to review."
      />
      <Card
        title="The checks"
        description="Defaults per tier: draft runs safety only, support adds quality, hero runs everything with strict thresholds."
      >
        <table className="w-full text-sm">
          <thead>
            <tr className="text-left text-xs uppercase tracking-wide text-stone-500">
              <th className="py-1 pr-3 font-medium">Check</th>
              {TIERS.map((t) => (
                <th key={t} className="py-1 pr-3 font-medium">
                  {t} {TIER_POLICY[t].reviewRequired ? "" : "(no review)"}
                </th>
              ))}
            </tr>
          </thead>
          <tbody className="divide-y divide-stone-100">
            {catalog.map((c) => (
              <tr key={c.id} className="align-top" data-check={c.id}>
                <td className="py-2 pr-3">
                  <div className="font-medium">
                    {c.label} <Badge>{c.group}</Badge>
                  </div>
                  <div className="text-xs text-stone-500">
                    <code>{c.id}</code> v{c.version} — {c.description}
                  </div>
                </td>
                {TIERS.map((t) => (
                  <td key={t} className="py-2 pr-3 text-xs tabular-nums">
                    {c.defaults[t] ? (
                      Object.entries(c.defaults[t]!).map(([k, v]) => (
                        <div key={k}>
                          {k} {v}
                        </div>
                      ))
                    ) : (
                      <span className="text-stone-500">off</span>
                    )}
                  </td>
                ))}
              </tr>
            ))}
            <tr data-check="prompt_match">
              <td className="py-2 pr-3">
                <div className="font-medium">
                  Prompt match <Badge tone="neutral">not configured</Badge>
                </div>
                <div className="text-xs text-stone-500">{clip.reason}</div>
              </td>
              <td colSpan={3} className="py-2 text-xs text-stone-500">
                off
              </td>
            </tr>
          </tbody>
        </table>
      </Card>
      <div className="mt-6 space-y-6">
        <Card
          title="Recently blocked"
          description="Prompts stopped by banned terms, uploads stopped by the safety check, outputs rejected as unsafe. Full record in the audit log."
        >
          {blocked.length === 0 ? (
            <p className="text-sm text-stone-500">Nothing has been blocked.</p>
          ) : (
            <ul className="divide-y divide-stone-100 text-sm" data-testid="blocked-list">
              {blocked.map((b) => (
                <li key={b.seq} className="flex flex-wrap items-baseline gap-x-3 py-1.5">
                  <span className="w-40 text-xs tabular-nums text-stone-500">{new Date(b.at).toLocaleString()}</span>
                  <Badge tone="bad">{b.kind}</Badge>
                  {b.href ? (
                    <Link className="font-mono text-xs text-kiln-700 hover:underline" href={b.href}>
                      {b.subject.slice(0, 8)}
                    </Link>
                  ) : (
                    <span className="text-xs">{b.subject}</span>
                  )}
                  <span className="text-stone-700">{b.reason}</span>
                  {b.actor && <span className="text-xs text-stone-500">{b.actor}</span>}
                </li>
              ))}
            </ul>
          )}
        </Card>
        {presets.map((p) => (
          <Card
            key={p.id}
            title={`${p.name} · v${p.version}`}
            description={`${p.tier} tier · auto re-rolls ${p.rerollLimit || "off"} · assets: ${
              Object.entries(p.statusCounts)
                .map(([s, n]) => `${n} ${s.replace("_", " ")}`)
                .join(", ") || "none yet"
            }`}
          >
            {p.unknownKeys.length > 0 && (
              <p className="mb-2 text-sm text-amber-700">
                This preset sets thresholds no check reads: {p.unknownKeys.join(", ")}. They are kept but have no
                effect.
              </p>
            )}
            <ThresholdEditor
              presetId={p.id}
              overrides={p.overrides}
              rows={Object.entries(p.effective).map(([key, current]) => {
                const [checkId, name] = key.split(".") as [string, string];
                const check = catalog.find((c) => c.id === checkId);
                return {
                  key,
                  label: `${check?.label ?? checkId} — ${name}`,
                  tierDefault: check?.defaults[p.tier]?.[name] ?? current,
                  current,
                };
              })}
            />
          </Card>
        ))}
      </div>
    </>
  );
}
