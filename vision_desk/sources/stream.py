"""A network stream (RTSP, HTTP MJPEG, HLS, ...) through OpenCV's FFmpeg backend.

Every wait is bounded: FFmpeg gets open and read timeouts
(``CAP_PROP_OPEN_TIMEOUT_MSEC``/``CAP_PROP_READ_TIMEOUT_MSEC``), and the open
call itself runs on a helper thread with a hard deadline on top, because not
every protocol honours those timeouts. An address that cannot be reached is
therefore a SourceError within ``open_timeout`` seconds, never a frozen window.

Credentials in a URL (``rtsp://user:pass@host``, ``?token=...``) never appear
in a description, a message or a log line: everything user-visible goes
through :func:`redact`.
"""
from __future__ import annotations

import re
import threading
import time

import cv2
import numpy as np

from vision_desk.errors import SourceError
from vision_desk.sources.base import SourceInfo
from vision_desk.sources.live import LatestFrameGrabber, LiveSource

STREAM_SCHEMES: tuple[str, ...] = ("rtsp", "rtsps", "rtmp", "http", "https", "udp", "tcp", "srt")

# scheme://userinfo@: everything up to the last "@" before the path's "/", spaces, "#", "?" and other odd
# characters included ("rtsp://bob:my S@host/", "rtsp://bob:a#b@host/"), but never across a line or into
# another URL. (Hiding a little too much in a URL without a path costs nothing.)
_USERINFO_RE = re.compile(r"([a-zA-Z][a-zA-Z0-9+.\-]*://)((?:(?![a-zA-Z][a-zA-Z0-9+.\-]*://)[^/\n])*)@")
# A query (or fragment, or ;-parameter) value whose NAME looks secret: any name containing one of these
# words, so auth_token, X-Amz-Signature, X-Amz-Credential, passphrase (SRT), api_key, sessionid ... all go.
SECRET_NAME_WORDS = ("token", "auth", "key", "sig", "secret", "pass", "pwd", "credential", "session", "cookie",
                     "jwt", "bearer", "otp", "private", "user", "login", "account", "sid")
_SECRET_PARAM_RE = re.compile(
    r"(?i)([?&;#](?:[^=&;#\s]*?)(?:" + "|".join(SECRET_NAME_WORDS) + r")[^=&;#\s]*=)[^&;#\s]*"
)


def redact(text: str) -> str:
    """Hide credentials in every URL inside ``text``: ``rtsp://***@host/...``, ``?auth_token=***``.

    The whole user-info part goes (a user name can be a token too); the
    greedy match runs to the last ``@`` before the path, so a password with a
    raw ``@`` or a space in it is hidden whole. Query values are hidden when
    their name looks secret (see ``SECRET_NAME_WORDS``): over-hiding a harmless
    value costs nothing, showing a signature or token would.
    """
    text = _USERINFO_RE.sub(r"\1***@", text)
    return _SECRET_PARAM_RE.sub(r"\1***", text)


def open_capture_bounded(factory, timeout: float):  # type: ignore[no-untyped-def]
    """Run ``factory()`` (which makes a cv2.VideoCapture) with a hard deadline.

    Returns the capture, or None when the deadline passed; a capture that
    arrives after the deadline is released by the helper thread itself.
    """
    result: dict[str, object] = {}
    done = threading.Event()
    lock = threading.Lock()

    def run() -> None:
        try:
            cap = factory()
        except BaseException as exc:  # noqa: BLE001 - reported to the caller below
            cap, result["error"] = None, exc
        with lock:
            if result.get("abandoned"):
                if cap is not None:
                    cap.release()
                return
            result["cap"] = cap
            done.set()

    threading.Thread(target=run, name="capture-open", daemon=True).start()
    done.wait(timeout)
    with lock:
        if not done.is_set():
            result["abandoned"] = True
            return None
    if "error" in result:
        raise result["error"]  # type: ignore[misc]
    return result["cap"]


