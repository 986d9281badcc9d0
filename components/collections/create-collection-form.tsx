"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { api, RequestError, type ApiError } from "@/components/api-client";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Field, Input } from "@/components/ui/field";

/** Name, description, "share with my team"; opens the new board. */
export function CreateCollectionForm({ teamName }: { teamName: string | null }) {
  const router = useRouter();
  const [error, setError] = useState<ApiError | null>(null);
  const [pending, start] = useTransition();
  return (
    <form
      className="space-y-3"
      aria-label="Create a collection"
      onSubmit={(e) => {
        e.preventDefault();
        const form = new FormData(e.currentTarget);
        start(async () => {
          try {
            const r = await api<{ collection: { id: string } }>("/api/collections", {
              json: {
                name: form.get("name"),
                description: form.get("description") ?? "",
                shared: form.get("shared") === "on",
              },
            });
            router.push(`/collections/${r.collection.id}`);
          } catch (err) {
            setError(
              err instanceof RequestError
                ? err.error
                : { code: "internal", message: "Something went wrong; try again." },
            );
          }
        });
      }}
    >
      <Field label="Name" name="name" error={error?.fields?.name}>
        <Input
          name="name"
          required
          maxLength={80}
          placeholder="Spring hero picks"
          invalid={Boolean(error?.fields?.name)}
        />
      </Field>
      <Field label="Description" name="description" error={error?.fields?.description}>
        <Input name="description" maxLength={500} placeholder="What it is for (optional)" />
      </Field>
      <label className="flex items-start gap-2 text-sm text-stone-700">
        <input type="checkbox" name="shared" className="mt-1" disabled={!teamName} />
        <span>
          Share with my team{teamName ? ` (${teamName})` : ""}
          <span className="block text-xs text-stone-500">
            {teamName ? "Members see the board and its images; only you change it." : "You are not in a team yet."}
          </span>
        </span>
      </label>
      {error && !error.fields && <Alert tone="error">{error.message}</Alert>}
      {error?.fields?.shared && <Alert tone="error">{error.message}</Alert>}
      <Button type="submit" disabled={pending}>
        Create collection
      </Button>
    </form>
  );
}
