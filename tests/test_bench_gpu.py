"""benchmarks/bench_gpu.py stays ready for a GPU machine: the same script, run here with --device cpu."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "benchmarks" / "bench_gpu.py"


@pytest.mark.slow
def test_bench_gpu_runs_on_the_cpu_on_a_few_frames() -> None:
    out = subprocess.run([sys.executable, str(SCRIPT), "--device", "cpu", "--frames", "1", "--live-frames", "8",
                          "--long-frames", "8", "--warmup", "0"], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    text = out.stdout
    assert "## vision-desk info" in text and "onnxruntime" in text
    for name in ("faces", "objects", "pose", "style", "pose (MoveNet)"):
        for size in ("640x480", "1920x1080"):
            assert f"| {name} | {size} |" in text
    assert "## All four processors at once" in text and "| 8 |" in text
    assert "## `process` throughput, long clip" in text
    assert "## FP16" in text  # measured where onnx is installed, else says why it was skipped


def test_bench_gpu_refuses_cuda_where_there_is_none_in_one_line() -> None:
    from vision_desk import runtime

    if runtime.cuda_status().usable:
        pytest.skip("this machine has a working CUDA")
    out = subprocess.run([sys.executable, str(SCRIPT), "--device", "cuda"], capture_output=True, text=True,
                         timeout=120)
    assert out.returncode != 0
    assert out.stderr.strip().startswith("bench_gpu: --device cuda: CUDA cannot be used here")
    assert len(out.stderr.strip().splitlines()) == 1
