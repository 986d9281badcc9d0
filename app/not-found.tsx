import Link from "@/components/ui/link";

export default function NotFound() {
  return (
    <main className="flex min-h-screen items-center justify-center px-4">
      <div className="max-w-md text-center">
        <p className="text-sm font-semibold text-kiln-600">404</p>
        <h1 className="mt-2 text-2xl font-semibold">Nothing here</h1>
        <p className="mt-2 text-sm text-stone-600">The page you asked for does not exist or was moved.</p>
        <Link href="/" className="mt-6 inline-block text-sm font-medium text-kiln-700 hover:underline">
          Back to the console
        </Link>
      </div>
    </main>
  );
}
