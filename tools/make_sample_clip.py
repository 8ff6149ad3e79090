"""Make resources/sample.mp4: the clip the app plays when there is no camera.

It is built from public-domain / CC0 photos that ship inside scikit-image's
wheel (no download; licences in resources/README.md) and filmed by a virtual
camera: slow pans and zooms ("Ken Burns"), a slight hand-held shake, hard cuts
between scenes. Every processor has something to find: a frontal face and
people (faces, pose), a group of three, a cup and a cat (objects), a rocket
on its launch pad (a scene where the detector should find nothing), and
colourful scenes (style).

Deterministic: the same scikit-image photos and seed give the same frames
(the encoder's bytes may differ between FFmpeg builds).

The clip is written with OpenCV's VideoWriter (MPEG-4 Part 2, ``mp4v``: the
one MP4 codec every opencv-python wheel can both write and read; the wheels
carry no H.264 encoder), then its ``moov`` index is moved in front of the
media data ("fast start"), so a player can begin before the whole file is
there and a truncated copy still plays up to the cut.

    python tools/make_sample_clip.py [--out resources/sample.mp4] [--seconds 16] [--fps 25]
"""
from __future__ import annotations

import argparse
import struct
import sys
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

W, H = 640, 360
ROOT = Path(__file__).resolve().parent.parent


def photos() -> dict[str, np.ndarray]:
    """The scikit-image photos in BGR uint8."""
    from skimage import data

    def bgr(rgb: np.ndarray) -> np.ndarray:
        if rgb.ndim == 2:
            return cv2.cvtColor(rgb, cv2.COLOR_GRAY2BGR)
        return np.ascontiguousarray(cv2.cvtColor(rgb[:, :, :3], cv2.COLOR_RGB2BGR))

    out = {
        "astronaut": bgr(data.astronaut()),
        "camera": bgr(data.camera()),
        "coffee": bgr(data.coffee()),
        "chelsea": bgr(data.chelsea()),
        "rocket": bgr(data.rocket()),
    }
    # A group of three: the astronaut, the cameraman and the astronaut mirrored, side by side.
    a, c = out["astronaut"], out["camera"]
    out["group"] = np.hstack([a[:, 75:375], c[:, 40:340], cv2.flip(a[:, 137:437], 1)])
    return out


@dataclass(frozen=True)
class Shot:
    """One scene: the camera moves from ``start`` to ``end``, each (centre x, centre y, view width) in photo pixels."""

    photo: str
    seconds: float
    start: tuple[float, float, float]
    end: tuple[float, float, float]
    what: str


SHOTS: tuple[Shot, ...] = (
    Shot("astronaut", 3.0, (256, 170, 512), (228, 135, 330), "an astronaut, slow zoom onto her face"),
    Shot("group", 3.0, (450, 256, 900), (450, 240, 800), "three people side by side, slow zoom"),
    Shot("camera", 2.5, (200, 190, 430), (300, 230, 500), "a man with a film camera on a tripod, pan"),
    Shot("coffee", 2.5, (300, 190, 470), (300, 200, 580), "a cup of coffee, zoom out"),
    Shot("chelsea", 2.5, (190, 150, 380), (240, 150, 440), "a cat, pan and zoom out"),
    Shot("rocket", 2.5, (320, 200, 600), (300, 190, 420), "a rocket on its launch pad, slow zoom"),
)


def _ease(t: float) -> float:
    return t * t * (3.0 - 2.0 * t)  # smoothstep: a camera operator starts and stops gently


class HandShake:
    """Smooth random wobble (a few slow sinusoids per axis) plus a little jitter, seeded."""

    def __init__(self, rng: np.random.Generator, pixels: float = 3.0, degrees: float = 0.4) -> None:
        self.f = rng.uniform(0.3, 2.2, size=(3, 4))
        self.p = rng.uniform(0, 2 * np.pi, size=(3, 4))
        self.rng = rng
        self.amp = np.array([pixels, pixels, degrees])

    def at(self, t: float) -> np.ndarray:
        wobble = np.sin(2 * np.pi * self.f * t + self.p).mean(axis=1) * 1.6
        return self.amp * (wobble + self.rng.normal(0, 0.12, size=3))


def render(photo: np.ndarray, cx: float, cy: float, view_w: float, shake: np.ndarray) -> np.ndarray:
    """The 640x360 view of ``photo`` centred at (cx, cy), ``view_w`` photo pixels wide, shaken."""
    ph, pw = photo.shape[:2]
    view_h = view_w * H / W
    # Keep the view inside the photo (a margin for the shake), shrinking it if the photo is too small.
    margin = 8.0
    view_w = min(view_w, pw - 2 * margin, (ph - 2 * margin) * W / H)
    view_h = view_w * H / W
    cx = float(np.clip(cx, view_w / 2 + margin, pw - view_w / 2 - margin))
    cy = float(np.clip(cy, view_h / 2 + margin, ph - view_h / 2 - margin))
    s = W / view_w
    dx, dy, deg = shake
    m = cv2.getRotationMatrix2D((cx, cy), deg, s)
    m[0, 2] += W / 2 - cx + dx
    m[1, 2] += H / 2 - cy + dy
    interp = cv2.INTER_AREA if s < 1 else cv2.INTER_CUBIC
    return cv2.warpAffine(photo, m, (W, H), flags=interp, borderMode=cv2.BORDER_REFLECT)


