#!/usr/bin/env python3
# PyTorch baselines for the GPU issue: torch._int_mm (cuBLASLt INT8) TOPS per GEMM shape and FP16 ResNet-32 latency, side by side with onnxc's.
"""PyTorch reference numbers for onnxc's GPU targets, printed next to onnxc's own.

1. INT8 GEMM: for every (M, N, K) in the JSON that `Onnxc.Benchmarks int8-gemm --json` wrote, time
   ``torch._int_mm`` (int8 [M,K] x int8 [K,N] -> int32, cuBLASLt) with CUDA events around each launch,
   median of --iterations, and report TOPS = 2*M*N*K / t. ``_int_mm`` on CUDA requires M > 16 and K, N
   multiples of 8; a shape that breaks that is zero-padded up to the nearest legal size (the padded size is
   printed, and TOPS still counts the original M*N*K, so a padded shape is the time cuBLASLt needs for that
   layer). B is stored column-major ([N,K] transposed), the layout cuBLASLt's INT8 kernels want.
2. ResNet-32 (akamaster CIFAR-10 architecture: 3x3 conv 3->16, three stages of five basic blocks at 16, 32 and
   64 channels, option-A shortcuts = stride-2 subsample + zero channel padding, global average pool, linear
   64->10) in FP16 at batch 64. Batch norm is folded into the convolutions' biases, as in the ONNX file onnxc
   compiles. Weights are random: latency does not depend on their values. Timed two ways: "gpu" = input already
   on the GPU in FP16, CUDA events around forward(); "e2e" = float32 host input copied in, forward(), output
   copied back, synchronized, wall clock - what `onnxc run --bench` measures. Both NCHW and channels_last are
   timed; the faster is the baseline.

Ours comes from the int8-gemm JSON (best verified algorithm per shape) and from the text `onnxc run --bench`
printed ("bench: N runs, median X ms, ..."). Targets: GEMM >= 50% of cuBLASLt; ResNet-32 b64 faster than FP16.
Only the functions whose names start with ``measure_`` need torch; the rest is plain Python and unit-tested
by bench/gpu/test_torch_reference.py on machines without torch.
"""

import argparse
import json
import math
import re
import statistics
import sys
import time

GEMM_TARGET = 0.5
BENCH_LINE = re.compile(r"bench: (\d+) runs, median ([0-9.]+) ms")


# ---------------------------------------------------------------- plain Python (tested without torch)

def read_gemm_results(path):
    """The int8-gemm JSON: (device, {(m, n, k): {"layers": [...], "ours": {algorithm: result}}}) in file order."""
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    shapes = {}
    for r in doc["results"]:
        key = (int(r["m"]), int(r["n"]), int(r["k"]))
        entry = shapes.setdefault(key, {"layers": list(r.get("layers", [])), "ours": {}})
        entry["ours"][r["algorithm"]] = r
    return doc.get("device", "?"), shapes


def best_ours(entry):
    """The verified algorithm with the highest TOPS for one shape, or None when none verified."""
    verified = [r for r in entry["ours"].values() if r.get("verified")]
    return max(verified, key=lambda r: r["tops"]) if verified else None


def int_mm_size(m, n, k, multiple=8, min_m=17):
    """The smallest (M, N, K) >= (m, n, k) that torch._int_mm accepts: M > 16, N and K multiples of `multiple`."""
    def up(v, to):
        return (v + to - 1) // to * to
    return max(m, min_m), up(n, multiple), up(k, multiple)


def tops(m, n, k, ms):
    return 2.0 * m * n * k / (ms * 1e-3) / 1e12


def parse_onnxc_bench(text):
    """(runs, median ms) from `onnxc run --bench` output; raises ValueError when the line is missing."""
    found = BENCH_LINE.findall(text)
    if not found:
        raise ValueError("no 'bench: N runs, median X ms' line in the onnxc run output")
    runs, median = found[-1]
    return int(runs), float(median)


def verdict(met):
    return "met" if met else "MISSED"


def gemm_rows(shapes, torch_results):
    """Joins ours and cuBLASLt per shape: dicts with the ratio and the target verdict (None where one side is missing)."""
    rows = []
    for key, entry in shapes.items():
        m, n, k = key
        ours = best_ours(entry)
        ref = torch_results.get(key)
        ratio = ours["tops"] / ref["tops"] if ours and ref and ref.get("tops") else None
        rows.append({
            "m": m, "n": n, "k": k,
            "layers": entry["layers"],
            "ours_algorithm": ours["algorithm"] if ours else None,
            "ours_tops": ours["tops"] if ours else None,
            "ours_ms": ours["median_ms"] if ours else None,
            "cublaslt_tops": ref["tops"] if ref else None,
            "cublaslt_ms": ref["median_ms"] if ref else None,
            "cublaslt_padded": ref.get("padded") if ref else None,
            "cublaslt_note": ref.get("note") if ref else "not measured",
            "ratio": ratio,
            "target_met": None if ratio is None else ratio >= GEMM_TARGET,
        })
    return rows


