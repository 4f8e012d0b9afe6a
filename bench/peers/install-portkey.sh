#!/usr/bin/env bash
# Installs Portkey's gateway (npm @portkey-ai/gateway) for the bench's side-by-side runs. Its streaming needs
# @hono/node-server 1.14.1, forced here with an npm override. The bench also does this itself when --quick or the
# full suite runs and the folder is empty; pass --no-peers to skip Portkey.
set -euo pipefail
dir=${1:-/tmp/parley-bench-peers/portkey}
mkdir -p "$dir" && cd "$dir"
echo '{"name":"parley-bench-peers","private":true,"overrides":{"@hono/node-server":"1.14.1"}}' > package.json
npm install --no-audit --no-fund @portkey-ai/gateway@1.15.2 @hono/node-server@1.14.1
echo "Portkey installed in $dir"
