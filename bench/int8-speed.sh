#!/usr/bin/env bash
# INT8 against FP32 in ONNX Runtime (CPU) for every shared model, the shipped ones, and three models the bench
# builds and trains itself on MNIST (`Onnxc.Benchmarks int8-models`: an MLP and a 4-block vision transformer at
# opset 17 with LayerNormalization and at opset 13 with LayerNorm decomposed): the file -O int8 writes with its
# speed check, and the static QDQ file it would write without it (--no-speed-check), each measured against the
# float original by `onnxc eval --baseline` (one process, interleaved runs, medians at batch 1 and 32; the baseline
# runs at ORT's highest optimization level) with the top-1 drop on the test set. One "model | mode | written |
# ratios" line per result; the figures go in the session notes.
#
# Needs ../shared (or ONNXC_SHARED). Usage: bench/int8-speed.sh [--limit N] [--epochs E]
#   N test samples per eval (default all); E training epochs of the MNIST models (default 1; about 5 min each)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
shared="${ONNXC_SHARED:-$root/../shared}"
limit=()
epochs=1
while [[ $# -gt 0 ]]; do
    case "$1" in
        --limit) [[ $# -ge 2 ]] || { echo "int8-speed.sh: --limit needs a value" >&2; exit 2; }; limit=(--limit "$2"); shift 2 ;;
        --epochs) [[ $# -ge 2 ]] || { echo "int8-speed.sh: --epochs needs a value" >&2; exit 2; }; epochs="$2"; shift 2 ;;
        *) echo "int8-speed.sh: unknown argument '$1' (usage: [--limit N] [--epochs E])" >&2; exit 2 ;;
    esac
done
[[ -d "$shared/models" ]] || { echo "int8-speed.sh: no $shared/models; set ONNXC_SHARED" >&2; exit 2; }
dotnet build "$root/src/Driver/Driver.csproj" -c Release -v quiet -nologo >&2
onnxc="$root/src/Driver/bin/Release/net10.0/onnxc"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
dotnet build "$root/bench/Onnxc.Benchmarks/Onnxc.Benchmarks.csproj" -c Release -v quiet -nologo >&2
dotnet "$root/bench/Onnxc.Benchmarks/bin/Release/net10.0/Onnxc.Benchmarks.dll" int8-models --out "$out/built" --shared "$shared" --epochs "$epochs" >&2

cifar="scale=0.00392156862745098;mean=0.485,0.456,0.406;std=0.229,0.224,0.225"
# name | model | calibration | test data | preprocessing
cases=(
    "shapes-wide|$root/models/shapes-wide.onnx|$root/models/shapes-calib/images.npy|$root/models/shapes-test/images.npy|scale=0.00392156862745098"
    "shapes-cnn|$root/models/shapes-cnn.onnx|$root/models/shapes-calib/images.npy|$root/models/shapes-test/images.npy|scale=0.00392156862745098"
    "mnist-8|$shared/models/mnist-8.onnx|$shared/data/mnist-train/images.npy|$shared/data/mnist/images.npy|scale=0.00392156862745098"
    "resnet20|$shared/models/cifar10-resnet20-akamaster.onnx|$shared/data/cifar10-train/images.npy|$shared/data/cifar10/images.npy|$cifar"
    "resnet32|$shared/models/cifar10-resnet32-akamaster.onnx|$shared/data/cifar10-train/images.npy|$shared/data/cifar10/images.npy|$cifar"
    "mlp|$out/built/mlp.onnx|$shared/data/mnist-train/images.npy|$shared/data/mnist/images.npy|scale=0.00392156862745098"
    "vit-op17|$out/built/vit-op17.onnx|$shared/data/mnist-train/images.npy|$shared/data/mnist/images.npy|scale=0.00392156862745098"
    "vit-op13|$out/built/vit-op13.onnx|$shared/data/mnist-train/images.npy|$shared/data/mnist/images.npy|scale=0.00392156862745098"
    "squeezenet1.1|$shared/models/squeezenet1.1-caffe2-fp32.onnx|$shared/data/imagenet_sample1000_r256/images|$shared/data/imagenet_sample1000_r256/images|channels=bgr;crop=224;mean=104,117,123"
)
for c in "${cases[@]}"; do
    IFS='|' read -r name model calib test pre <<<"$c"
    for mode in speed-check no-speed-check; do
        flags=(); [[ $mode == no-speed-check ]] && flags=(--no-speed-check)
        written=$("$onnxc" "$model" -O int8 --calibration "$calib" --preprocess "$pre" "${flags[@]}" -o "$out/$name.$mode.onnx" 2>/dev/null \
            | sed -n 's/^speed check: writing \(.*\)$/\1/p; s/^speed check: no INT8 encoding.*/float/p')
        ratios=$("$onnxc" eval "$out/$name.$mode.onnx" --data "$test" --preprocess "$pre" --baseline "$model" "${limit[@]}" | grep '^ratios:')
        echo "$name | ${mode} | ${written:-qdq} | $ratios"
    done
done
