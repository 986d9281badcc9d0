export function JsonBlock({ value, tone = "plain" }: { value: unknown; tone?: "plain" | "error" }) {
  const text = typeof value === "string" ? value : JSON.stringify(value, null, 2);
  return (
    <pre
      className={`mt-2 max-h-72 overflow-auto rounded-md p-2 text-xs ${tone === "error" ? "bg-red-50 text-red-800" : "bg-stone-50 text-stone-700"}`}
    >
      {text.length > 20_000 ? `${text.slice(0, 20_000)}\n… (truncated)` : text}
    </pre>
  );
}
