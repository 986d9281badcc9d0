"use client";

/** A signing secret, selectable as one piece. */
export function SecretBox({ secret }: { secret: string }) {
  return (
    <code
      data-testid="webhook-secret"
      className="mt-2 block select-all break-all rounded border border-stone-300 bg-white px-2 py-1 font-mono text-xs text-stone-900"
    >
      {secret}
    </code>
  );
}
