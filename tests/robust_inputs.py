"""Bad and odd inputs for the robustness tests (command line and window): each made fresh in a folder.

Real files only: a real clip cut in half, a text file named .mp4, pictures in
every odd pixel format OpenCV reads, model folders with one file damaged the
way disks and downloads damage them.
"""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import cv2
import numpy as np

from vision_desk import model_store
from vision_desk.sources import SAMPLE_CLIP

SAMPLE_FRAMES = 400
SECRET_URLS = ("rtsp://user:secret@127.0.0.1:9/x", "http://user:secret@127.0.0.1:9/x")  # port 9: closed


def truncated_clip(folder: Path) -> Path:
    """The sample clip cut in half: the header still promises 400 frames, about half decode."""
    path = folder / "cut.mp4"
    data = SAMPLE_CLIP.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


def text_named_mp4(folder: Path) -> Path:
    path = folder / "notes.mp4"
    path.write_text("these are my notes, not a video\n" * 50)
    return path


def empty_file(folder: Path, name: str = "empty.mp4") -> Path:
    path = folder / name
    path.write_bytes(b"")
    return path


def folder_without_images(folder: Path) -> Path:
    path = folder / "documents"
    path.mkdir()
    (path / "notes.txt").write_text("no pictures here")
    (path / "data.csv").write_text("a,b\n1,2\n")
    return path


def _save(path: Path, img: np.ndarray) -> None:
    ok, buf = cv2.imencode(path.suffix, img)
    assert ok, path
    buf.tofile(str(path))


def odd_pictures(folder: Path, photo: np.ndarray, huge: bool = True) -> dict[str, tuple[int, int]]:
    """One picture per odd format in ``folder``; returns file name -> (height, width) as decoded.

    Grayscale, RGBA with transparency, 16-bit, CMYK JPEG, 1x1, 7x5, a 1x500 strip
    and (``huge``) a 6000x4000 photo: every size differs, so a folder of them is also
    the mixed-sizes case.
    """
    from PIL import Image

    folder.mkdir(parents=True, exist_ok=True)
    sizes: dict[str, tuple[int, int]] = {}
    gray = cv2.cvtColor(cv2.resize(photo, (320, 240)), cv2.COLOR_BGR2GRAY)
    _save(folder / "a_gray.png", gray)
    sizes["a_gray.png"] = gray.shape[:2]
    bgra = cv2.cvtColor(cv2.resize(photo, (300, 200)), cv2.COLOR_BGR2BGRA)
    bgra[:, 150:, 3] = 0  # the right half transparent
    _save(folder / "b_rgba.png", bgra)
    sizes["b_rgba.png"] = bgra.shape[:2]
    deep = cv2.resize(photo, (280, 210)).astype(np.uint16) * 257
    _save(folder / "c_16bit.png", deep)
    sizes["c_16bit.png"] = deep.shape[:2]
    rgb = cv2.cvtColor(cv2.resize(photo, (256, 192)), cv2.COLOR_BGR2RGB)
    Image.fromarray(rgb).convert("CMYK").save(folder / "d_cmyk.jpg", quality=90)
    assert Image.open(folder / "d_cmyk.jpg").mode == "CMYK"
    sizes["d_cmyk.jpg"] = (192, 256)
    _save(folder / "e_tiny_1x1.png", np.full((1, 1, 3), 90, np.uint8))
    sizes["e_tiny_1x1.png"] = (1, 1)
    _save(folder / "f_tiny_7x5.png", cv2.resize(photo, (7, 5), interpolation=cv2.INTER_AREA))
    sizes["f_tiny_7x5.png"] = (5, 7)
    _save(folder / "g_strip_1x500.png", cv2.resize(photo, (500, 1), interpolation=cv2.INTER_AREA))
    sizes["g_strip_1x500.png"] = (1, 500)
    if huge:
        # A smooth enlargement (compresses well, like a real camera photo), 24 megapixels.
        _save(folder / "h_huge.jpg", cv2.resize(photo, (6000, 4000), interpolation=cv2.INTER_LINEAR))
        sizes["h_huge.jpg"] = (4000, 6000)
    return sizes


def models_with(folder: Path, damage: str, model_file: str) -> Path:
    """A models folder (links to the real files) in which ``model_file`` is damaged.

    ``damage``: "missing"; "checksum" (same size, different bytes: passes the size
    check, fails the hash); "garbage" (not ONNX at all, and of the wrong size).
    """
    src = model_store.bundled_dir()
    dst = folder / f"models-{damage}"
    dst.mkdir()
    for entry in model_store.load_manifest():
        if entry.file != model_file:
            os.symlink(src / entry.file, dst / entry.file)
    good = (src / model_file).read_bytes()
    if damage == "checksum":
        data = bytearray(good)
        data[len(data) // 3: len(data) // 3 + 64] = os.urandom(64)
        (dst / model_file).write_bytes(bytes(data))
    elif damage == "garbage":
        (dst / model_file).write_bytes(b"this is not an ONNX model\n" * 100)
    elif damage != "missing":
        raise ValueError(damage)
    return dst


def copy_models(folder: Path) -> Path:
    dst = folder / "models-copy"
    shutil.copytree(model_store.bundled_dir(), dst)
    return dst


def json_lines(path: Path) -> list[dict]:
    """Every line of a JSON-lines file, each parsed; the file must end with a complete line."""
    text = path.read_text()
    assert text == "" or text.endswith("\n"), "the last line is complete"
    return [json.loads(line) for line in text.splitlines()]


def decode_video(path: Path) -> tuple[str, int]:
    """(codec name, frames that decode) read with PyAV, which stops at the first broken fragment."""
    import av

    n = 0
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        codec = stream.codec_context.name
        try:
            for _ in container.decode(stream):
                n += 1
        except av.error.InvalidDataError:
            pass  # a fragment cut off by a full disk: the frames before it are what counts
    return codec, n


def count_frames_cv2(path: Path) -> int:
    """Frames OpenCV can read from a video (what most players would show)."""
    cap = cv2.VideoCapture(str(path))
    n = 0
    while cap.read()[0]:
        n += 1
    cap.release()
    return n


def fail_faces_once(monkeypatch, on_call: int) -> dict[str, int]:
    """Make the faces processor raise on its ``on_call``-th frame (1-based) and work on every other one.

    Returns the call counter, so a test can wait until frames after the failure went through.
    """
    from vision_desk.processors.faces import FacesProcessor

    calls = {"n": 0}
    real = FacesProcessor._process

    def flaky(self, image):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == on_call:
            raise RuntimeError("simulated failure on one frame")
        return real(self, image)

    monkeypatch.setattr(FacesProcessor, "_process", flaky)
    return calls
