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
  (DIS medium), over pixels the flow explains. This is the usual
  temporal-consistency measure (Lai et al. 2018): the plain step also counts
  real motion, so blurring everything would "win" it. The reducer itself warps
  along DIS flow (ultrafast preset, on a small copy), so this measure shares its
  algorithm and may favour it; hence two measures that do not use DIS:
- Farneback warp error: the same warp error with OpenCV's Farneback flow
  (a polynomial-expansion method, unrelated to DIS), at full resolution;
- static error: mean |out t - out t-1| over pixels where the input itself did
  not change (|in t - in t-1| < 2 grey levels after a 5x5 blur: no flow at all),
  with the share of such pixels; an output that changes where its input did not
  is flicker by definition;
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


STATIC_LEVEL = 2.0  # grey levels: below this (after a 5x5 blur) an input pixel "did not change"


def _warp_error(g0: np.ndarray, g1: np.ndarray, flow: np.ndarray, out0: np.ndarray, out1: np.ndarray) -> float:
    """Mean |out1 - out0 warped along ``flow`` (from frame 1 to frame 0)| over pixels the flow explains."""
    h, w = g1.shape
    mx = flow[..., 0] + np.arange(w, dtype=np.float32)
    my = flow[..., 1] + np.arange(h, dtype=np.float32)[:, None]
    in_err = cv2.absdiff(g1, cv2.remap(g0, mx, my, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE))
    valid = (in_err < 20) & (mx >= 0) & (mx <= w - 1) & (my >= 0) & (my <= h - 1)
    prev = cv2.remap(out0, mx, my, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    return float(cv2.absdiff(out1, prev).mean(axis=2)[valid].mean()) if valid.any() else np.nan


def consistency(inputs: list[np.ndarray], outputs: list[np.ndarray]) -> dict[str, np.ndarray]:
    """Per transition: plain output step, warp error along DIS and along Farneback flow, static-pixel error."""
    dis = cv2.DISOpticalFlow_create(cv2.DISOPTICAL_FLOW_PRESET_MEDIUM)
    m: dict[str, list[float]] = {"step": [], "warp": [], "warp_fb": [], "static": [], "static_share": []}
    for t in range(1, len(inputs)):
        g0 = cv2.cvtColor(inputs[t - 1], cv2.COLOR_BGR2GRAY)
        g1 = cv2.cvtColor(inputs[t], cv2.COLOR_BGR2GRAY)
        m["step"].append(cv2.absdiff(outputs[t], outputs[t - 1]).mean())
        m["warp"].append(_warp_error(g0, g1, dis.calc(g1, g0, None), outputs[t - 1], outputs[t]))
        fb = cv2.calcOpticalFlowFarneback(g1, g0, None, pyr_scale=0.5, levels=4, winsize=21, iterations=3,
                                          poly_n=7, poly_sigma=1.5, flags=0)
        m["warp_fb"].append(_warp_error(g0, g1, fb, outputs[t - 1], outputs[t]))
        still = cv2.absdiff(cv2.blur(g1, (5, 5)).astype(np.float32), cv2.blur(g0, (5, 5)).astype(np.float32))
        static = still < STATIC_LEVEL
        m["static_share"].append(float(static.mean()))
        m["static"].append(float(cv2.absdiff(outputs[t], outputs[t - 1]).mean(axis=2)[static].mean())
                           if static.any() else np.nan)
    return {k: np.array(v) for k, v in m.items()}


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
    proc.update_settings(flicker_reduction=True, flicker_strength=args.strength)
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

    in_steps = consistency(frames, frames)["step"]
    names = sorted(set(parts), key=parts.index)
    trans_parts = np.array(parts[1:])
    same_part = np.array([a == b for a, b in zip(parts, parts[1:])])  # leave the cut itself out
    print(f"\n{'':18s} " + " ".join(f"{n + ' step':>11s} {n + ' warp':>11s}" for n in names + ["all"]))
    print(f"{'input':18s} " + " ".join(f"{in_steps[(trans_parts == n) & same_part].mean():11.2f} {'':>11s}"
                                        for n in names) + f" {in_steps[same_part].mean():11.2f}")
    measures = {label: consistency(frames, outs) for label, (outs, _) in variants.items()}
    for label, m in measures.items():
        steps, warps = m["step"], m["warp"]
        cells = [f"{steps[(trans_parts == n) & same_part].mean():11.2f} "
                 f"{np.nanmean(warps[(trans_parts == n) & same_part]):11.2f}" for n in names]
        cells.append(f"{steps[same_part].mean():11.2f} {np.nanmean(warps[same_part]):11.2f}")
        print(f"{label:18s} " + " ".join(cells))
    share = np.nanmean(next(iter(measures.values()))["static_share"][same_part])
    print(f"\nmeasures that do not use DIS flow (the reducer's own algorithm), all frames:")
    print(f"{'':18s} {'Farneback warp':>15s} {'static error':>13s}  (static: {100 * share:.0f}% of pixels, "
          f"input change < {STATIC_LEVEL:g} grey levels)")
    for label, m in measures.items():
        print(f"{label:18s} {np.nanmean(m['warp_fb'][same_part]):15.2f} {np.nanmean(m['static'][same_part]):13.2f}")
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
