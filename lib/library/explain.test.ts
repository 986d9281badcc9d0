import { inArray, sql, type SQL } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database, Db } from "@/db";
import { assetSearch, collections, teams, users } from "@/db/schema";
import { createTestDatabase } from "@/db/testing";
import { seedCatalog } from "@/lib/catalog/seed-catalog";
import { createUserFactory, ctxFor } from "@/test/factories";
import { libraryFacets } from "./facets";
import { countMatches, matchCondition, queryRows, searchLibrary } from "./search";

/**
 * The proof that the library's queries use the read model's indexes: 20,000 asset_search rows,
 * ANALYZEd, then the real searchLibrary / libraryFacets with every statement they send EXPLAINed.
 * No planner settings are changed (no enable_seqscan = off): at this size a sequential scan is a
 * real option the planner turns down on cost, so the test fails if a query stops being indexable
 * (a function wrapped around a column, an OR the bitmap scans cannot split, a cast on the
 * wrong side). The queries are selective on purpose: for a query matching hundreds of rows the
 * planner rightly walks the (created_at, asset_id) btree backwards and stops after 61 matches,
 * which the third test shows for the broad case. Rows belong to ten designers, one of whom also
 * sees a board shared with her team, so the designer's visibility rule (own OR shared EXISTS) is
 * planned over realistic ownership too.
 */

const ROWS = 20_000;
let database: Database;
let reviewer: ReturnType<typeof ctxFor>;
let designer: ReturnType<typeof ctxFor>;
let sharedOwnerId: string;
const DESIGNERS = 10;

beforeAll(async () => {
  database = await createTestDatabase();
  const db = database.db;
  await seedCatalog({ db, simulatorUrl: "http://127.0.0.1:9" });
  const owner = await createUserFactory(db, { role: "designer" });
  reviewer = ctxFor(db, await createUserFactory(db, { role: "reviewer" }));
  const [team] = await db.insert(teams).values({ name: "Brand" }).returning();
  const owners = [owner.id];
  for (let d = 1; d < DESIGNERS; d++) owners.push((await createUserFactory(db, { role: "designer" })).id);
  await db
    .update(users)
    .set({ teamId: team!.id })
    .where(inArray(users.id, owners.slice(0, 2)));
  designer = ctxFor(db, owner);
  sharedOwnerId = owners[1]!;
  const ownerOf = sql.raw(`(array[${owners.map((o) => `'${o}'::uuid`).join(",")}])[1 + i % ${DESIGNERS}]`);
  const words = (list: string[], seed: string) =>
    sql.raw(`(array[${list.map((w) => `'${w}'`).join(",")}])[1 + abs(hashint4(i + ${seed})) % ${list.length}]`);
  const products = words(
    [
      "shoe",
      "boot",
      "mug",
      "shirt",
      "scarf",
      "vase",
      "kettle",
      "tote",
      "jacket",
      "lamp",
      "bottle",
      "chair",
      "watch",
      "tent",
      "candle",
      "towel",
      "hoodie",
      "helmet",
      "pen",
      "notebook",
    ],
    "1",
  );
  const colours = words(["red", "navy", "olive", "black", "pastel", "golden", "frosted", "woven"], "2");
  const campaigns = words(
    [
      "Spring 26",
      "Summer 26",
      "Autumn 26",
      "Winter 26",
      "Holiday 26",
      "Black Friday 26",
      "Always-on 1",
      "Always-on 2",
      "Always-on 3",
      "Always-on 4",
    ],
    "3",
  );
  const loras = words(
    [
      "style_lora_v1",
      "style_lora_v2",
      "film_grain",
      "soft_light",
      "bokeh_depth",
      "neon_glow",
      "clay_render",
      "paper_texture",
    ],
    "4",
  );
  const statuses = words(
    ["approved", "approved", "approved", "rejected", "in_review", "changes_requested", "checking"],
    "5",
  );
  // Campaigns live on batches (the grammar resolves `campaign:` through them, in any case).
  const campaignNames = [
    "Spring 26",
    "Summer 26",
    "Autumn 26",
    "Winter 26",
    "Holiday 26",
    "Black Friday 26",
    "Always-on 1",
    "Always-on 2",
    "Always-on 3",
    "Always-on 4",
  ];
  await db.execute(sql`
    insert into batches (owner_id, idempotency_key, name, campaign, template_version_id, source, total, estimate_micros, estimate_seconds, settings)
    select ${owner.id}::uuid, 'explain-' || c, 'Batch ' || c, c, (select active_version_id from templates limit 1), 'csv', 1, 0, 0, '{"variantsPerRow":1,"aspectRatios":[]}'::jsonb
    from unnest(${sql.raw(`array[${campaignNames.map((c) => `'${c}'`).join(",")}]`)}) c`);
  // Uploaded assets are the smallest valid rows asset_search can point at; the read-model rows are written directly with varied facets.
  await db.execute(sql`
    insert into uploads (id, owner_id, filename, content_type, bytes, width, height, sha256, blob_key, status)
    select md5('u' || i)::uuid, ${ownerOf}, 'image-' || i || '.png', 'image/png', 1000, 1024, 1024, md5('s' || i), 'uploads/' || md5('u' || i)::uuid || '/original.png', 'ready'
    from generate_series(1, ${ROWS}::int) i`);
  await db.execute(sql`
    insert into assets (id, source, upload_id, owner_id, status, created_at)
    select md5('a' || i)::uuid, 'uploaded', md5('u' || i)::uuid, ${ownerOf}, 'approved', timestamptz '2026-01-01' + i * interval '20 minutes'
    from generate_series(1, ${ROWS}::int) i`);
  await db.execute(sql`
    insert into asset_search (asset_id, owner_id, status, source, title, campaign, loras, tags, check_reasons, width, height, created_at, approved_at, document, identity)
    select md5('a' || i)::uuid, ${ownerOf}, ${statuses}::asset_status, 'uploaded', ${colours} || ' ' || ${products}, ${campaigns}, array[${loras}],
           case when i % 5 = 0 then array['hero'] else '{}' end, case when i % 7 = 0 then array['blur'] else '{}' end, 1024, 1024,
           timestamptz '2026-01-01' + i * interval '20 minutes', null,
           setweight(to_tsvector('english', ${colours} || ' ' || ${products}), 'A')
             || setweight(to_tsvector('english', 'product photography on a table, sku KLN-' || lpad((i % 10000)::text, 4, '0')), 'B'),
           ${colours} || ' ' || ${products} || ' KLN-' || lpad((i % 10000)::text, 4, '0') || ' Batch ' || ${campaigns}
    from generate_series(1, ${ROWS}::int) i`);
  // A board the second designer shares with the team: 500 of her assets the first designer sees too.
  const [board] = await db
    .insert(collections)
    .values({ name: "Shared", ownerId: owners[1]!, teamId: team!.id })
    .returning();
  await db.execute(sql`
    insert into collection_assets (collection_id, asset_id)
    select ${board!.id}::uuid, md5('a' || i)::uuid from generate_series(1, ${ROWS}::int) i where i % ${DESIGNERS} = 1 and i <= 10000`);
  await db.execute(sql`analyze`);
}, 180_000);

