"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { api, RequestError } from "@/components/api-client";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Field, Input, Select } from "@/components/ui/field";
import type { SafeZone } from "@/db/schema/delivery";
import {
  aspectLabel,
  CHANNEL_LABELS,
  FORMAT_CHOICES,
  PLACEMENT_CHANNELS,
  type PlacementChannel,
} from "@/lib/placements/shared";
import { PlacementShape } from "./placement-shape";

export type PlacementRow = {
  id: string;
  slug: string;
  name: string;
  channel: string;
  width: number;
  height: number;
  safeZone: SafeZone;
  defaultFormat: string;
  defaultQuality: number;
  archived: boolean;
};

type FieldErrors = Record<string, string[]>;

/** Placements grouped by channel: add, edit (with a live preview of the shape and safe zone), archive, restore. */
export function PlacementsAdmin({ active, archived }: { active: PlacementRow[]; archived: PlacementRow[] }) {
  const router = useRouter();
  const [pending, start] = useTransition();
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [editing, setEditing] = useState<string | "new" | null>(null);
  const [errors, setErrors] = useState<FieldErrors>({});

  const run = (work: () => Promise<string>, after?: () => void) =>
    start(async () => {
      try {
        setMessage({ ok: true, text: await work() });
        setErrors({});
        after?.();
        router.refresh();
      } catch (e) {
        setMessage({ ok: false, text: e instanceof RequestError ? e.message : "Something went wrong; try again." });
        setErrors(e instanceof RequestError ? (e.error.fields ?? {}) : {});
      }
    });

  const save = (id: string | "new", body: unknown) =>
    run(
      async () => {
        const r =
          id === "new"
            ? await api<{ placement: PlacementRow }>("/api/admin/placements", { json: body })
            : await api<{ placement: PlacementRow }>(`/api/admin/placements/${id}`, { method: "PATCH", json: body });
        return id === "new" ? `“${r.placement.name}” added.` : `“${r.placement.name}” saved.`;
      },
      () => setEditing(null),
    );

  const byChannel = PLACEMENT_CHANNELS.map((c) => ({ channel: c, rows: active.filter((p) => p.channel === c) })).filter(
    (g) => g.rows.length,
  );
  const others = active.filter((p) => !(PLACEMENT_CHANNELS as readonly string[]).includes(p.channel));

  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-center gap-3">
        {editing !== "new" && (
          <Button
            onClick={() => {
              setEditing("new");
              setErrors({});
              setMessage(null);
            }}
          >
            Add placement
          </Button>
        )}
        {message && (
          <div className="grow">
            <Alert tone={message.ok ? "success" : "error"}>{message.text}</Alert>
          </div>
        )}
      </div>
      {editing === "new" && (
        <PlacementForm
          title="New placement"
          errors={errors}
          pending={pending}
          onCancel={() => setEditing(null)}
          onSubmit={(body) => save("new", body)}
        />
      )}
      {active.length === 0 && (
        <p className="text-sm text-stone-500">No active placements. Add one, or restore an archived one below.</p>
      )}
      {[...byChannel, ...(others.length ? [{ channel: "other", rows: others }] : [])].map((g) => (
        <section key={g.channel} aria-labelledby={`channel-${g.channel}`} className="space-y-2">
          <h2 id={`channel-${g.channel}`} className="text-sm font-semibold uppercase tracking-wide text-stone-600">
            {CHANNEL_LABELS[g.channel as PlacementChannel] ?? g.channel}
          </h2>
          <PlacementTable
            rows={g.rows}
            editing={editing}
            errors={errors}
            pending={pending}
            onEdit={(id) => {
              setEditing(id);
              setErrors({});
              setMessage(null);
            }}
            onCancel={() => setEditing(null)}
            onSave={save}
            onArchive={(p) =>
              run(
                async () => (await api(`/api/admin/placements/${p.id}/archive`, { json: {} }), `“${p.name}” archived.`),
              )
            }
          />
        </section>
      ))}
      <section aria-labelledby="channel-archived" className="space-y-2">
        <h2 id="channel-archived" className="text-sm font-semibold uppercase tracking-wide text-stone-600">
          Archived
        </h2>
        {archived.length === 0 ? (
          <p className="text-sm text-stone-500">
            Nothing archived. Archived placements are no longer offered for exports; past exports keep them.
          </p>
        ) : (
          <PlacementTable
            rows={archived}
            editing={null}
            errors={{}}
            pending={pending}
            onRestore={(p) =>
              run(
                async () => (await api(`/api/admin/placements/${p.id}/restore`, { json: {} }), `“${p.name}” restored.`),
              )
            }
          />
        )}
      </section>
    </div>
  );
}

