import { Card } from "@/components/ui/card";

/**
 * The CSV columns carried with an asset (SKU, category…) as a small key/value list: what product this
 * image is for. Renders nothing when the asset has none.
 */
export function ProductMetadata({
  metadata,
  className = "",
}: {
  metadata: Record<string, string>;
  className?: string;
}) {
  const entries = Object.entries(metadata);
  if (entries.length === 0) return null;
  return (
    <dl
      className={`grid grid-cols-[max-content_minmax(0,1fr)] gap-x-3 gap-y-1 text-sm ${className}`}
      data-testid="product-metadata"
    >
      {entries.map(([key, value]) => (
        <div key={key} className="contents">
          <dt className="font-mono text-xs leading-5 text-stone-500">{key}</dt>
          <dd className="break-words text-stone-800" data-key={key}>
            {value}
          </dd>
        </div>
      ))}
    </dl>
  );
}

/** The asset page's "Product" card; nothing for assets without carried columns. */
export function ProductCard({ metadata }: { metadata: Record<string, string> }) {
  if (Object.keys(metadata).length === 0) return null;
  return (
    <Card title="Product">
      <ProductMetadata metadata={metadata} />
    </Card>
  );
}
