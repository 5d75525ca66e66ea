#!/usr/bin/env bash
# Runs the GPU kit made by pack.sh: kernel tests on CUDA, int8-gemm, onnxc run --bench on ResNet-32 b64, the PyTorch baselines, one summary.
#
# Meant for the device machine (CUDA, PyTorch, Python; no .NET): run it from the repository root with
# artifacts/gpu carried (see bench/gpu/README.md). Steps, each with its own time limit so one hang still
# leaves the rest and the summary:
#   1. unpack artifacts/gpu/kit.tar.xz into artifacts/gpu-run (inside the checkout, so the tests find compiler.sln)
#   2. nvidia-smi
#   3. the kernel tests (Onnxc.Kernels.Tests: every kernel theory runs once per accelerator, CPU and cuda0)
#   4. int8-gemm: our kernels as GEMMs, TOPS per shape and algorithm, bit-exact checks (gemm.json)
#   5. onnxc run --bench on the compiled ResNet-32 batch 64, its output against the CPU accelerator's, and
#      plan-profile: the time of each of its steps (which kernels to work on)
#   6. torch_reference.py: torch._int_mm and FP16 ResNet-32 on the same GPU, and the side-by-side table
# Logs and JSON (8 files, the most the tool brings back) go to $OUT (the device tool's folder that comes back) or artifacts/gpu-run/out.
# The step limits add up to under the device tool's 10 minutes a command; on an H100 the whole run is
# expected to take a few minutes (never measured: no GPU was available when this was written).
# --cpu-smoke runs the same steps on a machine without a GPU: CPU accelerator, tiny GEMMs, no PyTorch numbers.
# Usage: bench/gpu/run-on-device.sh [--cpu-smoke] [--kit FILE] [--out DIR] [--iterations N] [--bench-runs N]
set -uo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
kit="$root/artifacts/gpu/kit.tar.xz"
out="${OUT:-$root/artifacts/gpu-run/out}"
smoke=0
iterations=100
bench_runs=200
while [[ $# -gt 0 ]]; do
    case "$1" in
        --cpu-smoke) smoke=1; shift ;;
        --kit) kit="$2"; shift 2 ;;
        --out) out="$2"; shift 2 ;;
        --iterations) iterations="$2"; shift 2 ;;
        --bench-runs) bench_runs="$2"; shift 2 ;;
        *) echo "run-on-device.sh: unknown argument '$1'" >&2; exit 2 ;;
    esac
done
[[ -f "$kit" ]] || { echo "run-on-device.sh: no kit at $kit (run bench/gpu/pack.sh, and carry artifacts/gpu)" >&2; exit 2; }

work="$root/artifacts/gpu-run/kit"
mkdir -p "$out"
declare -a results=()
failed=0
record() {
    local text="$2"
    [[ "$3" -ne 124 ]] || text="TIMED OUT; $text"
    results+=("$1: $text")
    [[ "$3" -eq 0 ]] || failed=1
}
step() { echo; echo "== $*"; }

step "unpack $(basename "$kit")"
rm -rf "$work" && mkdir -p "$work"
if command -v xz >/dev/null; then
    tar -C "$work" -xJf "$kit"
else
    python3 -c 'import sys, tarfile; tarfile.open(sys.argv[1]).extractall(sys.argv[2])' "$kit" "$work"
fi || { echo "run-on-device.sh: cannot unpack $kit" >&2; exit 2; }
cat "$work/MANIFEST.txt"
export DOTNET_ROOT="$work/dotnet" DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet="$work/dotnet/dotnet"
"$dotnet" --list-runtimes || { echo "run-on-device.sh: the packed .NET runtime does not start" >&2; exit 2; }

if [[ $smoke -eq 0 ]]; then
    step "nvidia-smi"
    nvidia-smi || echo "(nvidia-smi failed)"
fi

step "kernel tests (CPU and every CUDA device ILGPU finds)"
timeout 150 "$dotnet" "$work/apps/runner/Onnxc.XunitRunner.dll" "$work/apps/tests/Onnxc.Kernels.Tests.dll" --verbose \
    > "$out/kernel-tests.log" 2>&1
