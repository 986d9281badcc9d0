"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { api, RequestError } from "@/components/api-client";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/field";
import { Table } from "@/components/ui/table";

type Row = { id: string; name: string; curated: boolean; uses: number };

/** Curated tags first, then free tags by use: add, rename, curate or uncurate, delete (with a confirmation naming the assets it leaves). */
export function TagsEditor({ tags }: { tags: Row[] }) {
  const router = useRouter();
  const [pending, start] = useTransition();
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [renaming, setRenaming] = useState<string | null>(null);
  const [deleting, setDeleting] = useState<string | null>(null);
  const run = (work: () => Promise<string>) =>
    start(async () => {
      try {
        setMessage({ ok: true, text: await work() });
        router.refresh();
      } catch (e) {
        setMessage({ ok: false, text: e instanceof RequestError ? e.message : "Something went wrong; try again." });
      }
    });
  return (
    <div className="space-y-4">
      <form
        className="flex flex-wrap items-end gap-2"
        aria-label="Add a curated tag"
        onSubmit={(e) => {
          e.preventDefault();
          const form = e.currentTarget;
          const name = String(new FormData(form).get("name") ?? "");
          run(async () => {
            const r = await api<{ tag: Row }>("/api/tags", { json: { name } });
            form.reset();
            return `“${r.tag.name}” is curated.`;
          });
        }}
      >
        <label className="text-sm">
          <span className="block font-medium text-stone-700">Curated tag</span>
          <Input name="name" required maxLength={60} className="w-64" placeholder="spring-hero" />
        </label>
        <Button type="submit" disabled={pending}>
          Add tag
        </Button>
        <span className="text-xs text-stone-500">
          Lower-case letters, digits, hyphens and underscores; spaces become hyphens.
        </span>
      </form>
      {message && <Alert tone={message.ok ? "success" : "error"}>{message.text}</Alert>}
      {tags.length === 0 ? (
        <p className="text-sm text-stone-500">
          No tags yet. Add the labels your teams should share (campaigns, channels, products); people can still add
          their own.
        </p>
      ) : (
        <Table columns={["Tag", "Kind", "Assets", { label: "Actions", srOnly: true }]}>
          {tags.map((t) => (
            <tr key={t.id} data-testid={`tag-${t.name}`}>
              <td className="py-2 pr-3 font-mono">
                {renaming === t.id ? (
                  <form
                    className="flex gap-2"
                    onSubmit={(e) => {
                      e.preventDefault();
                      const name = String(new FormData(e.currentTarget).get("rename") ?? "");
                      setRenaming(null);
                      run(async () => {
                        const r = await api<{ tag: Row }>(`/api/tags/${t.id}`, { method: "PATCH", json: { name } });
                        return `Renamed to “${r.tag.name}”.`;
                      });
                    }}
                  >
                    <Input
                      name="rename"
                      defaultValue={t.name}
                      required
                      maxLength={60}
                      className="w-48"
                      aria-label={`New name for ${t.name}`}
                    />
                    <Button type="submit" variant="secondary" disabled={pending}>
                      Save
                    </Button>
                  </form>
                ) : (
                  t.name
                )}
              </td>
              <td className="py-2 pr-3">{t.curated ? <Badge tone="accent">curated</Badge> : <Badge>free</Badge>}</td>
              <td className="py-2 pr-3 tabular-nums">{t.uses}</td>
              <td className="py-2 text-right whitespace-nowrap">
                {deleting === t.id ? (
                  <span className="text-sm">
                    Remove from {t.uses} {t.uses === 1 ? "asset" : "assets"}?{" "}
                    <Button
                      variant="danger"
                      disabled={pending}
                      onClick={() => {
                        setDeleting(null);
                        run(async () => {
                          await api(`/api/tags/${t.id}`, { method: "DELETE" });
                          return `Deleted “${t.name}”.`;
                        });
                      }}
                    >
                      Delete
                    </Button>
                    <Button variant="ghost" onClick={() => setDeleting(null)}>
                      Keep
                    </Button>
                  </span>
                ) : (
                  <>
                    <Button
                      variant="ghost"
                      disabled={pending}
                      onClick={() =>
                        run(async () => {
                          await api(`/api/tags/${t.id}`, { method: "PATCH", json: { curated: !t.curated } });
                          return t.curated ? `“${t.name}” is a free tag again.` : `“${t.name}” is curated.`;
                        })
                      }
                    >
                      {t.curated ? "Uncurate" : "Curate"}
                    </Button>
                    <Button variant="ghost" onClick={() => setRenaming(t.id)}>
                      Rename
                    </Button>
                    <Button variant="ghost" onClick={() => setDeleting(t.id)}>
                      Delete…
                    </Button>
                  </>
                )}
              </td>
            </tr>
          ))}
        </Table>
      )}
    </div>
  );
}
