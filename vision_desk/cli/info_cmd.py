"""`vision-desk info`: versions, execution providers (and why one is not usable), model status."""
from __future__ import annotations

import argparse
import platform
import sys
from typing import Any

from vision_desk import __version__, model_store, runtime


def add_parser(sub: Any, parents: list[argparse.ArgumentParser]) -> None:
    sub.add_parser("info", parents=parents, help="show versions, devices and model status",
                   description="Print the versions of Python, Qt, OpenCV and onnxruntime, the execution "
                               "providers this onnxruntime offers and which ones really work here (with "
                               "the reason for any that do not), the provider vision_desk will use, and "
                               "each model file's status.")


def run(args: argparse.Namespace, config: runtime.RuntimeConfig) -> int:
    import cv2
    import numpy as np
    import onnxruntime as ort

    try:
        from vision_desk.gui.qt_compat import qt_versions  # (Qt is imported in vision_desk.gui only)

        qt = qt_versions()
    except ImportError as exc:  # the CLI still works without Qt
        qt = f"not available ({exc})"
    print(f"vision_desk  {__version__}")
    print(f"Python       {sys.version.split()[0]} ({platform.platform()})")
    print(f"Qt           {qt}")
    print(f"OpenCV       {cv2.__version__}")
    print(f"onnxruntime  {ort.__version__} ({'GPU build' if 'CUDAExecutionProvider' in ort.get_available_providers() else 'CPU build'})")
    print(f"numpy        {np.__version__}")
    print()
    print("execution providers:")
    cuda = runtime.cuda_status()
    for prov in ort.get_available_providers():
        if prov == runtime.CUDA:
            state = "usable" if cuda.usable else f"not usable: {cuda.reason}"
        elif prov == runtime.CPU:
            state = "usable"
        else:
            state = "not used by vision_desk"
        print(f"  {prov:<28} {state}")
    if runtime.CUDA not in ort.get_available_providers():
        print(f"  {'CUDAExecutionProvider':<28} not usable: {cuda.reason}")
    print(f"in use       {runtime.describe_device(config)}  (--device {config.device})")
    live = config.for_live()
    if live.intra_threads != config.intra_threads:  # a camera's sessions use every core: auto times them apart
        print(f"  (camera)   {runtime.describe_device(live)}")
    print()
    print(f"models ({model_store.models_dir()}):")
    for s in model_store.verify_all(hash_files=False):
        print(f"  {s.entry.id:<36} {s.state}")
    print(f"  {'faces-haar (OpenCV ' + cv2.__version__ + ')':<36} {'present' if hasattr(cv2, 'CascadeClassifier') else 'missing'}")
    return 0
