# syntax=docker/dockerfile:1
# Heimdall in a container: `docker build -t heimdall .` then
#   docker run -p 8000:8000 -v heimdall-data:/app/data heimdall
# (SQLite in the volume, a JWT secret generated into it on first start), or see docker-compose.yml
# for MariaDB. Configuration is the HEIMDALL_* environment, as documented in the README.

# ---- build: compile TypeScript, build better-sqlite3's native module, drop dev dependencies ----
FROM node:20-bookworm-slim AS build
# better-sqlite3 builds from source when no prebuilt binary matches.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
# Dependencies first, so that a change in src/ reuses this layer. Install scripts run afterwards, for
# the packages that need them, and `prepare` (the build) once the sources are there.
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund \
 && npm rebuild better-sqlite3 bcrypt
COPY tsconfig.json knexfile.ts ./
COPY bin ./bin
COPY migrations ./migrations
COPY src ./src
RUN npm run build \
 && npm prune --omit=dev --no-audit --no-fund

# ---- runtime: Node and the compiled server only, as an unprivileged user ----
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    HEIMDALL_HOST=0.0.0.0 \
    HEIMDALL_PORT=8000
WORKDIR /app
# A user of its own, numeric in USER so that Kubernetes' runAsNonRoot can check it. The code stays
# owned by root (read-only to the server); only /app/data (SQLite, the generated secret) is writable.
RUN groupadd --system --gid 10001 heimdall \
 && useradd --system --uid 10001 --gid heimdall --home-dir /app --no-create-home --shell /usr/sbin/nologin heimdall \
 && mkdir -p /app/data \
 && chown heimdall:heimdall /app/data
COPY --from=build /app/package.json /app/oclif.manifest.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/bin/run.js ./bin/run.js
COPY --from=build /app/dist/src ./dist/src
COPY --from=build /app/dist/migrations ./dist/migrations
USER 10001:10001
VOLUME ["/app/data"]
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.HEIMDALL_PORT || 8000) + '/live').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "bin/run.js", "serve"]