def frames(fps: float, seconds: float, seed: int = 7):  # type: ignore[no-untyped-def]
    """Yield (index, BGR frame, shot) for the whole clip; the shot list is stretched to ``seconds``."""
    pics = photos()
    rng = np.random.default_rng(seed)
    shake = HandShake(rng)
    total = sum(s.seconds for s in SHOTS)
    index = 0
    elapsed = 0.0
    for shot in SHOTS:
        # Cut on whole frames from the running total, so the clip is exactly round(seconds * fps) long.
        elapsed += shot.seconds * seconds / total
        n = max(2, round(elapsed * fps) - index)
        for k in range(n):
            u = _ease(k / (n - 1))
            cx, cy, vw = (a + (b - a) * u for a, b in zip(shot.start, shot.end))
            yield index, render(pics[shot.photo], cx, cy, vw, shake.at(index / fps)), shot
            index += 1


# ---------------------------------------------------------------- MP4 "fast start"


def _atoms(buf: bytes, start: int, end: int):  # type: ignore[no-untyped-def]
    pos = start
    while pos + 8 <= end:
        size, kind = struct.unpack_from(">I4s", buf, pos)
        header = 8
        if size == 1:
            size = struct.unpack_from(">Q", buf, pos + 8)[0]
            header = 16
        elif size == 0:
            size = end - pos
        if size < header or pos + size > end:
            raise ValueError(f"malformed MP4 atom {kind!r} at {pos}")
        yield kind, pos, header, size
        pos += size


def _shift_chunk_offsets(moov: bytearray, start: int, end: int, delta: int) -> None:
    for kind, pos, header, size in list(_atoms(moov, start, end)):
        body = pos + header
        if kind in (b"trak", b"mdia", b"minf", b"stbl", b"edts"):
            _shift_chunk_offsets(moov, body, pos + size, delta)
        elif kind in (b"stco", b"co64"):
            count = struct.unpack_from(">I", moov, body + 4)[0]
            fmt, width = (">I", 4) if kind == b"stco" else (">Q", 8)
            for i in range(count):
                at = body + 8 + i * width
                value = struct.unpack_from(fmt, moov, at)[0] + delta
                if kind == b"stco" and value >= 2**32:
                    raise ValueError("file too large for 32-bit chunk offsets")
                struct.pack_into(fmt, moov, at, value)


def faststart(path: Path) -> bool:
    """Move the moov atom in front of mdat (what `qt-faststart` does). False if it already was."""
    buf = path.read_bytes()
    top = list(_atoms(buf, 0, len(buf)))
    kinds = [k for k, *_ in top]
    if b"moov" not in kinds or b"mdat" not in kinds or kinds.index(b"moov") < kinds.index(b"mdat"):
        return False
    moov_kind, mpos, _, msize = top[kinds.index(b"moov")]
    moov = bytearray(buf[mpos : mpos + msize])
    _shift_chunk_offsets(moov, 8, msize, msize)  # everything after ftyp moves down by the moov's size
    ftyp_end = top[0][1] + top[0][3] if kinds[0] == b"ftyp" else 0
    rest = buf[ftyp_end:mpos] + buf[mpos + msize :]
    path.write_bytes(buf[:ftyp_end] + bytes(moov) + rest)
    return True


# ---------------------------------------------------------------- main


def make(out: Path, fps: float, seconds: float, seed: int) -> dict[str, object]:
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".tmp.mp4")
    writer = cv2.VideoWriter(str(tmp), cv2.VideoWriter_fourcc(*"mp4v"), fps, (W, H))
    if not writer.isOpened():
        raise SystemExit("OpenCV cannot write mp4v video here (its FFmpeg backend is missing)")
    count = 0
    scenes: list[str] = []
    try:
        for _, img, shot in frames(fps, seconds, seed):
            writer.write(img)
            count += 1
            if not scenes or scenes[-1] != shot.what:
                scenes.append(shot.what)
    finally:
        writer.release()
    faststart(tmp)
    tmp.replace(out)
    cap = cv2.VideoCapture(str(out), cv2.CAP_FFMPEG)
    back = 0
    while cap.read()[0]:
        back += 1
    got_fps = cap.get(cv2.CAP_PROP_FPS)
    cap.release()
    if back != count:
        raise SystemExit(f"read back {back} frames of {count}: the written clip is not readable")
    return {"path": str(out), "bytes": out.stat().st_size, "frames": count, "fps": got_fps,
            "seconds": count / fps, "size": f"{W}x{H}", "codec": "MPEG-4 Part 2 (mp4v), moov first",
            "scenes": scenes}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=ROOT / "resources" / "sample.mp4")
    ap.add_argument("--fps", type=float, default=25.0)
    ap.add_argument("--seconds", type=float, default=16.0)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args(argv)
    report = make(args.out, args.fps, args.seconds, args.seed)
    for key, value in report.items():
        print(f"{key}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
