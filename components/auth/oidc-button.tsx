import { oidcSignInAction } from "@/app/(auth)/sign-in/oidc-action";
import { Button } from "@/components/ui/button";

export function OidcButton({ name, callbackUrl }: { name: string; callbackUrl: string }) {
  return (
    <form action={oidcSignInAction} className="mt-4 border-t border-stone-100 pt-4">
      <input type="hidden" name="callbackUrl" value={callbackUrl} />
      <Button type="submit" variant="secondary" className="w-full">
        Continue with {name}
      </Button>
    </form>
  );
}