afterAll(async () => {
  await database?.close();
});

/** Runs fn with a database handle that also EXPLAINs every statement it executes. */
async function plansOf(db: Db, fn: (db: Db) => Promise<unknown>): Promise<string[]> {
  const plans: string[] = [];
  const spy = new Proxy(db, {
    get(target, prop, receiver) {
      if (prop !== "execute") return Reflect.get(target, prop, receiver);
      return async (statement: SQL) => {
        const rows = await queryRows<Record<string, string>>(target, sql`explain ${statement}`);
        plans.push(rows.map((r) => Object.values(r)[0]).join("\n"));
        return target.execute(statement);
      };
    },
  });
  await fn(spy);
  return plans.filter((p) => p.includes("asset_search"));
}

describe("EXPLAIN: the library's queries use the indexes", () => {
  it("full text + three facets: GIN on the document, with the facets' indexes, never a sequential scan", async () => {
    const q = 'kettle campaign:"spring 26" lora:style_lora_v2 source:uploaded';
    const page = await searchLibrary({ ctx: reviewer, input: { q, limit: 60 } });
    expect(page.items.length).toBeGreaterThan(0);
    const plans = await plansOf(reviewer.db, (db) =>
      searchLibrary({ ctx: { ...reviewer, db }, input: { q, limit: 60 } }),
    );
    // The count of a cut page (the same condition) is planned too.
    plans.push(
      ...(await plansOf(reviewer.db, async (db) =>
        countMatches(db, (await matchCondition({ ...reviewer, db }, q)).where),
      )),
    );
    expect(plans).toHaveLength(2);
    for (const plan of plans) {
      expect(plan).toContain("asset_search_document_idx");
      expect(plan).toMatch(/asset_search_(campaign|loras)_idx/);
      expect(plan).not.toMatch(/Seq Scan on asset_search/);
    }
  });

  it("facet counts for the same query read the matches through the same indexes", async () => {
    const q = 'kettle campaign:"spring 26" lora:style_lora_v2 source:uploaded';
    const plans = await plansOf(reviewer.db, (db) => libraryFacets({ ctx: { ...reviewer, db }, input: { q } }));
    expect(plans).toHaveLength(1);
    expect(plans[0]).toMatch(/asset_search_(document|campaign|loras)_idx/);
    expect(plans[0]).not.toMatch(/Seq Scan on asset_search/);
  });

  it("a broad query pages through the (created_at, asset_id) btree instead of sorting the table", async () => {
    const first = await searchLibrary({ ctx: reviewer, input: { q: "", limit: 60 } });
    const plans = await plansOf(reviewer.db, (db) =>
      searchLibrary({ ctx: { ...reviewer, db }, input: { q: "", limit: 60, cursor: first.nextCursor! } }),
    );
    expect(plans[0]).toMatch(/Index (Only )?Scan Backward using asset_search_created_idx/);
    expect(plans[0]).not.toMatch(/Seq Scan on asset_search/);
  });

  it("a fragment (*0042, KLN-004*) reads the identity text through its trigram index", async () => {
    for (const q of ["KLN-0042*", "*LN-004* lora:style_lora_v2"]) {
      const page = await searchLibrary({ ctx: reviewer, input: { q, limit: 60 } });
      expect(page.items.length, q).toBeGreaterThan(0);
      const plans = await plansOf(reviewer.db, (db) =>
        searchLibrary({ ctx: { ...reviewer, db }, input: { q, limit: 60 } }),
      );
      expect(plans[0], q).toContain("asset_search_identity_trgm_idx");
      expect(plans[0], q).not.toMatch(/Seq Scan on asset_search/);
    }
  });

  it("as a designer (own assets OR on a board shared with the team): the same indexes, search and facets", async () => {
    const q = 'kettle campaign:"spring 26" lora:style_lora_v2 source:uploaded';
    const page = await searchLibrary({ ctx: designer, input: { q, limit: 60 } });
    const all = await searchLibrary({ ctx: reviewer, input: { q, limit: 60 } });
    // The rule narrows for real: fewer than the reviewer sees, and some seen only through the shared board.
    expect(page.items.length).toBeGreaterThan(0);
    expect(page.items.length).toBeLessThan(all.items.length);
    const owners = await designer.db
      .selectDistinct({ ownerId: assetSearch.ownerId })
      .from(assetSearch)
      .where(
        inArray(
          assetSearch.assetId,
          page.items.map((i) => i.id),
        ),
      );
    expect(owners.map((o) => o.ownerId).sort()).toEqual([designer.actor.id, sharedOwnerId].sort());
    const plans = [
      ...(await plansOf(designer.db, (db) => searchLibrary({ ctx: { ...designer, db }, input: { q, limit: 60 } }))),
      ...(await plansOf(designer.db, (db) => libraryFacets({ ctx: { ...designer, db }, input: { q } }))),
      ...(await plansOf(designer.db, (db) =>
        searchLibrary({ ctx: { ...designer, db }, input: { q: "*LN-004*", limit: 60 } }),
      )),
    ];
    expect(plans).toHaveLength(3);
    expect(plans[0]).toContain("asset_search_document_idx");
    expect(plans[1]).toMatch(/asset_search_(document|campaign|loras)_idx/);
    expect(plans[2]).toContain("asset_search_identity_trgm_idx");
    for (const plan of plans) {
      expect(plan).not.toMatch(/Seq Scan on asset_search/);
      // The shared clause is evaluated once per statement (a hashed subplan over the team's board
      // memberships) or probed by key per row, never re-run as a scan for each candidate row.
      expect(plan).toMatch(/hashed SubPlan|collection_assets_(pkey|asset_idx)/);
    }
  });

  it("array facets alone use their GIN indexes (tag, reason)", async () => {
    for (const q of ["tag:hero reason:blur frosted kettle", "reason:blur navy kettle"]) {
      const plans = await plansOf(reviewer.db, (db) =>
        searchLibrary({ ctx: { ...reviewer, db }, input: { q, limit: 60 } }),
      );
      expect(plans[0], q).toMatch(/asset_search_(tags|check_reasons|document)_idx/);
      expect(plans[0], q).not.toMatch(/Seq Scan on asset_search/);
    }
  });
});
