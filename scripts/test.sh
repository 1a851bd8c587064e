#!/usr/bin/env bash
# The project's test command:  bash scripts/test.sh
#
#   1. provisions PostgreSQL / Docker / the test image / Chromium (scripts/infra.sh env) and
#      exports the WORKFLOWS_TEST_* variables it prints;
#   2. builds the solution once (Release);
#   3. runs every test project under tests/ with --no-build, one trx per project,
#      into artifacts/test-results (old *.trx there are deleted first), without
#      stopping at the first failing project;
#   4. sums the trx results. The LAST line printed is always exactly
#         <N> passed, <N> failed, <N> skipped
#
# Exit status is non-zero if any test failed, the build failed, infrastructure
# provisioning failed, or a test project crashed / produced no trx (each such
# problem also counts as one failure in the summary line). Never reads stdin.
#
# Knobs (mostly for testing this script):
#   WORKFLOWS_SLN           solution file (default: Workflows.sln, else Workflows.slnx)
#   WORKFLOWS_TEST_RESULTS  results dir (default: <solution dir>/artifacts/test-results)
#   WORKFLOWS_SKIP_INFRA=1  do not run scripts/infra.sh (use the caller's environment)
#   WORKFLOWS_TEST_TIMEOUT  per-project time limit for dotnet test, seconds (default 1800)
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$SCRIPT_DIR/.." && pwd)
cd "$REPO_ROOT"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
# No long-lived MSBuild worker nodes: they would outlive this script and keep
# the caller's stdout pipe open (e.g. `bash scripts/test.sh | tee log` never ending).
export MSBUILDDISABLENODEREUSE=1

say() { printf '[test] %s\n' "$*"; }

passed=0 failed=0 skipped=0
problems=() # human-readable reasons for non-test failures

summary_and_exit() {
  local status=0
  if [ "$failed" -gt 0 ] || [ "${#problems[@]}" -gt 0 ]; then status=1; fi
  echo
  if [ "${#problems[@]}" -gt 0 ]; then
    say "problems:"
    local p
    for p in "${problems[@]}"; do printf '  - %s\n' "$p"; done
  fi
  printf '%d passed, %d failed, %d skipped\n' "$passed" "$failed" "$skipped"
  exit "$status"
}

# ---------------------------------------------------------------- solution
SLN="${WORKFLOWS_SLN:-}"
if [ -z "$SLN" ]; then
  if [ -f Workflows.sln ]; then SLN=Workflows.sln
  elif [ -f Workflows.slnx ]; then SLN=Workflows.slnx
  else SLN=Workflows.sln
  fi
fi
if [ ! -f "$SLN" ]; then
  say "ERROR: solution $SLN not found (in $PWD)"
  problems+=("solution $SLN not found"); failed=$((failed + 1))
  summary_and_exit
fi
SLN_DIR=$(cd "$(dirname "$SLN")" && pwd)
SLN="$SLN_DIR/$(basename "$SLN")"
RESULTS="${WORKFLOWS_TEST_RESULTS:-$SLN_DIR/artifacts/test-results}"

# ------------------------------------------------------------------- infra
if [ "${WORKFLOWS_SKIP_INFRA:-0}" = 1 ]; then
  say "WORKFLOWS_SKIP_INFRA=1: not provisioning infrastructure"
else
  say "provisioning infrastructure (scripts/infra.sh env) ..."
  if infra_out=$(bash "$SCRIPT_DIR/infra.sh" env </dev/null); then
    while IFS= read -r line; do
      if [[ "$line" =~ ^[A-Za-z_][A-Za-z0-9_]*= ]]; then
        export "${line?}"
        say "  $line"
      fi
    done <<<"$infra_out"
  else
    say "ERROR: scripts/infra.sh env failed (see its messages above); tests needing PostgreSQL/Docker will fail or skip"
    problems+=("infrastructure provisioning failed (scripts/infra.sh env)"); failed=$((failed + 1))
  fi
fi

# ------------------------------------------------------------------- build
say "dotnet build $(basename "$SLN") -c Release ..."
if ! dotnet build "$SLN" -c Release --nologo -nodeReuse:false </dev/null; then
  say "ERROR: build failed; no tests were run"
  problems+=("dotnet build $(basename "$SLN") -c Release failed"); failed=$((failed + 1))
  summary_and_exit
fi

# ----------------------------------------------------------- test projects
# A test project is what MSBuild says it is (IsTestProject is set by
# Microsoft.NET.Test.Sdk, possibly via a Directory.Build.props); evaluation only,
# no build. Falls back to grepping the csproj if the evaluation fails.
is_test_project() { # csproj
  local p=$1 name v; name=$(basename "$p" .csproj)
  case "$name" in *Benchmark*) return 1 ;; esac
  if v=$(dotnet msbuild "$p" -nologo -getProperty:IsTestProject -p:Configuration=Release </dev/null 2>/dev/null); then
    v=$(printf '%s' "$v" | tr -d '[:space:]' | tr '[:upper:]' '[:lower:]')
    [ "$v" = true ]
    return
  fi
  if grep -qiE '<IsTestProject>[[:space:]]*false' "$p"; then return 1; fi
  grep -qiE '<IsTestProject>[[:space:]]*true|Microsoft\.NET\.Test\.Sdk' "$p"
}

