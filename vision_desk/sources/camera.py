"""Cameras: finding them fast, opening them with bounded waits, noticing when they go away.

A missing camera is reported at once: on Linux ``/dev/videoN`` is checked
before OpenCV is asked (OpenCV's failure path prints warnings and, on some
drivers, waits); elsewhere the open runs with a hard deadline. The message
names what was tried, the cameras that do exist, and the alternatives.

Frames come through :class:`~vision_desk.sources.live.LatestFrameGrabber`
with the driver buffer set to one frame, so the reader always gets the newest
image; a camera that stops delivering (unplugged, driver hang) becomes a
SourceError within ``stall_timeout`` seconds instead of a frozen picture.
"""
from __future__ import annotations

import os
import re
import struct
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from vision_desk.errors import SourceError
from vision_desk.sources.base import SourceInfo
from vision_desk.sources.live import LatestFrameGrabber, LiveSource
from vision_desk.sources.stream import open_capture_bounded

_IS_LINUX = sys.platform.startswith("linux")
_DEV_DIR = Path("/dev")
_SYSFS_DIR = Path("/sys/class/video4linux")
ALTERNATIVES_HINT = ("Without a camera, open \"sample\" (the bundled clip) or \"synthetic\" (a moving test pattern) "
                 "instead (e.g. `vision-desk process sample`, `vision-desk --source sample`)")

# V4L2 (linux/videodev2.h): VIDIOC_QUERYCAP = _IOR('V', 0, struct v4l2_capability) (104 bytes).
_VIDIOC_QUERYCAP = 0x80685600
_CAP_VIDEO_CAPTURE = 0x00000001
_CAP_VIDEO_CAPTURE_MPLANE = 0x00001000
_CAP_DEVICE_CAPS = 0x80000000


@dataclass(frozen=True)
class CameraInfo:
    """One camera found by :func:`list_cameras`."""

    index: int  # what to type: --source 0
    name: str  # "HD Webcam" (from the driver), or "camera 0" where the system does not say
    device: str = ""  # "/dev/video0" on Linux

    @property
    def spec(self) -> str:
        return str(self.index)

    def __str__(self) -> str:
        return f"{self.index} ({self.name})"


# ---------------------------------------------------------------- discovery


def _v4l2_capture_capable(device: str) -> bool | None:
    """True/False from VIDIOC_QUERYCAP; None when the device cannot be asked (no permission)."""
    try:
        import fcntl

        fd = os.open(device, os.O_RDONLY | os.O_NONBLOCK)
    except (ImportError, OSError):
        return None
    try:
        buf = bytearray(104)
        fcntl.ioctl(fd, _VIDIOC_QUERYCAP, buf)
    except OSError:
        return None
    finally:
        os.close(fd)
    caps, device_caps = struct.unpack_from("<II", buf, 84)
    if caps & _CAP_DEVICE_CAPS:
        caps = device_caps
    return bool(caps & (_CAP_VIDEO_CAPTURE | _CAP_VIDEO_CAPTURE_MPLANE))


def _linux_cameras() -> list[CameraInfo]:
    found = []
    for dev in _DEV_DIR.glob("video*"):
        m = re.fullmatch(r"video(\d+)", dev.name)
        if not m:
            continue
        n = int(m.group(1))
        sysfs = _SYSFS_DIR / dev.name
        try:
            name = (sysfs / "name").read_text(encoding="utf-8", errors="replace").strip() or f"camera {n}"
        except OSError:
            name = f"camera {n}"
        capable = _v4l2_capture_capable(str(dev))
        if capable is False:
            continue  # a metadata or output node: UVC cameras add one beside each capture node
        if capable is None:
            # Cannot ask the driver: UVC numbers its capture node 0 and the metadata node 1.
            try:
                if (sysfs / "index").read_text().strip() not in ("", "0"):
                    continue
            except OSError:
                pass
        found.append(CameraInfo(index=n, name=name, device=str(dev)))
    return sorted(found, key=lambda c: c.index)


def _probe_indices(indices: range, timeout: float) -> list[CameraInfo]:
    found = []
    for i in indices:
        try:
            cap = open_capture_bounded(lambda i=i: cv2.VideoCapture(i), timeout)
        except cv2.error:
            cap = None
        if cap is None or not cap.isOpened():
            if cap is not None:
                cap.release()
            break  # indices are handed out in order: the first gap ends the list
        cap.release()
        found.append(CameraInfo(index=i, name=f"camera {i}"))
    return found


def list_cameras(probe_timeout: float = 1.5) -> list[CameraInfo]:
    """The cameras this computer has, fast: Linux reads /dev and sysfs (no device is opened for
    capture); elsewhere indices 0..3 are tried in turn, each with a short deadline."""
    if _IS_LINUX:
        return _linux_cameras()
    return _probe_indices(range(4), probe_timeout)


def _found_text(cams: list[CameraInfo]) -> str:
    return "cameras found: " + ", ".join(map(str, cams)) if cams else "no cameras found"


