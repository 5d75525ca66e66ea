#!/usr/bin/env bash
# Load and re-emit time of every shared model: file size and median load / save / load+save milliseconds.
#
# Runs bench/Onnxc.Benchmarks (BenchmarkDotNet, in-process, 3 warmups + 15 iterations per benchmark) and
# prints the medians from its CSV report; medians because the machine is shared and noisy. The baseline is a
# plain Google.Protobuf parse + write of the same file. Extra arguments go to BenchmarkDotNet
# (e.g. --filter '*LoadAndSave*' or --job short). Needs ../shared beside the checkout, or ONNXC_SHARED.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
artifacts="${ONNXC_BENCH_ARTIFACTS:-$root/BenchmarkDotNet.Artifacts/load-save}"
shared="${ONNXC_SHARED:-$root/../shared}"
[[ -d "$shared/models" ]] || { echo "load-save.sh: no $shared/models; set ONNXC_SHARED" >&2; exit 2; }
export ONNXC_SHARED="$(cd "$shared" && pwd)"

dotnet build "$root/bench/Onnxc.Benchmarks/Onnxc.Benchmarks.csproj" -c Release -v quiet -nologo >&2
rm -rf "$artifacts"
filter=('--filter' '*LoadSaveBenchmarks*')
for arg in "$@"; do [[ "$arg" == --filter ]] && filter=(); done
dotnet "$root/bench/Onnxc.Benchmarks/bin/Release/net10.0/Onnxc.Benchmarks.dll" \
    "${filter[@]}" --artifacts "$artifacts" "$@" >&2

report="$(ls -t "$artifacts"/results/*-report.csv | head -n 1)"
python3 - "$report" "$ONNXC_SHARED/models" <<'PY'
import csv, os, sys

report, models = sys.argv[1], sys.argv[2]
rows = list(csv.DictReader(open(report, newline="")))
median_col = next(c for c in rows[0] if c.startswith("Median"))
medians = {}
for r in rows:
    value = r[median_col].replace(",", "")
    medians[(r["Model"], r["Method"])] = float(value) if value not in ("", "NA", "?") else None

def cell(model, method):
    v = medians.get((model, method))
    return f"{v:10.2f}" if v is not None else f"{'n/a':>10}"

print(f"# median of 15 iterations, milliseconds ({os.path.basename(report)})")
print(f"{'model':36} {'size (KiB)':>10} {'load':>10} {'save':>10} {'load+save':>10} {'protobuf':>10} {'ratio':>7}")
for model in sorted({m for m, _ in medians}):
    size = os.path.getsize(os.path.join(models, model)) / 1024
    both, base = medians.get((model, "LoadAndSave")), medians.get((model, "ProtobufParseAndWrite"))
    ratio = f"{both / base:7.2f}" if both and base else f"{'n/a':>7}"
    print(f"{model:36} {size:10.0f} {cell(model, 'Load')} {cell(model, 'Save')} {cell(model, 'LoadAndSave')} "
          f"{cell(model, 'ProtobufParseAndWrite')} {ratio}")
PY