projects=()
if [ -d "$SLN_DIR/tests" ]; then
  while IFS= read -r p; do
    if is_test_project "$p"; then projects+=("$p"); else say "skipping $(basename "$p") (not a test project)"; fi
  done < <(find "$SLN_DIR/tests" -mindepth 2 -maxdepth 2 -name '*.csproj' | LC_ALL=C sort)
fi
if [ "${#projects[@]}" -eq 0 ]; then
  say "ERROR: no test projects found under $SLN_DIR/tests"
  problems+=("no test projects found under tests/"); failed=$((failed + 1))
  summary_and_exit
fi

# Projects missing from the solution were not built above: let dotnet test build them.
# shellcheck disable=SC1003 # tr argument is a literal backslash
sln_list=$(dotnet sln "$SLN" list 2>/dev/null </dev/null | tr '\\' '/' || true)
in_solution() { # csproj
  local rel=${1#"$SLN_DIR"/}
  grep -qxF "$rel" <<<"$sln_list"
}

mkdir -p "$RESULTS"
find "$RESULTS" -maxdepth 1 -type f -name '*.trx' -delete

# Prints "<passed> <failed> <skipped>" for one trx, then the names of failed tests,
# one per line. Counts UnitTestResult outcomes (xunit writes skipped tests as
# outcome="NotExecuted"); anything that is neither passed nor skipped is a failure.
trx_counts() {
  awk 'BEGIN { RS = "<"; p = 0; f = 0; s = 0; n = 0 }
    /^UnitTestResult[ \t\r\n]/ {
      rec = $0; gsub(/[\r\n\t]/, " ", rec)
      o = ""; t = ""
      if (match(rec, / outcome="[^"]*"/)) o = substr(rec, RSTART + 10, RLENGTH - 11)
      if (match(rec, / testName="[^"]*"/)) t = substr(rec, RSTART + 11, RLENGTH - 12)
      if (o == "Passed") p++
      else if (o == "NotExecuted" || o == "Skipped" || o == "Inconclusive" || o == "NotRunnable") s++
      else { f++; names[++n] = t " [" o "]" }
    }
    END { print p, f, s; for (i = 1; i <= n; i++) print names[i] }' "$@"
}

timeout_s="${WORKFLOWS_TEST_TIMEOUT:-1800}"
report=()
for proj in "${projects[@]}"; do
  name=$(basename "$proj" .csproj)
  # Multi-targeted projects run once per TFM: give each run its own file.
  if grep -q '<TargetFrameworks>' "$proj"; then
    logger="trx;LogFilePrefix=$name"
  else
    logger="trx;LogFileName=$name.trx"
  fi
  build_flag=(--no-build)
  if ! in_solution "$proj"; then
    say "note: $name is not in $(basename "$SLN"); letting dotnet test build it"
    build_flag=()
  fi
  echo
  say "dotnet test $name ..."
  rc=0
  timeout --kill-after=30 "$timeout_s" \
    dotnet test "$proj" -c Release "${build_flag[@]}" --nologo \
    --logger "$logger" --results-directory "$RESULTS" </dev/null || rc=$?

  trxs=()
  while IFS= read -r f; do trxs+=("$f"); done < <(
    find "$RESULTS" -maxdepth 1 -type f \( -name "$name.trx" -o -name "${name}_*.trx" \) | LC_ALL=C sort)
  if [ "${#trxs[@]}" -eq 0 ]; then
    why="exit code $rc"; [ "$rc" -eq 124 ] && why="timed out after ${timeout_s}s"
    say "ERROR: $name produced no trx ($why): crashed or failed to start"
    problems+=("$name: test run crashed without producing a trx ($why)"); failed=$((failed + 1))
    report+=("$name: NO RESULTS ($why)")
    continue
  fi
  counts=$(trx_counts "${trxs[@]}")
  read -r p f s <<<"$(head -n 1 <<<"$counts")"
  passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
  report+=("$name: $p passed, $f failed, $s skipped")
  while IFS= read -r t; do [ -n "$t" ] && report+=("    FAILED $t"); done < <(tail -n +2 <<<"$counts")
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
    why="exit code $rc"; [ "$rc" -eq 124 ] && why="timed out after ${timeout_s}s"
    problems+=("$name: dotnet test failed ($why) although its trx lists no failed test (aborted run / test host crash?)")
    failed=$((failed + 1))
  fi
done

echo
say "results (trx files in $RESULTS):"
for r in "${report[@]}"; do printf '  %s\n' "$r"; done
summary_and_exit