# ---------------------------------------------------------------- source


class CameraSource(LiveSource):
    def __init__(
        self,
        spec: str | int = 0,
        *,
        width: int | None = None,
        height: int | None = None,
        fps: float | None = None,
        open_timeout: float = 5.0,
        stall_timeout: float = 5.0,
    ) -> None:
        super().__init__()
        spec = str(spec).strip()
        if spec.isdigit():
            self._index: int | None = int(spec)
            self._device = f"/dev/video{self._index}" if _IS_LINUX else ""
            self._label = f"camera {self._index}"
        elif spec.startswith("/dev/"):
            self._index, self._device, self._label = None, spec, f"camera {spec}"
        else:
            raise SourceError(f"{spec!r} is not a camera; give an index (0, 1, ...) or a device (/dev/video0)")
        self._want = (width, height, fps)
        self._open_timeout = float(open_timeout)
        self._stall_timeout = float(stall_timeout)

    def _check_present(self) -> None:
        if not self._device:
            return
        if not _IS_LINUX:
            raise SourceError(f"camera devices like {self._device} exist only on Linux; use an index (0, 1, ...)")
        if Path(self._device).exists():
            if _v4l2_capture_capable(self._device) is False:
                cams = _linux_cameras()
                raise SourceError(
                    f"{self._device} is not a video capture device (a camera's metadata node?); "
                    f"{_found_text(cams)}. {ALTERNATIVES_HINT}"
                )
            return
        what = f"no camera at index {self._index}" if self._index is not None else f"no camera at {self._device}"
        raise SourceError(f"{what} ({self._device} does not exist); {_found_text(_linux_cameras())}. {ALTERNATIVES_HINT}")

    def open(self) -> SourceInfo:
        self._check_present()
        if _IS_LINUX:
            target: str | int = self._device
            api = cv2.CAP_V4L2
        else:
            target, api = self._index if self._index is not None else 0, cv2.CAP_ANY
        try:
            cap = open_capture_bounded(lambda: cv2.VideoCapture(target, api), self._open_timeout)
        except cv2.error as exc:
            raise SourceError(f"{self._label} could not be opened: {exc}") from None
        if cap is None:
            raise SourceError(
                f"{self._label} did not open within {self._open_timeout:g} s (in use by another application, "
                f"or a driver problem); close other programs using it and try again. {ALTERNATIVES_HINT}"
            )
        if not cap.isOpened():
            cap.release()
            hint = " (on Linux, check that you are in the 'video' group)" if _IS_LINUX else ""
            others = "" if _IS_LINUX else f"; {_found_text(list_cameras())}"
            raise SourceError(
                f"{self._label} could not be opened: no such camera, it is in use by another application, "
                f"or permission is missing{hint}{others}. {ALTERNATIVES_HINT}"
            )
        cap.set(cv2.CAP_PROP_BUFFERSIZE, 1)  # the newest frame, not one queued seconds ago
        width, height, fps = self._want
        if width:
            cap.set(cv2.CAP_PROP_FRAME_WIDTH, width)
        if height:
            cap.set(cv2.CAP_PROP_FRAME_HEIGHT, height)
        if fps:
            cap.set(cv2.CAP_PROP_FPS, fps)
        self._stop.clear()
        stalled = self._stopped_message()
        fail_since: list[float] = []

        def capture() -> np.ndarray | None:
            while not self._stop.is_set():
                ok, img = cap.read()
                if ok and img is not None and img.size:
                    fail_since.clear()
                    return img
                if not fail_since:
                    fail_since.append(time.monotonic())
                elif time.monotonic() - fail_since[0] > self._stall_timeout:
                    raise SourceError(stalled)
                self._stop.wait(0.02)
            return None

        self._grabber = LatestFrameGrabber(capture, name="camera-capture", source_id=self._label,
                                           stall_timeout=self._stall_timeout, stall_message=stalled,
                                           cleanup=cap.release)
        self._grabber.start()
        try:
            first = self._grabber.wait_first(self._open_timeout)
        except SourceError:
            self.close()
            raise
        if first is None:
            self.close()
            raise SourceError(f"{self._label} opened but delivered no frame within {self._open_timeout:g} s "
                              f"(in use by another application?). {ALTERNATIVES_HINT}")
        rate = cap.get(cv2.CAP_PROP_FPS)
        rate = float(rate) if 0 < rate < 1000 else 0.0
        name = next((c.name for c in _linux_cameras() if c.device == self._device), "") if _IS_LINUX else ""
        desc = f"{self._label} ({name})" if name else self._label
        self._info = SourceInfo(kind="camera", description=desc, fps=rate, frame_count=None,
                                width=first.width, height=first.height, is_live=True)
        return self._info

    def _stopped_message(self) -> str:
        return (f"{self._label} stopped delivering frames (unplugged?); reconnect it and reopen the source. "
                f"{ALTERNATIVES_HINT}")