class StreamSource(LiveSource):
    def __init__(
        self,
        url: str,
        *,
        open_timeout: float = 10.0,
        read_timeout: float = 5.0,
        stall_timeout: float | None = None,
    ) -> None:
        super().__init__()
        self._url = url
        self._safe = redact(url)
        self._label = f"stream {self._safe}"
        self._open_timeout = float(open_timeout)
        self._read_timeout = float(read_timeout)
        self._stall_timeout = float(stall_timeout) if stall_timeout else self._read_timeout + 1.0

    @property
    def url(self) -> str:
        """The URL with credentials hidden (the real one is never exposed)."""
        return self._safe

    def __repr__(self) -> str:
        return f"StreamSource({self._safe!r})"

    def open(self) -> SourceInfo:
        params = [
            cv2.CAP_PROP_OPEN_TIMEOUT_MSEC, int(self._open_timeout * 1000),
            cv2.CAP_PROP_READ_TIMEOUT_MSEC, int(self._read_timeout * 1000),
        ]
        t0 = time.monotonic()
        try:
            cap = open_capture_bounded(lambda: cv2.VideoCapture(self._url, cv2.CAP_FFMPEG, params),
                                       self._open_timeout + 2.0)
        except cv2.error as exc:
            raise SourceError(f"cannot open stream {self._safe}: {redact(str(exc)).strip()}") from None
        if cap is None:
            raise SourceError(
                f"stream {self._safe} did not answer within {self._open_timeout:g} s; check the address and "
                "that the camera or server is on and reachable from this computer"
            )
        if not cap.isOpened():
            cap.release()
            took = time.monotonic() - t0
            why = "timed out" if took >= self._open_timeout * 0.9 else "connection refused or not a video stream"
            raise SourceError(
                f"cannot connect to stream {self._safe} ({why}); check the address, port, user name and "
                "password, and that the camera or server is on"
            )
        cap.set(cv2.CAP_PROP_BUFFERSIZE, 1)
        self._stop.clear()
        state: dict[str, float | None] = {"fail_since": None, "next_due": None}
        fps = cap.get(cv2.CAP_PROP_FPS)
        fps = float(fps) if 0 < fps < 1000 else 0.0
        # A video file served over HTTP decodes as fast as the CPU allows; play it at its own
        # rate, as a live stream would arrive. Real streams are paced by the sender instead.
        pace = 1.0 / fps if fps and cap.get(cv2.CAP_PROP_FRAME_COUNT) > 0 else 0.0

        def capture() -> np.ndarray | None:
            while not self._stop.is_set():
                if pace and state["next_due"] is not None:
                    delay = state["next_due"] - time.perf_counter()
                    if delay > 0 and self._stop.wait(delay):
                        return None
                ok, img = cap.read()
                if ok and img is not None and img.size:
                    state["fail_since"] = None
                    if pace:
                        now = time.perf_counter()
                        state["next_due"] = max(now, (state["next_due"] or now) + pace)
                    return img
                now = time.monotonic()
                state["fail_since"] = state["fail_since"] or now
                if now - state["fail_since"] > self._stall_timeout:  # type: ignore[operator]
                    raise SourceError(self._stopped_message())
                self._stop.wait(0.05)
            return None

        self._grabber = LatestFrameGrabber(
            capture,
            name="stream-capture",
            source_id=self._safe,
            stall_timeout=self._stall_timeout,
            stall_message=self._stopped_message(),
            cleanup=cap.release,
        )
        self._grabber.start()
        first = self._grabber.wait_first(self._open_timeout)
        if first is None:
            self.close()
            raise SourceError(f"stream {self._safe} connected but sent no video frame within {self._open_timeout:g} s")
        self._info = SourceInfo(kind="stream", description=f"stream {self._safe}", fps=fps, frame_count=None,
                                width=first.width, height=first.height, is_live=True)
        return self._info

    def _stopped_message(self) -> str:
        return (f"stream {self._safe} stopped delivering frames (connection lost?); "
                "check the network and reopen the source")
