#!/usr/bin/env bash
# onnxc -O2 against ONNX Runtime's own optimizer, per shared model, batch 8, interleaved in one process.
#
# For each model in ../shared/models: compile it with `onnxc M -O2`, then time four ORT sessions round-robin
# (original with ORT's basic level, original with all optimizations, onnxc's output with ORT's optimizer off and
# with all of it on) and print the medians and the ratios (a), (b), (c) of the pass-manager issue. Ratios are
# original / onnxc: >= 1.0 means onnxc's file is at least as fast. Needs ../shared or ONNXC_SHARED.
# Usage: bench/optimize-vs-ort.sh [--rounds N] [--batch B]
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
shared="${ONNXC_SHARED:-$root/../shared}"
[[ -d "$shared/models" ]] || { echo "optimize-vs-ort.sh: no $shared/models; set ONNXC_SHARED" >&2; exit 2; }

dotnet build "$root/src/Driver/Driver.csproj" -c Release -v quiet -nologo >&2
dotnet build "$root/bench/Onnxc.Benchmarks/Onnxc.Benchmarks.csproj" -c Release -v quiet -nologo >&2
onnxc="$root/src/Driver/bin/Release/net10.0/onnxc"
bench="$root/bench/Onnxc.Benchmarks/bin/Release/net10.0/Onnxc.Benchmarks.dll"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

for model in "$shared"/models/*.onnx; do
    name="$(basename "$model" .onnx)"
    "$onnxc" "$model" -O 2 -o "$out/$name.O2.onnx" >/dev/null
    dotnet "$bench" ort-compare "$model" "$out/$name.O2.onnx" "$@"
done
