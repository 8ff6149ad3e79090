"""Pictures: a pixel limit read from the header before decoding, a folder run that goes on, multi-frame files."""
from __future__ import annotations

import struct
import subprocess
import zlib
from pathlib import Path

import cv2
import numpy as np
import pytest
from media_makers import numbered_frame

from vision_desk.cli import main


def huge_png(path: Path, width: int = 40000, height: int = 40000) -> Path:
    """A real, valid 1-bit PNG of width x height: a ~200 KB file that decodes to gigabytes.

    Its rows are all alike, so the zlib stream is one compressed block of rows repeated (each block
    ends with a full flush, which makes them independent), closed by hand: fast, and byte-exact.
    """
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    row = b"\0" * (1 + (width + 7) // 8)
    rows_per_block = 1000
    assert height % rows_per_block == 0
    block = row * rows_per_block
    z = zlib.compressobj(6)
    first = z.compress(block) + z.flush(zlib.Z_FULL_FLUSH)  # with the 2-byte zlib header
    again = z.compress(block) + z.flush(zlib.Z_FULL_FLUSH)
    adler = ((len(row) * height) % 65521) << 16 | 1  # Adler-32 of all-zero data: a = 1, b = length
    body = first + again * (height // rows_per_block - 1) + b"\x03\x00" + struct.pack(">I", adler)
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", body) + chunk(b"IEND", b""))
    return path


@pytest.fixture(scope="module")
def big(tmp_path_factory) -> Path:
    return huge_png(tmp_path_factory.mktemp("huge") / "huge.png")


def run(capsys, *args: object) -> subprocess.CompletedProcess:
    capsys.readouterr()
    code = main([*map(str, args)])
    out, err = capsys.readouterr()
    return subprocess.CompletedProcess(args, code, out, err)


def test_a_huge_picture_is_refused_from_its_header_in_one_line(capsys, big, tmp_path):
    assert big.stat().st_size < 400_000
    r = run(capsys, "process", big, "-o", tmp_path / "out", "--no-progress")
    assert r.returncode == 2 and "Traceback" not in r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "40000x40000" in lines[0] and "--max-image-pixels" in lines[0], r.stderr


def test_the_limit_can_be_lowered_and_raised(capsys, tmp_path):
    pic = tmp_path / "photo.png"
    cv2.imwrite(str(pic), np.zeros((2000, 3000, 3), np.uint8))
    r = run(capsys, "process", pic, "--max-image-pixels", "1000000", "-o", tmp_path / "a", "--no-progress")
    assert r.returncode == 2 and "3000x2000" in r.stderr and "--max-image-pixels 6000000" in r.stderr
    r = run(capsys, "process", pic, "--max-image-pixels", "6000000", "-o", tmp_path / "b", "--no-progress")
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "b" / "photo.png").exists()


def test_in_a_folder_run_a_bad_picture_is_a_warning_and_the_run_goes_on(capsys, big, tmp_path):
    pics = tmp_path / "pics"
    pics.mkdir()
    cv2.imwrite(str(pics / "a1.png"), numbered_frame(1))
    (pics / "a2.png").write_bytes(big.read_bytes())
    cv2.imwrite(str(pics / "a3.png"), numbered_frame(3))
    (pics / "a4.jpg").write_bytes(b"not a picture at all")
    r = run(capsys, "process", pics, "-o", tmp_path / "out", "--no-progress")
    assert r.returncode == 0, r.stderr
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["a1.png", "a3.png"]
    assert "warning: skipped a2.png" in r.stderr and "40000x40000" in r.stderr and "a4.jpg" in r.stderr


def test_a_huge_style_image_is_refused_in_one_line(capsys, big, tmp_path):
    r = run(capsys, "process", "sample", "-p", "style", "--style-style-image", big, "--max-frames", "1",
            "--no-progress")
    assert r.returncode == 2 and "Traceback" not in r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "40000x40000" in lines[0], r.stderr


def test_an_animated_gif_says_once_that_only_its_first_frame_is_processed(capsys, tmp_path):
    from PIL import Image

    frames = [Image.fromarray(numbered_frame(i)[:, :, ::-1]) for i in range(3)]
    gif = tmp_path / "anim.gif"
    frames[0].save(gif, save_all=True, append_images=frames[1:], duration=100, loop=0)
    r = run(capsys, "process", gif, "-o", tmp_path / "out", "--no-progress")
    assert r.returncode == 0, r.stderr
    assert r.stderr.count("anim.gif has 3 frames") == 1 and "only the first" in r.stderr
