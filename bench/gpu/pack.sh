#!/usr/bin/env bash
# Builds the GPU benchmark kit: one xz archive with the .NET runtime, onnxc, the benchmarks, the kernel tests and a compiled ResNet-32.
#
# The GPU machine has CUDA, PyTorch and Python but no .NET and no internet, and takes at most 64 MiB of working
# tree per call (tracked files + carried ignored paths). So everything .NET it needs travels in one archive:
#   dotnet/                the .NET host, hostfxr and shared/Microsoft.NETCore.App of this machine (framework-dependent apps)
#   apps/bench/            Onnxc.Benchmarks (int8-gemm)                 apps/onnxc/  the onnxc driver (onnxc run --bench)
#   apps/tests/            Onnxc.Kernels.Tests                          apps/runner/ Onnxc.XunitRunner (runs them without the SDK)
#   shared/models/         the two models int8-gemm derives its layer shapes from (ONNXC_SHARED points here)
#   resnet32-b64-rtx2050.onnx   cifar10-resnet32 compiled here: -O int8 --target rtx2050 --plan-batch 64
#   input-b64.npy          64 CIFAR-10 test images (evenly over the classes), preprocessed, float32 [64,3,32,32]
#   cpu-output-b64.npy     the plan's output on ILGPU's CPU accelerator, to check the GPU's against
#   MANIFEST.txt           commit, date, versions, sizes
# and bench/gpu/run-on-device.sh unpacks and runs it. Output: artifacts/gpu/kit.tar.xz, alone in its folder, so
# `carry: ["artifacts/gpu"]` takes nothing else (staging happens in artifacts/gpu-stage; /artifacts/ is ignored).
# Fails when that folder plus the tree that travels with it is over 64 MiB.
# Usage: bench/gpu/pack.sh [--out DIR] [--keep-stage] [--skip-cpu-reference]
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="$root/artifacts/gpu"
keep_stage=0
cpu_reference=1
while [[ $# -gt 0 ]]; do
    case "$1" in
        --out) out="$(mkdir -p "$2" && cd "$2" && pwd)"; shift 2 ;;
        --keep-stage) keep_stage=1; shift ;;
        --skip-cpu-reference) cpu_reference=0; shift ;;
        *) echo "pack.sh: unknown argument '$1'" >&2; exit 2 ;;
    esac
done

shared="${ONNXC_SHARED:-$root/../shared}"
resnet="$shared/models/cifar10-resnet32-akamaster.onnx"
squeezenet="$shared/models/squeezenet1.1-caffe2-fp32.onnx"
cifar="$shared/data/cifar10/images.npy"
for f in "$resnet" "$squeezenet" "$cifar"; do
    [[ -f "$f" ]] || { echo "pack.sh: $f is missing (set ONNXC_SHARED to the shared folder)" >&2; exit 2; }
done

limit=$((64 * 1024 * 1024))
stage="$root/artifacts/gpu-stage"
rm -rf "$stage"
mkdir -p "$out" "$stage/apps" "$stage/shared/models" "$stage/dotnet"
rm -f "$out/kit.tar.xz"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
step() { echo "== pack: $*"; }

# Framework-dependent for linux-x64: only the Linux x64 native libraries (ONNX Runtime) come along, and the
# runtime is shared by all four apps. `dotnet X.dll` starts them, so no apphost is needed.
publish() {
    local project="$1" dest="$2"
    step "publish $project"
    dotnet publish "$root/$project" -c Release -r linux-x64 --self-contained false -p:UseAppHost=false \
        -p:GenerateDocumentationFile=false -o "$stage/apps/$dest" -v quiet -nologo
}
publish bench/Onnxc.Benchmarks/Onnxc.Benchmarks.csproj bench
publish src/Driver/Driver.csproj onnxc
publish tests/Kernels.Tests/Kernels.Tests.csproj tests
publish bench/gpu/XunitRunner/XunitRunner.csproj runner

