"""Shared fixtures: real photos from scikit-image's wheel (no download), in BGR as the app sees them."""
from __future__ import annotations

import atexit
import os
import shutil
import tempfile

# Before anything imports Qt: tests run headless unless a test starts its own Xvfb display.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# --precision auto times FP32 against INT8 once per CPU and keeps the figures in the user's cache folder:
# the tests (and the commands they start) keep theirs in a folder of their own, new for every run, so that
# no run depends on what an earlier one measured (vision_desk/auto_precision.py).
_CACHE = tempfile.mkdtemp(prefix="vd-test-cache-")
atexit.register(shutil.rmtree, _CACHE, True)
os.environ["VISION_DESK_PRECISION_CACHE"] = os.path.join(_CACHE, "precision_timings.json")

import cv2  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402


def expected_provider() -> str:
    """Where a session made with ``--device auto`` runs on this machine: "CUDA" where CUDA really works,
    else "CPU". Tests compare with this instead of a hard-coded "CPU", so they pass on a GPU machine too."""
    from vision_desk import runtime

    return "CUDA" if runtime.cuda_status().usable else "CPU"


def photo(name: str) -> np.ndarray:
    """A scikit-image bundled photo as BGR uint8 HxWx3 (grayscale ones are expanded)."""
    from skimage import data

    img = getattr(data, name)()
    if name == "stereo_motorcycle":
        img = img[0]
    if img.ndim == 2:
        return cv2.cvtColor(img, cv2.COLOR_GRAY2BGR)
    if img.shape[2] == 4:
        img = img[:, :, :3]
    return np.ascontiguousarray(cv2.cvtColor(img, cv2.COLOR_RGB2BGR))


@pytest.fixture(scope="session")
def astronaut() -> np.ndarray:
    return photo("astronaut")


@pytest.fixture(scope="session")
def camera_man() -> np.ndarray:
    return photo("camera")


@pytest.fixture(scope="session")
def chelsea() -> np.ndarray:
    return photo("chelsea")


@pytest.fixture(scope="session")
def coffee() -> np.ndarray:
    return photo("coffee")


@pytest.fixture(scope="session")
def rocket() -> np.ndarray:
    return photo("rocket")


@pytest.fixture(scope="session")
def motorcycle() -> np.ndarray:
    return photo("stereo_motorcycle")


@pytest.fixture
def cpu_class(monkeypatch: pytest.MonkeyPatch):
    """Pretend to be a CPU of another class: ``cpu_class("avx2")`` (see ``runtime.CPU_CLASSES``). Through the
    environment variable the app reads, so subprocesses (the CLI) see the same class."""
    from vision_desk import runtime

    def use(name: str) -> str:
        assert name in runtime.CPU_CLASSES, name
        monkeypatch.setenv(runtime.CPU_FLAGS_ENV, name)
        return name

    return use