rc=$?
grep -v '^  pass ' "$out/kernel-tests.log"
cuda_passed=$(grep -c '^  pass .*cuda' "$out/kernel-tests.log")
record "kernel tests" "$(tail -n 1 "$out/kernel-tests.log") (of them, $cuda_passed CUDA cases passed)" $rc
if [[ $smoke -eq 0 && $cuda_passed -eq 0 ]]; then
    record "kernel tests on CUDA" "no CUDA case ran: ILGPU found no CUDA device" 1
fi

step "int8-gemm"
gemm_args=(--json "$out/gemm.json")
if [[ $smoke -eq 1 ]]; then
    gemm_args+=(--device cpu --shapes square,squeezenet --square 128 --max-cpu-gmacs 0.004)
else
    gemm_args+=(--device cuda --iterations "$iterations")
fi
ONNXC_SHARED="$work/shared" timeout 200 "$dotnet" "$work/apps/bench/Onnxc.Benchmarks.dll" int8-gemm "${gemm_args[@]}" 2>&1 | tee "$out/gemm.log"
rc=${PIPESTATUS[0]}
record "int8-gemm" "exit $rc ($(grep -c ' ok ' "$out/gemm.log") timed results checked bit-exact, $(grep -c 'FAIL' "$out/gemm.log") failed checks)" $rc

step "onnxc run --bench: ResNet-32, batch 64, rtx2050 plan"
run_args=(run "$work/resnet32-b64-rtx2050.onnx" --target rtx2050 --input "$work/input-b64.npy" --output "$out/output-b64.npy")
run_limit=60
if [[ $smoke -eq 1 ]]; then run_args+=(--cpu --bench 1); run_limit=300; else run_args+=(--bench "$bench_runs"); fi
timeout $run_limit "$dotnet" "$work/apps/onnxc/onnxc.dll" "${run_args[@]}" 2>&1 | tee "$out/onnxc-run.log"
rc=${PIPESTATUS[0]}
record "onnxc run" "$(grep -h '^bench:' "$out/onnxc-run.log" || echo "exit $rc, no bench line")" $rc
if [[ -f "$work/cpu-output-b64.npy" && -f "$out/output-b64.npy" ]]; then
    verdict=$(python3 "$root/bench/gpu/npy_tools.py" compare "$work/cpu-output-b64.npy" "$out/output-b64.npy")
    rc=$?
    echo "$verdict"
    record "output vs CPU accelerator" "$verdict" $rc
fi

step "plan-profile: ResNet-32 b64, step by step"
profile_args=(plan-profile "$work/resnet32-b64-rtx2050.onnx" "$work/input-b64.npy" --top 12)
if [[ $smoke -eq 1 ]]; then profile_args+=(--cpu --runs 1); else profile_args+=(--runs 20); fi
timeout $run_limit "$dotnet" "$work/apps/bench/Onnxc.Benchmarks.dll" "${profile_args[@]}" 2>&1 | tee "$out/plan-profile.log"
rc=${PIPESTATUS[0]}
record "plan-profile" "$(grep -h '^sum of step medians' "$out/plan-profile.log" || echo "exit $rc")" $rc

step "PyTorch baselines and the side-by-side table"
ref_args=(--gemm-json "$out/gemm.json" --onnxc-bench "$out/onnxc-run.log" --json "$out/summary.json")
if [[ $smoke -eq 0 ]] && python3 -c 'import torch, sys; sys.exit(0 if torch.cuda.is_available() else 1)' 2>/dev/null; then
    ref_args+=(--iterations "$iterations")
else
    echo "(no PyTorch with CUDA here: ours only, no cuBLASLt or FP16 numbers)"
    ref_args+=(--ours-only)
fi
PYTHONUNBUFFERED=1 timeout 150 python3 "$root/bench/gpu/torch_reference.py" "${ref_args[@]}" > "$out/summary.txt" 2>&1
rc=$?
record "torch_reference.py" "exit $rc" $rc

echo
echo "================================ SUMMARY ================================"
[[ $smoke -eq 1 ]] && echo "(--cpu-smoke: CPU accelerator and tiny shapes; these numbers say nothing about a GPU)"
for r in "${results[@]}"; do echo "$r"; done
echo
cat "$out/summary.txt"
exit $failed
