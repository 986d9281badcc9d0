# Kiln's production image (docs/operations.md). One image, two roles chosen at run time:
#   web:    docker run … kiln                      (pages and API on :3000)
#   worker: docker run … kiln node --import tsx scripts/worker.ts   (background functions on :3001)
# Nothing is configured at build time: every setting (DATABASE_URL, AUTH_SECRET, KILN_SECRETS_KEY,
# INNGEST_*, BLOB_READ_WRITE_TOKEN, KILN_URL, …) comes from the environment when the container starts.

# ---- dependencies (with the toolchain native addons may need) ----
FROM node:20-bookworm-slim AS deps
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json .npmrc ./
RUN npm ci

# ---- build: the Next.js production build (no database, no secrets: the build phase touches neither) ----
FROM deps AS build
COPY . .
RUN npm run build && npm prune --omit=dev

# ---- runtime: non-root, only what running needs ----
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    NEXT_TELEMETRY_DISABLED=1 \
    # Kiln's own SIGTERM handling drains in-flight steps (lib/system/shutdown.ts); Next.js's would not.
    NEXT_MANUAL_SIG_HANDLE=1 \
    # sharp's advice for glibc (scripts/allocator.ts).
    MALLOC_ARENA_MAX=2 \
    KILN_DATA_DIR=/data \
    KILN_ROLE=web \
    KILN_WORKER_HOST=0.0.0.0 \
    KILN_SIMULATOR_PORT=0 \
    PORT=3000
WORKDIR /app
RUN mkdir -p /data && chown node:node /data
# Sources stay beside the build: the worker runs the functions from TypeScript with tsx, and the
# engine and model worker threads load their .mjs files and models from node_modules at run time.
COPY --from=build --chown=node:node /app /app
USER node
VOLUME ["/data"]
EXPOSE 3000 3001
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s CMD node -e "fetch('http://127.0.0.1:'+(process.env.KILN_ROLE==='worker'?(process.env.KILN_WORKER_PORT||3001)+'/health':(process.env.PORT||3000)+'/api/health')).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "node_modules/next/dist/bin/next", "start"]
