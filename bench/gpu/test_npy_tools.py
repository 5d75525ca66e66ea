#!/usr/bin/env python3
# Unit tests of npy_tools.py: .npy round trip, the CIFAR preprocessing, and the GPU-vs-CPU comparison verdicts.
import os
import struct
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import npy_tools as nt  # noqa: E402


def write_u8(path, shape, values):
    header = "{'descr': '|u1', 'fortran_order': False, 'shape': (%s), }" % ", ".join(str(d) for d in shape)
    header += " " * ((64 - (10 + len(header) + 1) % 64) % 64) + "\n"
    with open(path, "wb") as f:
        f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode("latin1") + bytes(values))


class NpyToolsTests(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp()

    def path(self, name):
        return os.path.join(self.dir, name)

    def test_float32_round_trip(self):
        nt.write_npy_f32(self.path("a.npy"), (2, 3), [1.5, -2.0, 0.0, 3.25, 4.0, -0.5])
        shape, descr, values = nt.read_npy(self.path("a.npy"))
        self.assertEqual((shape, descr, values), ((2, 3), "<f4", [1.5, -2.0, 0.0, 3.25, 4.0, -0.5]))
        with open(self.path("a.npy"), "rb") as f:
            self.assertEqual(len(f.read()) % 16, (6 * 4) % 16)  # header padded to 64 bytes

    def test_cifar_input_spreads_images_and_normalizes_per_channel(self):
        # 4 images; image i has every pixel = (10*i, 10*i + 1, 10*i + 2) in RGB.
        pixels = []
        for i in range(4):
            pixels += [10 * i, 10 * i + 1, 10 * i + 2] * (32 * 32)
        write_u8(self.path("img.npy"), (4, 32, 32, 3), pixels)
        nt.cifar_input(self.path("img.npy"), self.path("x.npy"), 2)
        shape, _, x = nt.read_npy(self.path("x.npy"))
        self.assertEqual(shape, (2, 3, 32, 32))
        # batch row 1 is image 2 (evenly spread), channel G (1), any pixel: (21/255 - 0.456) / 0.224
        self.assertAlmostEqual(x[1 * 3072 + 1 * 1024 + 77], (21 / 255 - 0.456) / 0.224, places=5)
        self.assertAlmostEqual(x[0], (0 / 255 - 0.485) / 0.229, places=5)

    def test_compare_accepts_equal_and_rejects_a_flipped_argmax(self):
        nt.write_npy_f32(self.path("e.npy"), (2, 3), [1, 5, 2, 9, 0, 1])
        nt.write_npy_f32(self.path("same.npy"), (2, 3), [1, 5, 2, 9, 0, 1.000001])
        nt.write_npy_f32(self.path("flip.npy"), (2, 3), [1, 5, 2, 0, 9, 1])
        self.assertTrue(nt.compare(self.path("e.npy"), self.path("same.npy"), 1e-3)[0])
        ok, text = nt.compare(self.path("e.npy"), self.path("flip.npy"), 1e-3)
        self.assertFalse(ok)
        self.assertIn("1 of 2 rows", text)


if __name__ == "__main__":
    unittest.main()
