#!/usr/bin/env python3
# Unit tests of torch_reference.py's parts that need no torch: JSON reading, padding, log parsing, the summary.
import json
import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import torch_reference as tr  # noqa: E402


def result(m, n, k, algorithm, tops, verified=True):
    return {"m": m, "n": n, "k": k, "layers": ["L%d" % m], "algorithm": algorithm, "median_ms": 1.0,
            "tops": tops, "verified": verified}


class TorchReferenceTests(unittest.TestCase):
    def test_int_mm_size_pads_to_the_legal_sizes(self):
        self.assertEqual(tr.int_mm_size(4096, 4096, 4096), (4096, 4096, 4096))
        self.assertEqual(tr.int_mm_size(65536, 16, 27), (65536, 16, 32))
        self.assertEqual(tr.int_mm_size(64, 10, 64), (64, 16, 64))
        self.assertEqual(tr.int_mm_size(16, 8, 8), (17, 8, 8))
        self.assertEqual(tr.int_mm_size(169, 48, 432, multiple=32, min_m=32), (169, 64, 448))

    def test_tops(self):
        self.assertAlmostEqual(tr.tops(4096, 4096, 4096, 1.0), 137.438953472, places=6)

    def test_parse_onnxc_bench_takes_the_median(self):
        text = "device: CUDA: H100\noutput logits [64,10]: 1 2 3\nbench: 50 runs, median 1.234 ms, p90 1.500 ms\n"
        self.assertEqual(tr.parse_onnxc_bench(text), (50, 1.234))
        with self.assertRaises(ValueError):
            tr.parse_onnxc_bench("device: CPU\n")

    def test_best_ours_ignores_unverified_kernels(self):
        path = os.path.join(tempfile.mkdtemp(), "g.json")
        with open(path, "w") as f:
            json.dump({"device": "GPU", "results": [
                result(4096, 4096, 4096, "TensorCore", 90.0, verified=False),
                result(4096, 4096, 4096, "Dp4a", 30.0),
                result(4096, 4096, 4096, "Portable", 10.0),
                result(64, 10, 64, "Dp4a", 0.01, verified=False),
            ]}, f)
        device, shapes = tr.read_gemm_results(path)
        self.assertEqual(device, "GPU")
        self.assertEqual(list(shapes), [(4096, 4096, 4096), (64, 10, 64)])
        self.assertEqual(tr.best_ours(shapes[(4096, 4096, 4096)])["algorithm"], "Dp4a")
        self.assertIsNone(tr.best_ours(shapes[(64, 10, 64)]))

    def test_gemm_rows_and_summary_mark_the_target(self):
        shapes = {(4096, 4096, 4096): {"layers": ["square"], "ours": {"TensorCore": result(4096, 4096, 4096, "TensorCore", 60.0)}},
                  (65536, 16, 27): {"layers": ["a", "b"], "ours": {"TensorCore": result(65536, 16, 27, "TensorCore", 2.0)}},
                  (64, 10, 64): {"layers": ["fc"], "ours": {"TensorCore": result(64, 10, 64, "TensorCore", 0.1)}}}
        torch_results = {(4096, 4096, 4096): {"tops": 100.0, "median_ms": 1.0, "padded": None},
                         (65536, 16, 27): {"tops": 5.0, "median_ms": 1.0, "padded": "65536x16x32"}}
        rows = tr.gemm_rows(shapes, torch_results)
        self.assertEqual([r["target_met"] for r in rows], [True, False, None])
        self.assertAlmostEqual(rows[0]["ratio"], 0.6)
        text = tr.format_summary(rows, {"ours_ms": 2.0, "fp16_e2e_ms": 3.0, "fp16_e2e_layout": "nchw",
                                        "fp16_gpu_ms": 1.5, "fp16_gpu_layout": "channels_last"})
        self.assertIn("GEMM target met on 1 of 2 shapes", text)
        self.assertIn("[cuBLASLt padded to 65536x16x32]", text)
        self.assertIn("[cuBLASLt: not measured]", text)
        self.assertIn("target met", text)
        slower = tr.format_summary([], {"ours_ms": 4.0, "fp16_e2e_ms": 3.0, "fp16_e2e_layout": "nchw"})
        self.assertIn("target MISSED", slower)

    def test_ours_only_needs_no_torch_and_writes_the_json(self):
        folder = tempfile.mkdtemp()
        gemm, log, out = (os.path.join(folder, n) for n in ("g.json", "run.log", "s.json"))
        with open(gemm, "w") as f:
            json.dump({"device": "CPU", "results": [result(128, 128, 128, "Direct", 0.001)]}, f)
        with open(log, "w") as f:
            f.write("bench: 3 runs, median 12.5 ms, p90 13.0 ms\n")
        self.assertEqual(tr.main(["--ours-only", "--gemm-json", gemm, "--onnxc-bench", log, "--json", out]), 0)
        with open(out) as f:
            doc = json.load(f)
        self.assertEqual(doc["resnet32"]["ours_ms"], 12.5)
        self.assertEqual(doc["gemm"][0]["ours_algorithm"], "Direct")
        self.assertIsNone(doc["gemm"][0]["target_met"])
        self.assertNotIn("torch", sys.modules)


if __name__ == "__main__":
    unittest.main()
