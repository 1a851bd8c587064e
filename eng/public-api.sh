#!/usr/bin/env bash
# Public API tracking (Microsoft.CodeAnalysis.PublicApiAnalyzers): every shipped library lists its public symbols in
# PublicAPI.Shipped.txt (the baseline) and PublicAPI.Unshipped.txt (added or removed since). A build fails with
# RS0016 for a public symbol in no file and RS0017 for a listed symbol that is gone.
#
#   eng/public-api.sh                 record every library's new public API in its PublicAPI.Unshipped.txt
#   eng/public-api.sh src/Workflows   the same for the given project folders only
#   eng/public-api.sh --ship          at a release: fold each Unshipped file into its Shipped file
#
# Recording runs the analyzer's own code fix for RS0016 through `dotnet format analyzers`, so a new line is exactly what
# the analyzer expects; RS0017 has no fix, so a build reports it and this script drops a removed symbol's unshipped line
# or, for a shipped one, adds *REMOVED*<symbol> to PublicAPI.Unshipped.txt.
# Review the diff: a removed or changed line in the API files is a breaking change.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

ship=false
if [[ "${1:-}" == "--ship" ]]; then
    ship=true
    shift
fi

if [[ $# -gt 0 ]]; then
    folders=("$@")
else
    mapfile -t folders < <(find src -name PublicAPI.Shipped.txt -printf '%h\n' | sort)
fi

for folder in "${folders[@]}"; do
    folder="${folder%/}"
    if [[ ! -f "$folder/PublicAPI.Shipped.txt" ]]; then
        echo "$folder has no PublicAPI.Shipped.txt: it does not track its public API (see Directory.Build.targets)" >&2
        exit 2
    fi

    if $ship; then
        # Shipped = (Shipped + Unshipped) minus every *REMOVED* line and what it names; Unshipped starts empty.
        python3 - "$folder" <<'PY'
import sys, pathlib
folder = pathlib.Path(sys.argv[1])
shipped, unshipped = folder / "PublicAPI.Shipped.txt", folder / "PublicAPI.Unshipped.txt"
def lines(p): return [l for l in p.read_text().splitlines() if l.strip() and l.strip() != "#nullable enable"]
removed = {l[len("*REMOVED*"):] for l in lines(unshipped) if l.startswith("*REMOVED*")}
api = sorted({l for l in lines(shipped) + lines(unshipped) if not l.startswith("*REMOVED*") and l not in removed}, key=str.lower)
shipped.write_text("#nullable enable\n" + "".join(l + "\n" for l in api))
unshipped.write_text("#nullable enable\n")
PY
        echo "$folder: Unshipped folded into Shipped"
    else
        project=$(find "$folder" -maxdepth 1 -name '*.csproj' | head -n 1)
        echo "$project: recording public API changes"
        # RS0016: the analyzer's code fix adds each new symbol to PublicAPI.Unshipped.txt.
        dotnet format analyzers "$project" --diagnostics RS0016 --severity warn --verbosity quiet
        # RS0017 has no code fix: build (the two rules as warnings, so the build goes on) and apply its messages.
        log=$(mktemp)
        dotnet build "$project" -c Release -nodeReuse:false -p:WarningsNotAsErrors='RS0016%3BRS0017' > "$log" 2>&1 || true
        python3 - "$log" <<'PY'
import re, sys, pathlib
removed = {}
for line in open(sys.argv[1], encoding="utf-8", errors="replace"):
    m = re.search(r"RS0017: Symbol '(.+)' is part of the declared API, but is either not public or could not be found.*\[(.+\.csproj)\]", line)
    if m:
        removed.setdefault(pathlib.Path(m.group(2)).parent, set()).add(m.group(1))
for folder, symbols in removed.items():
    shipped, unshipped = folder / "PublicAPI.Shipped.txt", folder / "PublicAPI.Unshipped.txt"
    shipped_lines = shipped.read_text().splitlines()
    lines = unshipped.read_text().splitlines()
    for symbol in sorted(symbols):
        if symbol in lines:
            lines.remove(symbol)                      # added since the baseline, gone again: no trace
        elif symbol in shipped_lines and "*REMOVED*" + symbol not in lines:
            lines.append("*REMOVED*" + symbol)        # a shipped symbol is gone: a breaking change, for review
        print(f"{folder}: removed {symbol}")
    unshipped.write_text("\n".join(lines) + "\n")
PY
        rm -f "$log"
    fi
done
