"""Maintainer test: the shipped selfie segmentation ONNX computes what MediaPipe's TF Lite model computes.

Needs tensorflow (the converter's environment; the app never does) and the
mediapipe 0.10.14 wheel (``pip download --no-deps mediapipe==0.10.14``), named by
VD_MEDIAPIPE_WHEEL; skipped without either. TF Lite's interpreter cannot run
MediaPipe's custom last layer, so the reference is the same model with that
layer as TF Lite's own TRANSPOSE_CONV (tools/convert_segment.py says why).
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest

pytest.importorskip("tensorflow")
WHEEL = os.environ.get("VD_MEDIAPIPE_WHEEL")
pytestmark = pytest.mark.skipif(not WHEEL, reason="set VD_MEDIAPIPE_WHEEL to the mediapipe-0.10.14 wheel")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tools"))

import convert_segment  # noqa: E402

from vision_desk import model_store  # noqa: E402


@pytest.mark.parametrize("name", ["astronaut", "camera_man", "coffee"])
def test_onnx_matches_tflite_on_photos(name: str, request: pytest.FixtureRequest, tmp_path: Path) -> None:
    photo = request.getfixturevalue(name)
    rgb = cv2.cvtColor(cv2.resize(photo, (256, 256), interpolation=cv2.INTER_AREA), cv2.COLOR_BGR2RGB)
    x = (rgb.astype(np.float32) / 255)[None]
    tflite = convert_segment.extract_tflite(Path(WHEEL), tmp_path)
    onnx_path = model_store.bundled_dir() / convert_segment.ONNX_NAME
    assert convert_segment.check(tflite, onnx_path, x) < 1e-4
