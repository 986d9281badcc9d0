"use client";

import { useActionState, useEffect, useRef, useTransition } from "react";
import { addBannedTermAction, removeBannedTermAction } from "@/app/(console)/admin/banned-terms/actions";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Input, Select } from "@/components/ui/field";
import { Table } from "@/components/ui/table";
import type { ActionResult } from "@/lib/http/action-result";

type Term = { id: string; term: string; category: string; createdAt: string };

export function BannedTermsEditor({ terms, categories }: { terms: Term[]; categories: string[] }) {
  const [state, action, pending] = useActionState<ActionResult<unknown> | null, FormData>(addBannedTermAction, null);
  const [removing, startRemove] = useTransition();
  const form = useRef<HTMLFormElement>(null);
  useEffect(() => {
    if (state?.ok) form.current?.reset();
  }, [state]);
  return (
    <div className="space-y-4">
      <form ref={form} action={action} className="flex flex-wrap items-end gap-2" aria-label="Add a banned term">
        <label className="text-sm">
          <span className="block font-medium text-stone-700">Term</span>
          <Input name="term" required maxLength={100} className="w-64" />
        </label>
        <label className="text-sm">
          <span className="block font-medium text-stone-700">Category</span>
          <Select name="category" defaultValue="trademark">
            {categories.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </Select>
        </label>
        <Button type="submit" disabled={pending}>
          Add term
        </Button>
      </form>
      {state && !state.ok && <Alert tone="error">{state.error.message}</Alert>}
      {state?.ok && <Alert tone="success">{state.message}</Alert>}
      {terms.length === 0 ? (
        <p className="text-sm text-stone-500">
          No banned terms yet. Add your competitors’ trademarks, people’s names you may not depict, and words your
          policy excludes.
        </p>
      ) : (
        <Table columns={["Term", "Category", "Added", { label: "Actions", srOnly: true }]}>
          {terms.map((t) => (
            <tr key={t.id} data-testid={`banned-${t.term}`}>
              <td className="py-2 pr-3 font-mono">{t.term}</td>
              <td className="py-2 pr-3">
                <Badge>{t.category}</Badge>
              </td>
              <td className="py-2 pr-3 text-stone-500">{new Date(t.createdAt).toLocaleDateString()}</td>
              <td className="py-2 text-right">
                <Button
                  variant="ghost"
                  disabled={removing}
                  onClick={() => startRemove(async () => void (await removeBannedTermAction(t.id)))}
                >
                  Remove
                </Button>
              </td>
            </tr>
          ))}
        </Table>
      )}
    </div>
  );
}
