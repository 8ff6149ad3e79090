"""How much does flicker reduction steady stylized video, and what does it cost?

Usage:  python benchmarks/bench_style_flicker.py [--clip resources/sample.mp4 | --clip none] [--style 3] [--side 640]

Uses resources/sample.mp4 when it exists, else builds a clip the way a hand-held
camera would film it: a near-still shot, a slow pan and a zoom over
scikit-image's astronaut, a cut to the coffee photo, camera shake, sensor
noise, and a real mp4 encode/decode round trip (codec noise is what makes
stylized video boil).

Printed per clip part and overall (grey levels, 0-255):
- input step: mean |frame t - frame t-1| of the input, for reference;
- output step: the same for the stylized output, without and with flicker reduction;
- warp error: mean |out t - out t-1 warped to t| with the flow of the *input*
  (DIS medium, independent of the reducer's own flow), over pixels the flow
  explains. This is the usual temporal-consistency measure (Lai et al. 2018):
  the plain step also counts real motion, so blurring everything would "win" it;
- drift: mean |reduced - raw stylized|, how far the reducer moves from the per-frame result;
- cost: ms per frame of the reducer alone, and of process() with it off and on;
- overhead: median process() vs the bare network call (core_call) on a 640x480 photo.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from vision_desk.processors.style import StyleProcessor, _fit  # noqa: E402
from vision_desk.vision.temporal import FlickerReducer  # noqa: E402


def photo(name: str) -> np.ndarray:
    from skimage import data

    return cv2.cvtColor(getattr(data, name)(), cv2.COLOR_RGB2BGR)


def synthetic_clip(width: int = 640, height: int = 480) -> tuple[list[np.ndarray], list[str]]:
    """90 frames: still (30), pan (30) over the astronaut, then a cut and a zoom on the coffee (30)."""
    rng = np.random.default_rng(0)
    astronaut = cv2.resize(photo("astronaut"), (1024, 1024), interpolation=cv2.INTER_LINEAR)
    coffee = cv2.resize(photo("coffee"), (1200, 800), interpolation=cv2.INTER_LINEAR)
    frames, parts = [], []
    shake = np.zeros(2)

    def view(img: np.ndarray, cx: float, cy: float, zoom: float) -> np.ndarray:
        nonlocal shake
        shake = 0.7 * shake + rng.normal(0, 0.6, 2)  # a hand's tremor: correlated sub-pixel jitter
        scale = zoom
        m = np.float32([[scale, 0, width / 2 - scale * (cx + shake[0])],
                        [0, scale, height / 2 - scale * (cy + shake[1])]])
        frame = cv2.warpAffine(img, m, (width, height), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT)
        noise = rng.normal(0, 2.0, frame.shape)
        return np.clip(frame + noise, 0, 255).astype(np.uint8)

    for i in range(30):
        frames.append(view(astronaut, 500, 480, 0.8)); parts.append("still")
    for i in range(30):
        frames.append(view(astronaut, 500 + 4 * i, 480 + 1 * i, 0.8)); parts.append("pan")
    for i in range(30):
        frames.append(view(coffee, 620, 420, 0.6 * 1.01 ** i)); parts.append("zoom")
    return codec_round_trip(frames), parts


def codec_round_trip(frames: list[np.ndarray]) -> list[np.ndarray]:
    with tempfile.TemporaryDirectory() as tmp:
        path = str(Path(tmp) / "clip.mp4")
        h, w = frames[0].shape[:2]
        writer = cv2.VideoWriter(path, cv2.VideoWriter_fourcc(*"mp4v"), 30.0, (w, h))
        if not writer.isOpened():
            return frames
        for f in frames:
            writer.write(f)
        writer.release()
        return read_clip(path, len(frames)) or frames


def read_clip(path: str, limit: int) -> list[np.ndarray]:
    cap = cv2.VideoCapture(path)
    frames = []
    while len(frames) < limit:
        ok, frame = cap.read()
        if not ok:
            break
        frames.append(frame)
    cap.release()
    return frames


def consistency(inputs: list[np.ndarray], outputs: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Per transition: plain output step and flow-warped output error."""
    dis = cv2.DISOpticalFlow_create(cv2.DISOPTICAL_FLOW_PRESET_MEDIUM)
    steps, warps = [], []
    for t in range(1, len(inputs)):
        g0 = cv2.cvtColor(inputs[t - 1], cv2.COLOR_BGR2GRAY)
        g1 = cv2.cvtColor(inputs[t], cv2.COLOR_BGR2GRAY)
        flow = dis.calc(g1, g0, None)
        h, w = g1.shape
        mx = flow[..., 0] + np.arange(w, dtype=np.float32)
        my = flow[..., 1] + np.arange(h, dtype=np.float32)[:, None]
        in_err = cv2.absdiff(g1, cv2.remap(g0, mx, my, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE))
        valid = (in_err < 20) & (mx >= 0) & (mx <= w - 1) & (my >= 0) & (my <= h - 1)
        prev = cv2.remap(outputs[t - 1], mx, my, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
        steps.append(cv2.absdiff(outputs[t], outputs[t - 1]).mean())
        warps.append(cv2.absdiff(outputs[t], prev).mean(axis=2)[valid].mean() if valid.any() else np.nan)
    return np.array(steps), np.array(warps)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clip", default=str(ROOT / "resources" / "sample.mp4"))
    ap.add_argument("--frames", type=int, default=150, help="frames read from the clip (the synthetic clip has 90)")
    ap.add_argument("--style", type=int, default=3)
    ap.add_argument("--side", type=int, default=640, help="long side the clip is scaled to and stylized at")
    ap.add_argument("--strength", type=float, default=0.7)
    args = ap.parse_args()

    if Path(args.clip).is_file():
        frames = read_clip(args.clip, args.frames)
        parts = ["clip"] * len(frames)
        origin = args.clip
    else:
        frames, parts = synthetic_clip()
        frames, parts = frames[:args.frames], parts[:args.frames]
        origin = "synthetic (astronaut still + pan, cut, coffee zoom; shake, noise, mp4v)"
    frames = [_fit(f, args.side) for f in frames]
    print(f"clip: {origin}; {len(frames)} frames at {frames[0].shape[1]}x{frames[0].shape[0]}, style {args.style}")

    proc = StyleProcessor(style=args.style, size=args.side)
    proc.load()
    raw, t_off = [], []
    for f in frames:
        t = time.perf_counter(); raw.append(proc.process(f).image); t_off.append(time.perf_counter() - t)
    proc.configure(flicker_reduction=True, flicker_strength=args.strength)
    t_on = []
    for f in frames:
        t = time.perf_counter(); proc.process(f); t_on.append(time.perf_counter() - t)

    variants = {"raw": (raw, 0.0)}
    for label, mc in (("reduced (flow)", True), ("reduced (no flow)", False)):
        reducer = FlickerReducer(strength=args.strength, motion_compensation=mc)
        outs, cost = [], []
        for f, r in zip(frames, raw):
            t = time.perf_counter(); outs.append(reducer.apply(f, r)); cost.append(time.perf_counter() - t)
        variants[label] = (outs, statistics.median(cost) * 1e3)
        if mc:
            cuts = reducer.cuts

    in_steps, _ = consistency(frames, frames)
    names = sorted(set(parts), key=parts.index)
    trans_parts = np.array(parts[1:])
    same_part = np.array([a == b for a, b in zip(parts, parts[1:])])  # leave the cut itself out
    print(f"\n{'':18s} " + " ".join(f"{n + ' step':>11s} {n + ' warp':>11s}" for n in names + ["all"]))
    print(f"{'input':18s} " + " ".join(f"{in_steps[(trans_parts == n) & same_part].mean():11.2f} {'':>11s}"
                                        for n in names) + f" {in_steps[same_part].mean():11.2f}")
    for label, (outs, _) in variants.items():
        steps, warps = consistency(frames, outs)
        cells = [f"{steps[(trans_parts == n) & same_part].mean():11.2f} "
                 f"{np.nanmean(warps[(trans_parts == n) & same_part]):11.2f}" for n in names]
        cells.append(f"{steps[same_part].mean():11.2f} {np.nanmean(warps[same_part]):11.2f}")
        print(f"{label:18s} " + " ".join(cells))
    for label, (outs, cost) in list(variants.items())[1:]:
        drift = np.mean([cv2.absdiff(o, r).mean() for o, r in zip(outs, raw)])
        print(f"{label}: drift from raw {drift:.2f}, reducer {cost:.2f} ms/frame")
    print(f"scene cuts detected: {cuts}")
    off, on = statistics.median(t_off) * 1e3, statistics.median(t_on) * 1e3
    print(f"process(): {off:.1f} ms/frame without, {on:.1f} ms/frame with flicker reduction (+{on - off:.1f})")
    overhead()
    return 0


def overhead(runs: int = 20) -> None:
    """process() against the bare session.run on the same frame, interleaved so machine load hits both alike."""
    image = cv2.resize(photo("astronaut"), (640, 480), interpolation=cv2.INTER_AREA)
    print("\n640x480 photo, flicker reduction off: median process() vs core_call()")
    for size in (640, 512):
        proc = StyleProcessor(style=3, size=size)
        core = proc.core_call(image)
        proc.process(image)
        full, bare = [], []
        for _ in range(runs):
            t = time.perf_counter(); proc.process(image); full.append(time.perf_counter() - t)
            t = time.perf_counter(); core(); bare.append(time.perf_counter() - t)
        f, b = statistics.median(full) * 1e3, statistics.median(bare) * 1e3
        print(f"  size {size}: process {f:.1f} ms, core_call {b:.1f} ms, ratio {f / b:.3f}"
              f" (pre/post {f - b:.1f} ms)")


if __name__ == "__main__":
    sys.exit(main())
