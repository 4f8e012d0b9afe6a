# syntax=docker/dockerfile:1
# Parley's container image.
#   docker build -t parley .
#   docker run -p 8080:8080 -v parley-data:/data -e OPENAI_API_KEY=sk-... -e PARLEY_ADMIN_PASSWORD='a long secret' parley
# Every setting comes from environment variables (docs/configuration.md). The image listens on 0.0.0.0:8080, asks for
# a sign-in (accounts mode; PARLEY_ADMIN_USER, default admin, and PARLEY_ADMIN_PASSWORD create the first administrator),
# keeps its SQLite database and files in the /data volume and runs as the non-root user `app` (uid 1654).

# ---- build: .NET SDK 10 plus Node.js for the web app (Vite + React), embedded into Parley.dll ----
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
# Node.js 22 and npm, taken from the official Node image (its binary runs on the SDK image's newer glibc).
COPY --from=node:22-bookworm-slim /usr/local/bin/node /usr/local/bin/node
COPY --from=node:22-bookworm-slim /usr/local/lib/node_modules/npm /usr/local/lib/node_modules/npm
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \
 && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \
 && node --version && npm --version
ENV DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
WORKDIR /src

# Restore first (cached while only sources change).
COPY nuget.config Directory.Build.props Directory.Packages.props ./
COPY nuget/ nuget/
# nuget.config maps test-only packages to this machine-local folder; an empty one keeps restore from failing on it.
RUN mkdir -p /opt/nuget/packages
COPY src/Parley/Parley.csproj src/Parley/
COPY src/Parley.Server/Parley.Server.csproj src/Parley.Server/
COPY src/Parley.Web/Parley.Web.targets src/Parley.Web/
RUN dotnet restore src/Parley.Server/Parley.Server.csproj
COPY src/Parley.Web/package.json src/Parley.Web/package-lock.json src/Parley.Web/
RUN cd src/Parley.Web && npm ci --no-audit --no-fund \
 && touch node_modules/.parley-npm-ci.stamp

# Build: Parley.Web.targets runs `npm run build` (type-check + Vite) and embeds dist/ into Parley.dll.
COPY src/ src/
RUN dotnet publish src/Parley.Server/Parley.Server.csproj -c Release --no-restore -p:UseAppHost=false -o /app \
 && test -f src/Parley.Web/dist/index.html

# ---- runtime: ASP.NET Core 10 runtime only ----
FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
COPY --from=build /app ./
# The base image's non-root user `app` (uid and gid 1654) owns the data folder.
RUN mkdir -p /data && chown 1654:1654 /data
# Reached from outside the container, so sign-in is required: set PARLEY_ADMIN_PASSWORD for the first administrator.
# MALLOC_ARENA_MAX: two glibc malloc arenas keep a long-running server's RSS flat (docs/benchmarks.md, soak).
ENV HOST=0.0.0.0 \
    PORT=8080 \
    MALLOC_ARENA_MAX=2 \
    PARLEY_DATA_DIR=/data \
    PARLEY_AUTH_MODE=accounts
VOLUME ["/data"]
EXPOSE 8080
USER 1654:1654
# The runtime image has no curl: the server's own `healthcheck` verb GETs http://127.0.0.1:$PORT/health/live.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["dotnet", "/app/Parley.Server.dll", "healthcheck"]
# `docker run parley worker` runs only the Kafka worker; `docker run parley doctor` checks the configuration.
ENTRYPOINT ["dotnet", "/app/Parley.Server.dll"]
