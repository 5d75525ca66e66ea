#!/usr/bin/env bash
# Pruning on CIFAR-10 ResNet-20 (or -32): structured channel pruning to half the MACs (L1, and Taylor before
# recovery), and 2:4 and 80 % unstructured sparsity, each without and with recovery (distillation from the unpruned
# model on cifar10-train, the zeros kept), then INT8. For every result: test top-1 against the original, and ONNX Runtime's speed and the
# file size against the original measured side by side in one process (onnxc eval --baseline); for sparsity also
# the file written with --sparse-storage and the gzip sizes.
#
# Needs ../shared (or ONNXC_SHARED). One recovery epoch over the 25,000 training images takes about 80 s on 2 cores;
# each result is recovered once and its INT8 model quantizes the recovered weights.
# Usage: bench/prune-resnet.sh [structured|sparsity|all] [--model resnet20|resnet32] [--epochs E]
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
shared="${ONNXC_SHARED:-$root/../shared}"
what=all
net=resnet20
epochs=8
while [[ $# -gt 0 ]]; do
    case "$1" in
        structured|sparsity|all) what="$1"; shift ;;
        --model) [[ $# -ge 2 ]] || { echo "prune-resnet.sh: --model needs a value" >&2; exit 2; }; net="$2"; shift 2 ;;
        --epochs) [[ $# -ge 2 ]] || { echo "prune-resnet.sh: --epochs needs a value" >&2; exit 2; }; epochs="$2"; shift 2 ;;
        *) echo "prune-resnet.sh: unknown argument '$1' (usage: [structured|sparsity|all] [--model resnet20|resnet32] [--epochs E])" >&2; exit 2 ;;
    esac
done
[[ "$net" == resnet20 || "$net" == resnet32 ]] || { echo "prune-resnet.sh: --model is resnet20 or resnet32" >&2; exit 2; }
[[ -d "$shared/models" ]] || { echo "prune-resnet.sh: no $shared/models; set ONNXC_SHARED" >&2; exit 2; }
dotnet build "$root/src/Driver/Driver.csproj" -c Release -v quiet -nologo >&2
onnxc="$root/src/Driver/bin/Release/net10.0/onnxc"
model="$shared/models/cifar10-$net-akamaster.onnx"
train="$shared/data/cifar10-train/images.npy"
test="$shared/data/cifar10/images.npy"
pre="scale=0.00392156862745098;mean=0.485,0.456,0.406;std=0.229,0.224,0.225"
recover=(--recover --data "$train" --val-data "$test" --epochs "$epochs" --batch 128 --lr 0.02 --crop-padding 4 --flip)
int8=(-O int8 --calibration "$train" --calibration-samples 512)
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

# Runs one compile (of the original, or of the file in $src), prints its summary (not the per-layer lines), then
# the eval lines against the original.
compile_and_eval() {
    local name="$1"; shift
    local input="${src:-$model}"
    echo "== $name: onnxc $(basename "$input") $*"
    "$onnxc" "$input" --preprocess "$pre" "$@" -o "$out/$name.onnx" \
        | grep -v '^ ' || true # the per-layer lines are left out
    "$onnxc" eval "$out/$name.onnx" --data "$test" --preprocess "$pre" --baseline "$model" | grep -E '^(model|baseline|ratios)'
}

if [[ "$what" == structured || "$what" == all ]]; then
    compile_and_eval flops50 --prune-flops 0.5
    compile_and_eval flops50-taylor --prune-flops 0.5 --prune-criterion taylor --data "$train"
    compile_and_eval flops50-recovered --prune-flops 0.5 "${recover[@]}"
    # INT8 of the recovered model (the same weights, not a second recovery run).
    src="$out/flops50-recovered.onnx" compile_and_eval flops50-recovered-int8 "${int8[@]}"
fi

if [[ "$what" == sparsity || "$what" == all ]]; then
    for s in 2:4 0.8; do
        tag="sparse${s/:/of}"
        compile_and_eval "$tag" --sparsity "$s"
        compile_and_eval "$tag-recovered" --sparsity "$s" "${recover[@]}"
        # The same recovered weights written sparse: smaller only where more than 2/3 of a weight is zero.
        "$onnxc" "$out/$tag-recovered.onnx" -O 0 -o "$out/$tag-copy.onnx" >/dev/null
        "$onnxc" "$out/$tag-recovered.onnx" -O 2 --sparse-storage -o "$out/$tag-stored.onnx" | grep '^sparse storage' || true
        "$onnxc" eval "$out/$tag-stored.onnx" --data "$test" --preprocess "$pre" --baseline "$out/$tag-copy.onnx" | grep -E '^(model|baseline|ratios)'
        for f in "$model" "$out/$tag-copy.onnx" "$out/$tag-stored.onnx"; do
            printf '%s: %s bytes, gzip -9 %s bytes\n' "$(basename "$f")" "$(stat -c %s "$f")" "$(gzip -9 -c "$f" | wc -c)"
        done
        src="$out/$tag-recovered.onnx" compile_and_eval "$tag-recovered-int8" "${int8[@]}"
        printf 'int8 %s: gzip -9 %s bytes\n' "$tag" "$(gzip -9 -c "$out/$tag-recovered-int8.onnx" | wc -c)"
    done
fi
