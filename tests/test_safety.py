"""Safety: nothing in the code can run data as code, and a model file is checked before onnxruntime reads it.

The code scan reads the syntax tree (not the text), so a comment that mentions
pickle is fine and ``app.exec()`` (Qt's event loop) is not the builtin
``exec``; a second test feeds the scanner unsafe snippets, so the scan can fail.
"""
from __future__ import annotations

import ast
import os
from pathlib import Path

import pytest

from vision_desk import model_store, registry, runtime
from vision_desk.errors import ModelError

REPO = Path(__file__).resolve().parent.parent
SCANNED = ("vision_desk", "tools", "benchmarks")
UNSAFE_MODULES = {"pickle", "cPickle", "_pickle", "dill", "cloudpickle", "joblib", "marshal", "shelve", "jsonpickle"}
UNSAFE_BUILTINS = {"eval", "exec", "__import__"}
YAML_UNSAFE = {"load", "load_all", "unsafe_load", "unsafe_load_all", "full_load", "full_load_all"}


def _is_false(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and node.value is False


def unsafe_calls(source: str, filename: str = "<snippet>") -> list[str]:
    """What in ``source`` could turn data into code: unpicklers, eval/exec, numpy pickles, unsafe YAML."""
    found = []
    for node in ast.walk(ast.parse(source, filename)):
        where = f"{filename}:{getattr(node, 'lineno', '?')}"
        if isinstance(node, ast.Import):
            found += [f"{where} import {a.name}" for a in node.names if a.name.split(".")[0] in UNSAFE_MODULES]
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in UNSAFE_MODULES:
            found.append(f"{where} from {node.module} import ...")
        elif isinstance(node, ast.Call):
            func = node.func
            kwargs = {k.arg: k.value for k in node.keywords}
            if isinstance(func, ast.Name) and func.id in UNSAFE_BUILTINS:
                found.append(f"{where} {func.id}()")
            elif isinstance(func, ast.Attribute):
                owner = func.value.id if isinstance(func.value, ast.Name) else ""
                if owner in ("np", "numpy") and func.attr == "load" and not _is_false(kwargs.get("allow_pickle")):
                    found.append(f"{where} np.load without allow_pickle=False")
                elif owner == "yaml" and func.attr in YAML_UNSAFE:
                    loader = kwargs.get("Loader")
                    safe = isinstance(loader, ast.Attribute) and loader.attr in ("SafeLoader", "CSafeLoader")
                    if func.attr.startswith(("unsafe", "full")) or not safe:
                        found.append(f"{where} yaml.{func.attr} without SafeLoader")
                elif owner == "torch" and func.attr == "load":
                    only = kwargs.get("weights_only")  # torch's restricted unpickler: tensors, no code
                    if not (isinstance(only, ast.Constant) and only.value is True):
                        found.append(f"{where} torch.load without weights_only=True")
                elif (owner, func.attr) in (("pd", "read_pickle"), ("pandas", "read_pickle")):
                    found.append(f"{where} {owner}.{func.attr}")
    return found


def test_no_code_path_unpickles_evaluates_or_loads_unsafe_yaml():
    found = []
    files = [p for d in SCANNED for p in sorted((REPO / d).rglob("*.py"))]
    assert len(files) > 50  # the scan really reads the package
    for path in files:
        found += unsafe_calls(path.read_text(encoding="utf-8"), str(path.relative_to(REPO)))
    assert not found, "unsafe deserialization or dynamic code:\n" + "\n".join(found)


@pytest.mark.parametrize("snippet, expected", [
    ("import pickle\npickle.loads(b'')", "import pickle"),
    ("from joblib import load", "from joblib import"),
    ("import numpy as np\nnp.load('x.npy')", "np.load without allow_pickle=False"),
    ("import numpy as np\nnp.load('x.npy', allow_pickle=True)", "np.load without allow_pickle=False"),
    ("eval(user_text)", "eval()"),
    ("exec(code)", "exec()"),
    ("import yaml\nyaml.load(text)", "yaml.load without SafeLoader"),
    ("import yaml\nyaml.load(text, Loader=yaml.Loader)", "yaml.load without SafeLoader"),
    ("import yaml\nyaml.full_load(text)", "yaml.full_load without SafeLoader"),
    ("import torch\ntorch.load(f)", "torch.load without weights_only=True"),
    ("import torch\ntorch.load(f, weights_only=False)", "torch.load without weights_only=True"),
])
def test_the_scan_finds_unsafe_code(snippet, expected):
    assert any(expected in f for f in unsafe_calls(snippet))


@pytest.mark.parametrize("snippet", [
    "import numpy as np\nnp.load('x.npy', allow_pickle=False)",
    "import yaml\nyaml.load(text, Loader=yaml.SafeLoader)\nyaml.safe_load(text)",
    "app.exec()\nloop.exec()  # Qt's event loops; a comment about pickle",
    "import json\njson.loads('{}')",
    "import torch\ntorch.load(f, map_location='cpu', weights_only=True)",
])
def test_the_scan_lets_safe_code_pass(snippet):
    assert unsafe_calls(snippet) == []


# --- model files are checked before onnxruntime reads them ----------------------------------------------------
@pytest.fixture
def models_copy(tmp_path: Path):
    dst = tmp_path / "models"
    dst.mkdir()
    for entry in model_store.load_manifest():
        (dst / entry.file).write_bytes((model_store.bundled_dir() / entry.file).read_bytes())
    model_store.set_models_dir(dst)
    yield dst
    model_store.set_models_dir(None)


@pytest.fixture
def onnxruntime_spy(monkeypatch):
    """Records every model onnxruntime is asked to open (and still opens it)."""
    import onnxruntime as ort

    opened: list[object] = []
    real = ort.InferenceSession

    def spy(model, *args, **kwargs):
        opened.append(model)
        return real(model, *args, **kwargs)

    monkeypatch.setattr(ort, "InferenceSession", spy)
    return opened


def _swap_in(target: Path, replacement: bytes) -> None:
    """Replace ``target``'s bytes, keeping its size and its modification time (as a copy tool would)."""
    st = target.stat()
    assert len(replacement) == st.st_size
    target.write_bytes(replacement)
    os.utime(target, ns=(st.st_atime_ns, st.st_mtime_ns))


def test_a_swapped_model_of_the_right_size_is_refused_before_onnxruntime_sees_it(models_copy, onnxruntime_spy):
    pose = models_copy / "openpose_mobilenet_thin.onnx"
    # checked and loaded once: the check result is known
    runtime.create_session("pose-openpose-mobilenet-thin", config=runtime.RuntimeConfig())
    assert len(onnxruntime_spy) == 1
    # A real ONNX model (the style network) padded to the pose model's size, same modification time.
    other = (models_copy / "multistyle26.onnx").read_bytes()
    _swap_in(pose, other + b"\0" * (pose.stat().st_size - len(other)))
    with pytest.raises(ModelError, match=r"openpose_mobilenet_thin\.onnx.*does not match its checksum.*restore"):
        runtime.create_session("pose-openpose-mobilenet-thin", config=runtime.RuntimeConfig())
    with pytest.raises(ModelError, match="does not match its checksum"):
        registry.create("pose").load()  # the processors go through the same check
    assert len(onnxruntime_spy) == 1, "onnxruntime was handed the swapped file"


def test_onnxruntime_gets_the_bytes_that_were_checked(models_copy, onnxruntime_spy):
    runtime.create_session("style-multistyle26", config=runtime.RuntimeConfig())
    (model,) = onnxruntime_spy
    expected = model_store.entry("style-multistyle26")
    assert isinstance(model, bytes) and len(model) == expected.bytes  # not a path it could re-read later
    import hashlib

    assert hashlib.sha256(model).hexdigest() == expected.sha256


def test_a_file_onnxruntime_cannot_parse_is_a_model_error_even_past_the_manifest(tmp_path, monkeypatch):
    """The last line of defence: were the manifest itself wrong, onnxruntime's refusal is still one clear line."""
    import dataclasses
    import hashlib

    garbage = b"not an onnx model at all\n" * 40
    folder = tmp_path / "models"
    folder.mkdir()
    real = model_store.entry("style-multistyle26")
    (folder / real.file).write_bytes(garbage)
    fake = dataclasses.replace(real, bytes=len(garbage), sha256=hashlib.sha256(garbage).hexdigest())
    monkeypatch.setattr(model_store, "entry", lambda model_id: fake)
    model_store.set_models_dir(folder)
    try:
        with pytest.raises(ModelError, match=r"multistyle26\.onnx.*could not be loaded by onnxruntime.*restore"):
            runtime.create_session("style-multistyle26", config=runtime.RuntimeConfig())
    finally:
        model_store.set_models_dir(None)
