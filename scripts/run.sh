#!/usr/bin/env bash
# The README's "run the main job" command.
#
# Today the runtime does not exist yet (see README "Status"), so this provisions what the engine will run on
# (PostgreSQL cluster, dockerd, the local busybox image and an `alpine` stand-in when no registry is reachable),
# then validates the seed workflows written in C# with the one validator and prints their DAG.
# Extra arguments go to the samples CLI, e.g. `bash scripts/run.sh --mermaid`.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/infra.sh up >/dev/null
bash scripts/infra.sh alpine-standin >/dev/null
dotnet run --project samples/Workflows.Samples -c Release -- "$@" </dev/null
