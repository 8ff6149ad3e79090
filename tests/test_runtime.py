"""Where inference runs: auto uses CUDA where it really works, else the CPU and says why; cuda fails clearly.

These pass on a machine with a working CUDA as well as on one without: what is expected follows
``runtime.cuda_status()``, which really tries a session on CUDA.
"""
from __future__ import annotations

import subprocess
import sys

import pytest

from vision_desk import runtime
from vision_desk.cli import main
from vision_desk.errors import DeviceError

CUDA_WORKS = runtime.cuda_status().usable
needs_no_cuda = pytest.mark.skipif(CUDA_WORKS, reason="this machine has a working CUDA")


def test_auto_runs_on_cuda_where_it_works_else_on_cpu_and_reports_why() -> None:
    cfg = runtime.RuntimeConfig("auto")
    ms = runtime.create_session("style-multistyle26", config=cfg)
    line = runtime.describe_device(cfg)
    if CUDA_WORKS:
        assert ms.provider == runtime.CUDA and line == "CUDA"
        return
    assert ms.provider == runtime.CPU
    assert line.startswith("CPU") and "CUDA not used:" in line
    assert runtime.cuda_status().reason  # a reason, not silence
    assert "\n" not in runtime.cuda_status().reason


@pytest.mark.skipif(not CUDA_WORKS, reason="no working CUDA here")
def test_device_cuda_runs_on_cuda() -> None:
    assert runtime.create_session("style-multistyle26", config=runtime.RuntimeConfig("cuda")).provider == runtime.CUDA


@needs_no_cuda
def test_device_cuda_is_a_clear_error() -> None:
    with pytest.raises(DeviceError, match="CUDA cannot be used here"):
        runtime.create_session("style-multistyle26", config=runtime.RuntimeConfig("cuda"))


@needs_no_cuda
def test_cli_device_cuda_fails_with_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["info", "--device", "cuda"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("vision-desk: error: --device cuda") and err.count("\n") == 1


def test_unknown_device_and_bad_threads_are_errors() -> None:
    with pytest.raises(DeviceError, match="use one of: auto, cpu, cuda"):
        runtime.RuntimeConfig("tpu")
    with pytest.raises(DeviceError, match="threads must be between 1 and 256"):
        runtime.RuntimeConfig("cpu", 0)


def test_info_shows_provider_and_reason_without_library_noise() -> None:
    # A separate process, so the CUDA probe really runs and any noise it makes would reach stderr.
    proc = subprocess.run([sys.executable, "-m", "vision_desk", "info"], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    if CUDA_WORKS:
        assert "in use       CUDA" in proc.stdout
    else:
        assert "in use       CPU" in proc.stdout and "CUDA not used:" in proc.stdout
    assert "CUDAExecutionProvider" in proc.stdout
    assert "cannot open shared object" not in proc.stdout + proc.stderr
    assert proc.stderr == ""


def test_threads_default_leaves_a_core() -> None:
    assert 1 <= runtime.default_threads() <= 8