step "prune files no Linux x64 run loads, share identical files"
# ONNX Runtime's package props copy its Windows onnxruntime.dll as content (17 MB; Linux loads libonnxruntime.so
# through deps.json). Microsoft.CodeCoverage's collectors (CodeCoverage/, x86/, x64/, arm64/, alpine/, macos/,
# ubuntu/) serve vstest, which the kit does not use; msdia140.dll is BenchmarkDotNet's Windows disassembler helper.
find "$stage/apps" -name onnxruntime.dll -delete
rm -rf "$stage/apps/tests"/{CodeCoverage,x86,x64,arm64,alpine,macos,ubuntu} "$stage/apps/bench/amd64"
# The four apps share ILGPU, ONNX Runtime (29 MB) and more: hard links make tar store each file once.
declare -A first
while IFS= read -r -d '' f; do
    h=$(sha256sum "$f" | cut -d' ' -f1)
    if [[ -n "${first[$h]:-}" ]]; then ln -f "${first[$h]}" "$f"; else first[$h]="$f"; fi
done < <(find "$stage/apps" -type f -size +16k -print0 | sort -z)

step "models, compiled ResNet-32 (batch 64, rtx2050) and its input"
cp "$resnet" "$squeezenet" "$stage/shared/models/"
onnxc=(dotnet "$stage/apps/onnxc/onnxc.dll")
"${onnxc[@]}" "$resnet" -O int8 --target rtx2050 --plan-batch 64 --calibration "$cifar" \
    --preprocess "scale=0.00392156862745098;mean=0.485,0.456,0.406;std=0.229,0.224,0.225" \
    -o "$stage/resnet32-b64-rtx2050.onnx" | sed 's/^/  /'
python3 "$root/bench/gpu/npy_tools.py" cifar-input "$cifar" "$stage/input-b64.npy" --count 64
if [[ $cpu_reference -eq 1 ]]; then
    # One run on ILGPU's CPU accelerator (about 15 s here): the output the GPU's must match.
    "${onnxc[@]}" run "$stage/resnet32-b64-rtx2050.onnx" --target rtx2050 --input "$stage/input-b64.npy" --cpu \
        --output "$stage/cpu-output-b64.npy" | sed 's/^/  /'
fi

step "the .NET runtime"
dotnet_root="$(dirname "$(readlink -f "$(command -v dotnet)")")"
runtime_version="$(dotnet --list-runtimes | awk '$1 == "Microsoft.NETCore.App" { v = $2 } END { print v }')"
[[ -d "$dotnet_root/shared/Microsoft.NETCore.App/$runtime_version" ]] || { echo "pack.sh: no runtime $runtime_version under $dotnet_root" >&2; exit 2; }
cp "$dotnet_root/dotnet" "$stage/dotnet/"
cp -r "$dotnet_root/host" "$stage/dotnet/"
mkdir -p "$stage/dotnet/shared/Microsoft.NETCore.App"
cp -r "$dotnet_root/shared/Microsoft.NETCore.App/$runtime_version" "$stage/dotnet/shared/Microsoft.NETCore.App/"

{
    echo "onnxc GPU kit"
    echo "commit: $(git -C "$root" rev-parse HEAD)$(git -C "$root" diff --quiet HEAD -- src bench tests || echo ' (with uncommitted changes)')"
    echo "packed: $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(uname -m)"
    echo ".NET runtime: Microsoft.NETCore.App $runtime_version (from $dotnet_root)"
    echo "sizes before compression:"
    du -sh "$stage"/* | sed "s|$stage/|  |"
} > "$stage/MANIFEST.txt"

step "compress (xz)"
archive="$out/kit.tar.xz"
tar -C "$stage" -cf - . | xz -T0 -6 > "$archive.tmp"
mv "$archive.tmp" "$archive"
[[ $keep_stage -eq 1 ]] || rm -rf "$stage"

# What travels to the device: the carried folder and every tracked or untracked-not-ignored file.
kit_bytes=$(du -sb "$out" | cut -f1)
tree_bytes=$(cd "$root" && git ls-files -z --cached --others --exclude-standard | xargs -0 -r stat -c %s 2>/dev/null | awk '{ s += $1 } END { print s + 0 }')
total=$((kit_bytes + tree_bytes))
mib() { awk -v b="$1" 'BEGIN { printf "%.1f MiB", b / 1048576 }'; }
echo "kit: $archive; $out holds $(mib "$kit_bytes"); tree that travels with it: $(mib "$tree_bytes"); total $(mib "$total") of the 64 MiB limit"
if [[ $total -gt $limit ]]; then
    echo "pack.sh: OVER the device tool's 64 MiB limit by $(mib $((total - limit)))" >&2
    exit 1
fi
echo "pack.sh: under the 64 MiB limit ($(mib $((limit - total))) to spare). Run it with bench/gpu/run-on-device.sh (see bench/gpu/README.md)."
