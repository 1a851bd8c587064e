#!/usr/bin/env bash
# The README's "see it in the dashboard" command: serves the host (`workflows serve`: workers, the HTTP API under /api,
# the dashboard at /) on the SAME embedded default PostgreSQL that `bash scripts/run.sh` used (same data folder,
# same schema), creates a fresh admin API token to sign in with, and prints the dashboard's address and the token.
# Stop it with Ctrl+C; the embedded PostgreSQL keeps running, as after scripts/run.sh.
#
# Environment knobs:
#   WORKFLOWS_SERVE_URLS   where to listen (default http://127.0.0.1:5000)
#   WORKFLOWS_SERVE_TOKEN  a token name to create (default dashboard-<UTC time>)
# Extra arguments go to `workflows serve`, e.g. --Workflows:Dashboard:Mode=ReadOnly.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

urls=${WORKFLOWS_SERVE_URLS:-http://127.0.0.1:5000}
name=${WORKFLOWS_SERVE_TOKEN:-dashboard-$(date -u +%Y%m%d-%H%M%S)}

# Retries pressed in the dashboard run real containers, as the main job's did.
bash scripts/infra.sh docker >/dev/null
bash scripts/infra.sh alpine-standin >/dev/null
dotnet build src/Workflows.Host -c Release --nologo -v quiet </dev/null >/dev/null
host=src/Workflows.Host/bin/Release/net10.0/Workflows.Host.dll

token=$(dotnet "$host" tokens create "$name" --admin </dev/null | tail -n 1)
case "$token" in wf_*) ;; *) echo "serve.sh: could not create a token (got: $token)" >&2; exit 1 ;; esac

echo "Dashboard: ${urls%/}/"
echo "Sign in with this admin token (shown once; 'workflows tokens revoke $name' ends it): $token"
exec dotnet "$host" serve --urls "$urls" "$@" </dev/null