def format_summary(gemm, resnet):
    """The side-by-side table as text. `gemm` from gemm_rows; `resnet` a dict or None."""
    out = []
    out.append("== INT8 GEMM: onnxc (best verified kernel) vs torch._int_mm (cuBLASLt); target ours/cuBLASLt >= %.0f%%" % (GEMM_TARGET * 100))
    out.append("%-20s %-10s %9s %9s %11s %7s  %-7s %s" % ("M x N x K", "ours alg", "ours ms", "ours TOPS", "cuBLAS TOPS", "ratio", "target", "layers"))
    for r in gemm:
        size = "%dx%dx%d" % (r["m"], r["n"], r["k"])
        layers = r["layers"][0] if len(r["layers"]) == 1 else "%s and %d more" % (r["layers"][0], len(r["layers"]) - 1) if r["layers"] else ""
        if r["cublaslt_padded"]:
            layers += " [cuBLASLt padded to %s]" % r["cublaslt_padded"]
        if r["cublaslt_tops"] is None:
            layers += " [cuBLASLt: %s]" % r["cublaslt_note"]
        out.append("%-20s %-10s %9s %9s %11s %7s  %-7s %s" % (
            size, r["ours_algorithm"] or "-", fmt(r["ours_ms"], "%.4f"), fmt(r["ours_tops"], "%.3g"),
            fmt(r["cublaslt_tops"], "%.3g"), fmt(r["ratio"], "%.2f"),
            "-" if r["target_met"] is None else verdict(r["target_met"]), layers))
    judged = [r for r in gemm if r["target_met"] is not None]
    if judged:
        ratios = [r["ratio"] for r in judged if r["ratio"] > 0]
        geo = math.exp(sum(math.log(x) for x in ratios) / len(ratios)) if ratios else 0.0
        out.append("GEMM target met on %d of %d shapes; geometric-mean ratio %.2f" % (sum(r["target_met"] for r in judged), len(judged), geo))
    if resnet is not None:
        out.append("== ResNet-32, batch 64: onnxc INT8 (onnxc run --bench) vs PyTorch FP16; target ours faster than FP16")
        ours = resnet.get("ours_ms")
        for mode in ("e2e", "gpu"):
            fp16 = resnet.get("fp16_%s_ms" % mode)
            if fp16 is None:
                continue
            line = "  FP16 %-3s %8.3f ms (%s)" % (mode, fp16, resnet.get("fp16_%s_layout" % mode, "?"))
            if ours is not None:
                line += "   ours %8.3f ms   FP16/ours %.2f" % (ours, fp16 / ours)
                if mode == "e2e":
                    line += "   target %s" % verdict(ours < fp16)
                else:
                    line += "   (FP16 without host copies; ours includes them)"
            out.append(line)
        if ours is None:
            out.append("  ours: not measured")
        elif resnet.get("fp16_e2e_ms") is None:
            out.append("  ours %8.3f ms   FP16: not measured" % ours)
    return "\n".join(out)


def fmt(value, pattern):
    return "-" if value is None else pattern % value


# ---------------------------------------------------------------- measurements (need torch and a CUDA GPU)

def measure_int_mm(m, n, k, iterations, warmup):
    """Median ms of torch._int_mm at (m, n, k), padded where the shape is illegal; dict with tops, padded, note."""
    import torch
    # B column-major first (cuBLASLt's INT8 "TN" layout), row-major if this torch refuses it; then wider padding.
    attempts = [(size, layout) for size in (int_mm_size(m, n, k), int_mm_size(m, n, k, multiple=32, min_m=32))
                for layout in ("column-major B", "row-major B")]
    last_error = None
    for (pm, pn, pk), layout in attempts:
        try:
            a = torch.randint(-128, 128, (pm, pk), dtype=torch.int8, device="cuda")
            if layout == "column-major B":
                b = torch.randint(-128, 128, (pn, pk), dtype=torch.int8, device="cuda").t()
            else:
                b = torch.randint(-128, 128, (pk, pn), dtype=torch.int8, device="cuda")
            for _ in range(warmup):
                torch._int_mm(a, b)
            torch.cuda.synchronize()
            times = []
            for _ in range(iterations):
                start = torch.cuda.Event(enable_timing=True)
                end = torch.cuda.Event(enable_timing=True)
                start.record()
                torch._int_mm(a, b)
                end.record()
                end.synchronize()
                times.append(start.elapsed_time(end))
            ms = statistics.median(times)
            padded = None if (pm, pn, pk) == (m, n, k) else "%dx%dx%d" % (pm, pn, pk)
            return {"median_ms": ms, "tops": tops(m, n, k, ms), "padded": padded, "note": layout}
        except RuntimeError as e:  # an illegal size: try the next padding
            last_error = str(e).splitlines()[0]
    return {"median_ms": None, "tops": None, "padded": None, "note": "skipped: " + (last_error or "?")}


