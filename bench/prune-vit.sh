#!/usr/bin/env bash
# Pruning a vision transformer: the MNIST ViT of `Onnxc.Benchmarks int8-models` (4 blocks of 4 heads, width 128,
# MLP 512, opset 17) loses half its MACs in whole attention heads and MLP units, then recovers by distillation from
# itself unpruned, with AdamW and with SGD, then INT8 on the recovered model (MatMul scope). For each result:
# MNIST test top-1 against the original and ONNX Runtime's speed at batch 1 and 32, measured side by side in one
# process (`onnxc eval --baseline`).
#
# Needs ../shared (or ONNXC_SHARED). One training or recovery epoch over the 60,000 images takes about 4 min on 2 cores.
# Usage: bench/prune-vit.sh [--epochs E] [--recover-epochs R] [--limit N]
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
shared="${ONNXC_SHARED:-$root/../shared}"
epochs=2
recover_epochs=1
limit=()
while [[ $# -gt 0 ]]; do
    case "$1" in
        --epochs) [[ $# -ge 2 ]] || { echo "prune-vit.sh: --epochs needs a value" >&2; exit 2; }; epochs="$2"; shift 2 ;;
        --recover-epochs) [[ $# -ge 2 ]] || { echo "prune-vit.sh: --recover-epochs needs a value" >&2; exit 2; }; recover_epochs="$2"; shift 2 ;;
        --limit) [[ $# -ge 2 ]] || { echo "prune-vit.sh: --limit needs a value" >&2; exit 2; }; limit=(--limit "$2"); shift 2 ;;
        *) echo "prune-vit.sh: unknown argument '$1' (usage: [--epochs E] [--recover-epochs R] [--limit N])" >&2; exit 2 ;;
    esac
done
[[ -d "$shared/data" ]] || { echo "prune-vit.sh: no $shared/data; set ONNXC_SHARED" >&2; exit 2; }
dotnet build "$root/src/Driver/Driver.csproj" -c Release -v quiet -nologo >&2
dotnet build "$root/bench/Onnxc.Benchmarks/Onnxc.Benchmarks.csproj" -c Release -v quiet -nologo >&2
onnxc="$root/src/Driver/bin/Release/net10.0/onnxc"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
dotnet "$root/bench/Onnxc.Benchmarks/bin/Release/net10.0/Onnxc.Benchmarks.dll" int8-models --out "$out" --shared "$shared" --epochs "$epochs"
model="$out/vit-op17.onnx"
train="$shared/data/mnist-train/images.npy"
test="$shared/data/mnist/images.npy"
pre="scale=0.00392156862745098"

# Runs one compile of $src (default: the original), prints its summary lines, then the eval lines against the original.
compile_and_eval() {
    local name="$1"; shift
    local input="${src:-$model}"
    echo "== $name: onnxc $(basename "$input") $*"
    "$onnxc" "$input" --preprocess "$pre" "$@" -o "$out/$name.onnx" | grep -v '^ ' || true
    "$onnxc" eval "$out/$name.onnx" --data "$test" --preprocess "$pre" --baseline "$model" "${limit[@]}" | grep -E '^(model|baseline|ratios)'
}

compile_and_eval flops50 --prune-flops 0.5
compile_and_eval flops50-adamw --prune-flops 0.5 --recover --data "$train" --epochs "$recover_epochs" --optimizer adamw --lr 0.0005
compile_and_eval flops50-sgd --prune-flops 0.5 --recover --data "$train" --epochs "$recover_epochs" --lr 0.01
src="$out/flops50-adamw.onnx" compile_and_eval flops50-adamw-int8 -O int8 --calibration "$train" --calibration-samples 512