function PlacementTable({
  rows,
  editing,
  errors,
  pending,
  onEdit,
  onCancel,
  onSave,
  onArchive,
  onRestore,
}: {
  rows: PlacementRow[];
  editing: string | null;
  errors: FieldErrors;
  pending: boolean;
  onEdit?: (id: string) => void;
  onCancel?: () => void;
  onSave?: (id: string, body: unknown) => void;
  onArchive?: (p: PlacementRow) => void;
  onRestore?: (p: PlacementRow) => void;
}) {
  return (
    // One fixed column grid for every channel's table, so the groups line up.
    <div className="overflow-x-auto">
      <table className="w-full min-w-[720px] table-fixed text-left text-sm">
        <colgroup>
          <col className="w-16" />
          <col />
          <col className="w-24" />
          <col className="w-16" />
          <col className="w-52" />
          <col className="w-24" />
          <col className="w-40" />
        </colgroup>
        <thead className="border-b border-stone-200 text-xs uppercase tracking-wide text-stone-500">
          <tr>
            {["Shape", "Name", "Size", "Aspect", "Safe zone", "Default"].map((c) => (
              <th key={c} className="py-2 pr-3 font-medium">
                {c}
              </th>
            ))}
            <th className="py-2 font-medium">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-stone-100 align-top">
          {rows.map((p) =>
            editing === p.id ? (
              <tr key={p.id}>
                <td colSpan={7} className="py-3">
                  <PlacementForm
                    title={`Edit ${p.name}`}
                    initial={p}
                    errors={errors}
                    pending={pending}
                    onCancel={onCancel!}
                    onSubmit={(body) => onSave!(p.id, body)}
                  />
                </td>
              </tr>
            ) : (
              <tr key={p.id} data-testid={`placement-${p.slug}`}>
                <td className="py-2 pr-3">
                  <PlacementShape
                    width={p.width}
                    height={p.height}
                    safeZone={p.safeZone}
                    box={44}
                    label={`${aspectLabel(p.width, p.height)} shape`}
                  />
                </td>
                <td className="py-2 pr-3">
                  <div className="truncate font-medium text-stone-900" title={p.name}>
                    {p.name}
                  </div>
                  <div className="truncate font-mono text-xs text-stone-500">{p.slug}</div>
                </td>
                <td className="py-2 pr-3 tabular-nums">
                  {p.width}×{p.height}
                </td>
                <td className="py-2 pr-3 tabular-nums">{aspectLabel(p.width, p.height)}</td>
                <td className="py-2 pr-3 text-xs text-stone-600">{safeZoneText(p.safeZone)}</td>
                <td className="py-2 pr-3">
                  <Badge>{p.defaultFormat.toUpperCase()}</Badge>{" "}
                  <span className="text-xs tabular-nums text-stone-600">q{p.defaultQuality}</span>
                </td>
                <td className="whitespace-nowrap py-2 text-right">
                  {onEdit && (
                    <Button
                      variant="ghost"
                      disabled={pending}
                      onClick={() => onEdit(p.id)}
                      aria-label={`Edit ${p.name}`}
                    >
                      Edit
                    </Button>
                  )}
                  {onArchive && (
                    <Button
                      variant="ghost"
                      disabled={pending}
                      onClick={() => onArchive(p)}
                      aria-label={`Archive ${p.name}`}
                    >
                      Archive
                    </Button>
                  )}
                  {onRestore && (
                    <Button
                      variant="ghost"
                      disabled={pending}
                      onClick={() => onRestore(p)}
                      aria-label={`Restore ${p.name}`}
                    >
                      Restore
                    </Button>
                  )}
                </td>
              </tr>
            ),
          )}
        </tbody>
      </table>
    </div>
  );
}

function safeZoneText(s: SafeZone): string {
  if (!s.top && !s.right && !s.bottom && !s.left) return "none";
  const p = (n: number) => `${Math.round(n * 1000) / 10}%`;
  return (["top", "right", "bottom", "left"] as const)
    .filter((side) => s[side] > 0)
    .map((side) => `${side} ${p(s[side])}`)
    .join(" · ");
}

const SIDES = ["top", "right", "bottom", "left"] as const;