def build_resnet32(torch):
    nn = torch.nn
    F = torch.nn.functional

    class Block(nn.Module):
        def __init__(self, cin, cout, stride):
            super().__init__()
            self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=True)
            self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=True)
            self.pad = (cout - cin) // 2 if stride != 1 or cin != cout else None

        def forward(self, x):
            out = F.relu(self.conv1(x))
            out = self.conv2(out)
            # Option A: subsample by 2 and pad the channels with zeros, no parameters.
            shortcut = x if self.pad is None else F.pad(x[:, :, ::2, ::2], (0, 0, 0, 0, self.pad, self.pad))
            return F.relu(out + shortcut)

    class ResNet32(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = nn.Conv2d(3, 16, 3, 1, 1, bias=True)
            blocks, cin = [], 16
            for cout, stride in ((16, 1), (32, 2), (64, 2)):
                for i in range(5):
                    blocks.append(Block(cin, cout, stride if i == 0 else 1))
                    cin = cout
            self.blocks = nn.Sequential(*blocks)
            self.linear = nn.Linear(64, 10)

        def forward(self, x):
            out = self.blocks(F.relu(self.conv1(x)))
            out = F.adaptive_avg_pool2d(out, 1).flatten(1)
            return self.linear(out)

    return ResNet32()


def measure_resnet32_fp16(batch, iterations, warmup):
    """Median latencies {"gpu": (ms, layout), "e2e": (ms, layout)}: the faster of NCHW and channels_last for each."""
    import torch
    torch.backends.cudnn.benchmark = True
    torch.manual_seed(0)
    model = build_resnet32(torch).cuda().half().eval()
    host = torch.rand(batch, 3, 32, 32, dtype=torch.float32)
    best = {}
    for layout in ("nchw", "channels_last"):
        fmt_ = torch.channels_last if layout == "channels_last" else torch.contiguous_format
        model = model.to(memory_format=fmt_)
        x = host.cuda().half().contiguous(memory_format=fmt_)
        with torch.inference_mode():
            for _ in range(warmup):
                model(x)
            torch.cuda.synchronize()
            gpu = []
            for _ in range(iterations):
                start = torch.cuda.Event(enable_timing=True)
                end = torch.cuda.Event(enable_timing=True)
                start.record()
                model(x)
                end.record()
                end.synchronize()
                gpu.append(start.elapsed_time(end))
            e2e = []
            for _ in range(iterations):
                t0 = time.perf_counter()
                y = model(host.cuda().half().contiguous(memory_format=fmt_)).float().cpu()
                e2e.append((time.perf_counter() - t0) * 1e3)
            assert y.shape == (batch, 10)
        for mode, times in (("gpu", gpu), ("e2e", e2e)):
            ms = statistics.median(times)
            if mode not in best or ms < best[mode][0]:
                best[mode] = (ms, layout)
    return best


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--gemm-json", help="int8-gemm --json output (ours, and the shapes to time)")
    p.add_argument("--onnxc-bench", help="file holding the output of `onnxc run ... --bench N` on the batch-64 ResNet-32")
    p.add_argument("--iterations", type=int, default=100)
    p.add_argument("--warmup", type=int, default=10)
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--skip-resnet", action="store_true", help="time no FP16 ResNet-32")
    p.add_argument("--json", help="write every number here")
    p.add_argument("--ours-only", action="store_true",
                   help="measure nothing with torch (no GPU or no torch here): print onnxc's numbers alone")
    args = p.parse_args(argv)

    if args.ours_only:
        torch_version, gpu = None, None
    else:
        import torch
        if not torch.cuda.is_available():
            print("torch_reference.py: torch sees no CUDA GPU (use --ours-only)", file=sys.stderr)
            return 2
        torch_version, gpu = torch.__version__, torch.cuda.get_device_name(0)
        print("# torch %s, %s, cuBLASLt via torch._int_mm" % (torch_version, gpu))

    gemm = []
    if args.gemm_json:
        device, shapes = read_gemm_results(args.gemm_json)
        print("# ours from %s (%s)" % (args.gemm_json, device))
        measured = {} if args.ours_only else {
            key: measure_int_mm(*key, iterations=args.iterations, warmup=args.warmup) for key in shapes}
        gemm = gemm_rows(shapes, measured)

    resnet = None
    if not args.skip_resnet:
        resnet = {"batch": args.batch, "weights": "random (latency only)", "ours_ms": None}
        if not args.ours_only:
            for mode, (ms, layout) in measure_resnet32_fp16(args.batch, args.iterations, args.warmup).items():
                resnet["fp16_%s_ms" % mode] = ms
                resnet["fp16_%s_layout" % mode] = layout
        if args.onnxc_bench:
            with open(args.onnxc_bench, encoding="utf-8") as f:
                resnet["ours_runs"], resnet["ours_ms"] = parse_onnxc_bench(f.read())

    print(format_summary(gemm, resnet))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump({"gemm": gemm, "resnet32": resnet, "torch": torch_version, "gpu": gpu}, f, indent=2)
    return 0

if __name__ == "__main__":
    sys.exit(main())
