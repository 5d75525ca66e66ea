"""PyTorch CPU baseline for onnxc's training speed: ResNet-20 (CIFAR, option-A shortcuts) at batch B.

Same architecture and parameter count as cifar10-resnet20-akamaster (269,722 parameters before BN folding),
SGD with momentum 0.9, cross-entropy, on the same preprocessed CIFAR-10 training images. Prints one line:
`torch <images/s> images/s over <steps> steps, <threads> threads`. The weights are random: speed does not
depend on them. Used only by bench/train-speed.sh; the product never needs Python.
"""
import argparse
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


class Block(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.pad = cout - cin

    def forward(self, x):
        y = F.relu(self.bn1(self.conv1(x)))
        y = self.bn2(self.conv2(y))
        s = x
        if self.pad:
            s = F.pad(x[:, :, ::2, ::2], (0, 0, 0, 0, self.pad // 2, self.pad // 2))
        return F.relu(y + s)


class ResNet20(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 16, 3, 1, 1, bias=False)
        self.bn = nn.BatchNorm2d(16)
        layers = []
        cin = 16
        for cout, stride in ((16, 1), (32, 2), (64, 2)):
            for i in range(3):
                layers.append(Block(cin, cout, stride if i == 0 else 1))
                cin = cout
        self.layers = nn.Sequential(*layers)
        self.fc = nn.Linear(64, 10)

    def forward(self, x):
        x = F.relu(self.bn(self.conv(x)))
        x = self.layers(x)
        return self.fc(F.adaptive_avg_pool2d(x, 1).flatten(1))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--data", required=True)
    p.add_argument("--batch", type=int, default=128)
    p.add_argument("--steps", type=int, default=40)
    p.add_argument("--warmup", type=int, default=5)
    p.add_argument("--threads", type=int, default=2)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    images = np.load(a.data, mmap_mode="r")
    labels = np.load(a.data.replace("images.npy", "labels.npy"))
    mean = np.array([0.485, 0.456, 0.406], np.float32)
    std = np.array([0.229, 0.224, 0.225], np.float32)
    model = ResNet20()
    model.train()
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    n = a.batch * (a.steps + a.warmup)
    x_all = torch.from_numpy(((images[:n].astype(np.float32) / 255 - mean) / std).transpose(0, 3, 1, 2).copy())
    y_all = torch.from_numpy(labels[:n].astype(np.int64))
    start = None
    for step in range(a.steps + a.warmup):
        if step == a.warmup:
            start = time.perf_counter()
        x = x_all[step * a.batch:(step + 1) * a.batch]
        y = y_all[step * a.batch:(step + 1) * a.batch]
        opt.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
    elapsed = time.perf_counter() - start
    print(f"torch {a.steps * a.batch / elapsed:.1f} images/s over {a.steps} steps, {a.threads} threads, torch {torch.__version__}")


if __name__ == "__main__":
    main()
