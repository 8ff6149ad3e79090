#!/usr/bin/env python3
"""The GPU path, measured: one command for a machine with an NVIDIA GPU.

    pip install -e '.[cuda,test]' && python benchmarks/bench_gpu.py            # on the GPU machine
    python benchmarks/bench_gpu.py --device cpu --frames 3 --long-frames 20   # the same script on a CPU (tests)

What it prints, as Markdown tables ready for docs/PERFORMANCE.md:

1. ``vision-desk info`` (versions, providers, why CUDA is or is not used);
2. each processor (and pose with MoveNet) per frame at 640x480 and 1920x1080: the bare model call
   (``Processor.core_call``) and the whole ``process()``, medians;
3. all four processors at once in the pipeline (lossless, frames in flight) on
   the sample clip: frames/s and median latency;
4. ``process`` throughput on a long clip (the sample clip looped to
   ``--long-frames`` frames, objects + pose, H.264 output);
5. FP16 (``--fp16``; needs the ``onnx`` package): objects and pose converted
   with onnxruntime's float16 converter, bare-call time against FP32 and the
   same accuracy gates as INT8 (tools/precision_gates.py) on frames never used
   for calibration. FP16 is worth shipping only where it is faster and passes.

``--device cuda`` (the default) fails with a one-line reason where CUDA cannot run.
Nothing here is GPU-specific but the device: the CPU run proves the script.
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "tools"))

from bench_processors import median_ms  # noqa: E402
from precision_gates import check_indices, clip_frames, compare_objects, compare_pose  # noqa: E402

from vision_desk import registry, runtime  # noqa: E402
from vision_desk.errors import VisionDeskError  # noqa: E402

NAMES = ("faces", "objects", "pose", "style")
# Per frame: each processor, and pose with MoveNet too (label, processor, settings).
PER_FRAME = (*((n, n, {}) for n in NAMES), ("pose (MoveNet)", "pose", {"model": "movenet"}))
SIZES = ((640, 480), (1920, 1080))


def info(device: str) -> None:
    print("## vision-desk info\n\n```")
    out = subprocess.run([sys.executable, "-m", "vision_desk", "info", "--device", device],
                         capture_output=True, text=True, timeout=300)
    print((out.stdout + out.stderr).strip())
    print("```\n")


def per_frame(cfg: runtime.RuntimeConfig, frames: int, warmup: int = 2) -> None:
    clip = clip_frames(range(0, 400, 400 // max(1, frames)))[:frames]
    print("## Per frame (median ms)\n")
    print("| processor | size | bare model | process() | provider |")
    print("|---|---|---|---|---|")
    for label, name, settings in PER_FRAME:
        proc = registry.create(name, **settings)
        proc.runtime_config = cfg
        proc.load()
        for w, h in SIZES:
            imgs = [cv2.resize(f, (w, h), interpolation=cv2.INTER_LINEAR) for f in clip]
            for _ in range(warmup):  # warm-up: CUDA allocates and tunes on the first calls of a shape
                proc.process(imgs[0])
            bare, whole = [], []
            for f in imgs:
                core = proc.core_call(f)
                bare.append(median_ms(core, 1))
                whole.append(median_ms(lambda: proc.process(f), 1))
            print(f"| {label} | {w}x{h} | {statistics.median(bare):.1f} | {statistics.median(whole):.1f} | "
                  f"{proc.provider}{', ' + proc.precision if proc.precision else ''} |")
        proc.close()
    print()


def _pipeline_run(cfg: runtime.RuntimeConfig, names: list[str], max_frames: int,
                  output: Path | None = None) -> tuple[float, float, int]:
    from vision_desk.pipeline.pipeline import Mode, Pipeline
    from vision_desk.sources import open_source

    sinks = []
    if output is not None:
        from vision_desk.pipeline.sinks import VideoSink

        sinks.append(VideoSink(output))
    lat: list[float] = []
    lock = threading.Lock()

    def on_result(r) -> None:  # noqa: ANN001
        with lock:
            lat.append(r.stats.latency_ms)

    pipe = Pipeline(open_source("sample"), names, mode=Mode.LOSSLESS, loop=True, max_frames=max_frames,
                    sinks=sinks, on_result=on_result, runtime_config=cfg)
    t0 = time.perf_counter()
    pipe.start()
    while not pipe.wait(0.5):
        if pipe.error:
            break
    pipe.stop()
    if pipe.error:
        raise SystemExit(f"bench_gpu: pipeline failed: {pipe.error}")
    seconds = time.perf_counter() - t0  # includes model loading: reported as whole-run throughput
    summary = pipe.summary()
    fps = summary.output_fps or len(lat) / seconds
    return fps, statistics.median(lat) if lat else float("nan"), len(lat)


def all_four(cfg: runtime.RuntimeConfig, frames: int) -> None:
    fps, lat, n = _pipeline_run(cfg, list(NAMES), frames)
    print("## All four processors at once (sample clip 640x360, lossless, frames in flight)\n")
    print("| frames | frames/s | median latency |\n|---|---|---|")
    print(f"| {n} | {fps:.1f} | {lat:.0f} ms |\n")


def long_clip(cfg: runtime.RuntimeConfig, frames: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        fps, lat, n = _pipeline_run(cfg, ["objects", "pose"], frames, Path(tmp) / "out.mp4")
    print(f"## `process` throughput, long clip (sample clip looped to {frames} frames; objects + pose; H.264 out)\n")
    print("| frames | frames/s | median latency |\n|---|---|---|")
    print(f"| {n} | {fps:.1f} | {lat:.0f} ms |\n")


def fp16(cfg: runtime.RuntimeConfig, frames: int) -> None:
    try:
        import onnx
        from onnxruntime.transformers.float16 import convert_float_to_float16
    except ImportError as exc:
        print(f"## FP16\n\nskipped: {exc} (pip install onnx)\n")
        return
    import onnxruntime as ort

    from vision_desk import model_store

    check = clip_frames(check_indices())[:frames]
    print("## FP16 against FP32 (bare model, median ms; accuracy gates of tools/precision_gates.py)\n")
    print("| processor | FP32 | FP16 | gate |\n|---|---|---|---|")
    for name, model_id in (("objects", "objects-ssdlite-mobilenetv2-coco"), ("pose", "pose-openpose-mobilenet-thin")):
        ref = registry.create(name)
        ref.runtime_config = cfg
        ref.load()
        path, data = model_store.verified_bytes(model_id)
        half = convert_float_to_float16(onnx.load_from_string(data), keep_io_types=True)
        opts = ort.SessionOptions()
        providers = [runtime.CUDA, runtime.CPU] if ref.provider == "CUDA" else [runtime.CPU]
        sess = ort.InferenceSession(half.SerializeToString(), opts, providers=providers)
        cand = registry.create(name)
        cand.runtime_config = cfg
        cand.load()
        cand._session = runtime.ModelSession(model_id + "-fp16", sess, sess.get_providers()[0], path, "FP16")
        a = [ref.process(f) for f in check]
        b = [cand.process(f) for f in check]
        if name == "objects":
            rep = compare_objects(a, b)
        else:
            rep = compare_pose(a, b, [ref.prepare(f)[1].scale for f in check])
        t32 = statistics.median(median_ms(ref.core_call(f), 1) for f in check)
        t16 = statistics.median(median_ms(cand.core_call(f), 1) for f in check)
        print(f"| {name} | {t32:.1f} | {t16:.1f} | {'pass' if rep.passed else 'FAIL'}: {rep.line()} |")
    print()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--device", choices=("cuda", "cpu", "auto"), default="cuda")
    ap.add_argument("--precision", choices=runtime.PRECISIONS, default="fp32",
                    help="model precision (default fp32: onnxruntime's CUDA provider runs U8 QDQ models slowly)")
    ap.add_argument("--frames", type=int, default=30, help="frames per per-frame measure (default 30)")
    ap.add_argument("--live-frames", type=int, default=400, help="frames for the all-four run (default 400)")
    ap.add_argument("--long-frames", type=int, default=4000, help="frames of the long-clip run (default 4000)")
    ap.add_argument("--warmup", type=int, default=2, help="untimed calls per processor and size (default 2)")
    ap.add_argument("--fp16", action=argparse.BooleanOptionalAction, default=True)
    args = ap.parse_args()
    try:
        cfg = runtime.require_usable(runtime.RuntimeConfig(args.device, None, args.precision))
    except VisionDeskError as exc:
        raise SystemExit(f"bench_gpu: {exc}") from None
    print(f"# bench_gpu ({runtime.describe_device(cfg)})\n")
    for title, part in (("info", lambda: info(args.device)),
                        ("per frame", lambda: per_frame(cfg, args.frames, args.warmup)),
                        ("all four", lambda: all_four(cfg, args.live_frames)),
                        ("long clip", lambda: long_clip(cfg, args.long_frames)),
                        ("fp16", lambda: fp16(cfg, args.frames) if args.fp16 else None)):
        t0 = time.perf_counter()
        part()
        print(f"({title}: {time.perf_counter() - t0:.0f} s)", file=sys.stderr)
    if args.device != "cpu" and runtime.cuda_status().usable:
        np.set_printoptions(precision=3)
        print("GPU: " + subprocess.run(["nvidia-smi", "--query-gpu=name,driver_version,memory.total",
                                        "--format=csv,noheader"], capture_output=True, text=True).stdout.strip())


if __name__ == "__main__":
    main()