/** Add or edit: sizes in pixels, safe-zone margins in per cent of each side (stored as fractions), with a live preview. */
function PlacementForm({
  title,
  initial,
  errors,
  pending,
  onSubmit,
  onCancel,
}: {
  title: string;
  initial?: PlacementRow;
  errors: FieldErrors;
  pending: boolean;
  onSubmit: (body: unknown) => void;
  onCancel: () => void;
}) {
  const [v, setV] = useState(() => ({
    slug: initial?.slug ?? "",
    name: initial?.name ?? "",
    channel: initial?.channel ?? "custom",
    width: String(initial?.width ?? 1080),
    height: String(initial?.height ?? 1080),
    top: percent(initial?.safeZone.top),
    right: percent(initial?.safeZone.right),
    bottom: percent(initial?.safeZone.bottom),
    left: percent(initial?.safeZone.left),
    defaultFormat: initial?.defaultFormat ?? "webp",
    defaultQuality: String(initial?.defaultQuality ?? 82),
  }));
  const set = (k: keyof typeof v) => (e: { target: { value: string } }) =>
    setV((old) => ({ ...old, [k]: e.target.value }));
  const fraction = (s: string) => (s.trim() === "" ? 0 : Number(s) / 100);
  const safeZone = {
    top: fraction(v.top),
    right: fraction(v.right),
    bottom: fraction(v.bottom),
    left: fraction(v.left),
  };
  const width = Number(v.width);
  const height = Number(v.height);
  const previewable =
    width >= 1 && height >= 1 && Object.values(safeZone).every((n) => Number.isFinite(n) && n >= 0 && n < 0.5);
  const err = (k: string) => errors[k];
  return (
    <form
      aria-label={title}
      className="rounded-lg border border-stone-200 bg-stone-50 p-4"
      onSubmit={(e) => {
        e.preventDefault();
        onSubmit({
          slug: v.slug,
          name: v.name,
          channel: v.channel,
          width: Number(v.width),
          height: Number(v.height),
          safeZone,
          defaultFormat: v.defaultFormat,
          defaultQuality: Number(v.defaultQuality),
        });
      }}
    >
      <h3 className="mb-3 text-sm font-semibold text-stone-800">{title}</h3>
      <div className="flex flex-wrap gap-6">
        <div className="grid grow grid-cols-2 gap-3 sm:grid-cols-4">
          <div className="col-span-2">
            <Field label="Name" name="name" error={err("name")}>
              <Input
                name="name"
                value={v.name}
                onChange={set("name")}
                required
                maxLength={80}
                placeholder="Pinterest pin 2:3"
                invalid={!!err("name")}
              />
            </Field>
          </div>
          <div className="col-span-2">
            <Field
              label="Slug"
              name="slug"
              error={err("slug")}
              hint="Lower-case letters, digits and hyphens; used in file names."
            >
              <Input
                name="slug"
                value={v.slug}
                onChange={set("slug")}
                required
                maxLength={60}
                placeholder="pinterest-pin"
                className="font-mono"
                invalid={!!err("slug")}
              />
            </Field>
          </div>
          <Field label="Channel" name="channel" error={err("channel")}>
            <Select id="channel" name="channel" value={v.channel} onChange={set("channel")}>
              {PLACEMENT_CHANNELS.map((c) => (
                <option key={c} value={c}>
                  {CHANNEL_LABELS[c]}
                </option>
              ))}
            </Select>
          </Field>
          <Field label="Width (px)" name="width" error={err("width")}>
            <Input
              name="width"
              type="number"
              min={16}
              max={8192}
              step={1}
              value={v.width}
              onChange={set("width")}
              required
              invalid={!!err("width")}
            />
          </Field>
          <Field label="Height (px)" name="height" error={err("height")}>
            <Input
              name="height"
              type="number"
              min={16}
              max={8192}
              step={1}
              value={v.height}
              onChange={set("height")}
              required
              invalid={!!err("height")}
            />
          </Field>
          <div className="flex items-end pb-2 text-sm text-stone-600" aria-live="polite">
            {width >= 1 && height >= 1 && Number.isInteger(width) && Number.isInteger(height)
              ? `Aspect ${aspectLabel(width, height)}`
              : ""}
          </div>
          {SIDES.map((s) => (
            <Field key={s} label={`Safe zone ${s} (%)`} name={`safe-${s}`} error={err(`safeZone.${s}`)}>
              <Input
                name={`safe-${s}`}
                type="number"
                min={0}
                max={45}
                step={0.5}
                value={v[s]}
                onChange={set(s)}
                invalid={!!err(`safeZone.${s}`)}
              />
            </Field>
          ))}
          <Field label="Default format" name="defaultFormat" error={err("defaultFormat")}>
            <Select id="defaultFormat" name="defaultFormat" value={v.defaultFormat} onChange={set("defaultFormat")}>
              {FORMAT_CHOICES.map((f) => (
                <option key={f} value={f}>
                  {f.toUpperCase()}
                </option>
              ))}
            </Select>
          </Field>
          <Field
            label="Default quality"
            name="defaultQuality"
            error={err("defaultQuality")}
            hint="1–100, for WebP, AVIF and JPEG."
          >
            <Input
              name="defaultQuality"
              type="number"
              min={1}
              max={100}
              step={1}
              value={v.defaultQuality}
              onChange={set("defaultQuality")}
              required
              invalid={!!err("defaultQuality")}
            />
          </Field>
        </div>
        <figure className="flex flex-col items-center gap-2" data-testid="placement-form-preview">
          {previewable ? (
            <PlacementShape
              width={width}
              height={height}
              safeZone={safeZone}
              box={160}
              label={`Preview: ${aspectLabel(width, height)} with its safe zone`}
            />
          ) : (
            <div className="flex h-40 w-40 items-center justify-center text-center text-xs text-stone-500">
              Enter a size to see the shape.
            </div>
          )}
          <figcaption className="max-w-40 text-center text-xs text-stone-500">
            Shaded: kept clear of text. Dashed: where text may go.
          </figcaption>
        </figure>
      </div>
      <div className="mt-4 flex gap-2">
        <Button type="submit" disabled={pending}>
          {initial ? "Save placement" : "Add placement"}
        </Button>
        <Button type="button" variant="secondary" onClick={onCancel}>
          Cancel
        </Button>
      </div>
    </form>
  );
}

function percent(n: number | undefined): string {
  return n ? String(Math.round(n * 1000) / 10) : "0";
}
