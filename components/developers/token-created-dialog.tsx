"use client";

import { useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import type { CreatedToken } from "./create-token-dialog";
import { Modal } from "./modal";

/**
 * The token's one appearance: Kiln keeps only its hash, so closing this dialog loses it for good.
 * The dialog cannot be dismissed by a stray click or Escape — only by saying it was copied.
 */
export function TokenCreatedDialog({
  created,
  appUrl,
  onClose,
}: {
  created: CreatedToken;
  appUrl: string;
  onClose: () => void;
}) {
  const [copied, setCopied] = useState<"token" | "curl" | null>(null);
  const curl = `curl -H "Authorization: Bearer ${created.token}" ${appUrl}/api/v1/me`;
  const copy = (what: "token" | "curl", text: string) =>
    void navigator.clipboard?.writeText(text).then(() => setCopied(what));
  return (
    <Modal title="Copy your new token" onClose={onClose} testId="token-created-dialog" locked>
      <div className="mt-3 space-y-4 text-sm">
        <Alert tone="success">
          <strong>{created.view.name}</strong> is ready. Copy it now: Kiln stores only a hash and will never show it
          again.
        </Alert>
        <div className="flex gap-2">
          <input
            readOnly
            value={created.token}
            aria-label="API token"
            className="w-full rounded-md border border-stone-300 bg-stone-50 px-2 py-1.5 font-mono text-xs"
            onFocus={(e) => e.target.select()}
            data-testid="token-secret"
          />
          <Button variant="secondary" onClick={() => copy("token", created.token)} data-testid="token-copy">
            {copied === "token" ? "Copied" : "Copy"}
          </Button>
        </div>
        <div>
          <div className="flex items-center justify-between">
            <p className="font-medium text-stone-700">Try it</p>
            <Button variant="ghost" onClick={() => copy("curl", curl)} data-testid="token-copy-curl">
              {copied === "curl" ? "Copied" : "Copy command"}
            </Button>
          </div>
          <pre
            className="mt-1 whitespace-pre-wrap break-all rounded-md bg-stone-900 p-3 font-mono text-xs text-stone-100"
            data-testid="token-curl"
          >
            {curl}
          </pre>
          <p className="mt-1 text-xs text-stone-500">
            Answers with the token&apos;s owner, role and scopes. Keep the token in a secret store or an environment
            variable, never in source code.
          </p>
        </div>
        <div className="flex justify-end">
          <Button onClick={onClose} data-testid="token-done">
            I have copied it
          </Button>
        </div>
      </div>
    </Modal>
  );
}
