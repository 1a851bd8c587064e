#!/usr/bin/env bash
# The README's "run the main job" command: runs the seed jobs (samples/legacy-yaml/retry-job.yaml and sensor-job.yaml,
# the user's YAML as written) end to end on the embedded default PostgreSQL, with real Docker containers and a local
# jsonplaceholder stand-in for their HTTP tasks (no internet here).
#
# It provisions what the engine runs on: dockerd (apt-installed when missing) and an `alpine` stand-in image when no
# registry is reachable. The embedded PostgreSQL cluster is started by the host itself, in its data folder
# (~/.local/share/workflows, or Workflows__DataDirectory). Extra arguments go to the samples CLI, e.g.
# `bash scripts/run.sh run samples/legacy-yaml/sensor-job.yaml` or `bash scripts/run.sh check --mermaid`.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/infra.sh docker >/dev/null
bash scripts/infra.sh alpine-standin >/dev/null
dotnet run --project samples/Workflows.Samples -c Release -- "$@" </dev/null
