# syntax=docker/dockerfile:1
# AI-Market sandbox: the stateful mock of the AI-Market API (and its contract-test kit) in one image.
#   docker build -t ai-market-sandbox .
#   docker run -p 8080:8080 -v ai-market-data:/data ai-market-sandbox

# ---- build: compile TypeScript, then drop dev dependencies ----
FROM node:24-bookworm-slim AS build
WORKDIR /app
# Dependencies first, so editing the source does not re-run the install. No compiler: better-sqlite3
# loads the prebuilt binary it ships, and esbuild its platform package, so no install script is needed
# (--ignore-scripts also keeps the package's own prepare from building before the sources are here).
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY spec ./spec
COPY server ./server
COPY cli ./cli
COPY fixtures ./fixtures
COPY contract-tests ./contract-tests
# better-sqlite3's C sources (deps/, src/) are only for compiling it, which never happens here.
RUN npm run build \
 && npm prune --omit=dev --ignore-scripts --no-audit --no-fund \
 && rm -rf node_modules/better-sqlite3/deps node_modules/better-sqlite3/src /root/.npm

# ---- runtime: production dependencies and compiled output only, as a non-root user ----
FROM node:24-bookworm-slim
ENV NODE_ENV=production \
    AI_MARKET_MOCK_HOST=0.0.0.0 \
    AI_MARKET_MOCK_PORT=8080 \
    AI_MARKET_MOCK_DB=/data/sandbox.sqlite
WORKDIR /app
# Application files stay root-owned (read-only to the server); only /data, and reports/ for the
# contract command's default JUnit path, belong to the node user.
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/spec ./spec
COPY --from=build /app/fixtures ./fixtures
COPY --from=build /app/contract-tests ./contract-tests
RUN mkdir -p /data /app/reports && chown node:node /data /app/reports
VOLUME ["/data"]
USER node
EXPOSE 8080
# The slim image has no curl; Node 24's global fetch does the probe.
HEALTHCHECK --interval=10s --timeout=3s --start-period=5s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.AI_MARKET_MOCK_PORT || 8080) + '/health').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Exec form: node is PID 1 and receives docker stop's SIGTERM itself (the serve command handles it).
CMD ["node", "dist/cli/main.js", "serve"]
