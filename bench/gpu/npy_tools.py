#!/usr/bin/env python3
# Plain-Python .npy helpers for the GPU kit: the CIFAR-10 batch input onnxc runs, and a GPU-vs-CPU output comparison.
"""Two commands, no numpy needed (the machine that packs the kit has none):

  npy_tools.py cifar-input IMAGES.npy OUT.npy [--count 64]
      IMAGES.npy is uint8 [N, 32, 32, 3] (NHWC, RGB; ../shared/data/cifar10/images.npy, sorted by class).
      Takes COUNT images evenly spread over the set (so every class is in the batch) and writes float32
      [COUNT, 3, 32, 32] preprocessed as the akamaster ResNets expect: x = (pixel / 255 - mean[c]) / std[c]
      with the ImageNet mean (0.485, 0.456, 0.406) and std (0.229, 0.224, 0.225) - the --preprocess string
      "scale=0.00392156862745098;mean=0.485,0.456,0.406;std=0.229,0.224,0.225" of data/README.md.

  npy_tools.py compare EXPECTED.npy ACTUAL.npy [--rtol 1e-3]
      Both float32 [rows, classes]. Prints the largest absolute difference and how many rows have the same
      argmax; exits 1 unless every argmax agrees and max |diff| <= rtol * max |expected|.
"""

import argparse
import ast
import struct
import sys

MEAN = (0.485, 0.456, 0.406)
STD = (0.229, 0.224, 0.225)


def read_npy(path):
    """(shape, dtype descr, flat list of values) of a C-order .npy of uint8 or little-endian float32."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:6] != b"\x93NUMPY":
        raise ValueError("%s: not a .npy file" % path)
    major = data[6]
    if major == 1:
        (hlen,), start = struct.unpack_from("<H", data, 8), 10
    else:
        (hlen,), start = struct.unpack_from("<I", data, 8), 12
    header = ast.literal_eval(data[start:start + hlen].decode("latin1"))
    if header.get("fortran_order"):
        raise ValueError("%s: Fortran-order arrays are not supported" % path)
    shape = tuple(header["shape"])
    count = 1
    for d in shape:
        count *= d
    body = data[start + hlen:]
    descr = header["descr"]
    if descr in ("|u1", "<u1"):
        values = list(body[:count])
    elif descr == "<f4":
        values = list(struct.unpack_from("<%df" % count, body))
    else:
        raise ValueError("%s: dtype %s is not supported (uint8 or float32 only)" % (path, descr))
    if len(values) != count:
        raise ValueError("%s: truncated" % path)
    return shape, descr, values


def write_npy_f32(path, shape, values):
    header = "{'descr': '<f4', 'fortran_order': False, 'shape': (%s), }" % ("".join("%d, " % d for d in shape) if len(shape) == 1 else ", ".join(str(d) for d in shape))
    # Pad so the data starts at a multiple of 64 bytes, with a newline last, as numpy writes it.
    total = 10 + len(header) + 1
    header += " " * ((64 - total % 64) % 64) + "\n"
    with open(path, "wb") as f:
        f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode("latin1"))
        f.write(struct.pack("<%df" % len(values), *values))


def cifar_input(images_path, out_path, count):
    shape, _, pixels = read_npy(images_path)
    if len(shape) != 4 or shape[1:] != (32, 32, 3):
        raise ValueError("%s: expected uint8 [N, 32, 32, 3], got %s" % (images_path, shape))
    n = shape[0]
    if not 0 < count <= n:
        raise ValueError("--count must be in 1..%d" % n)
    out = []
    for i in range(count):
        image = i * n // count
        base = image * 32 * 32 * 3
        for c in range(3):
            for p in range(32 * 32):
                # float32 arithmetic happens in the file; double here then rounding once is within 1 ulp.
                out.append((pixels[base + p * 3 + c] / 255.0 - MEAN[c]) / STD[c])
    write_npy_f32(out_path, (count, 3, 32, 32), out)
    return count


def compare(expected_path, actual_path, rtol):
    """(ok, text): argmax agreement per row and max |diff| relative to max |expected|."""
    es, _, e = read_npy(expected_path)
    as_, _, a = read_npy(actual_path)
    if es != as_ or len(es) != 2:
        return False, "shapes differ or are not [rows, classes]: %s vs %s" % (es, as_)
    rows, cols = es
    agree = 0
    for r in range(rows):
        er = e[r * cols:(r + 1) * cols]
        ar = a[r * cols:(r + 1) * cols]
        agree += er.index(max(er)) == ar.index(max(ar))
    diff = max(abs(x - y) for x, y in zip(e, a))
    scale = max(abs(x) for x in e) or 1.0
    ok = agree == rows and diff <= rtol * scale
    return ok, "argmax agrees on %d of %d rows; max |diff| %.3g (%.3g of max |expected| %.3g)" % (agree, rows, diff, diff / scale, scale)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="command", required=True)
    ci = sub.add_parser("cifar-input")
    ci.add_argument("images")
    ci.add_argument("out")
    ci.add_argument("--count", type=int, default=64)
    cmp_ = sub.add_parser("compare")
    cmp_.add_argument("expected")
    cmp_.add_argument("actual")
    cmp_.add_argument("--rtol", type=float, default=1e-3)
    args = p.parse_args(argv)
    if args.command == "cifar-input":
        cifar_input(args.images, args.out, args.count)
        print("wrote %s: float32 [%d, 3, 32, 32]" % (args.out, args.count))
        return 0
    ok, text = compare(args.expected, args.actual, args.rtol)
    print(("match: " if ok else "MISMATCH: ") + text)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
