"""File sources: the sample clip, video files, images in every odd format, folders, globs, and open_source()."""
from __future__ import annotations

import struct
from pathlib import Path

import cv2
import numpy as np
import pytest

from vision_desk.errors import SourceError
from vision_desk.sources import SAMPLE_CLIP, open_source
from vision_desk.sources import resources as res
from vision_desk.sources.images import natural_key
from vision_desk.sources.normalize import NEUTRAL_BACKGROUND, to_bgr8


def read_all(src) -> list:  # type: ignore[no-untyped-def]
    frames = []
    while (f := src.read()) is not None:
        frames.append(f)
    return frames


def assert_bgr8(img: np.ndarray) -> None:
    assert img.dtype == np.uint8 and img.ndim == 3 and img.shape[2] == 3 and img.flags.c_contiguous


# ---------------------------------------------------------------- sample clip and video files


def test_sample_clip_opens_reads_and_closes() -> None:
    assert SAMPLE_CLIP.is_file()
    with open_source("sample") as src:
        info = src.info
        assert (info.kind, info.fps, info.frame_count, info.width, info.height) == ("sample", 25.0, 400, 640, 360)
        assert not info.is_live and info.seekable
        frames = read_all(src)
        assert src.warnings == []
    assert [f.index for f in frames] == list(range(400))
    assert frames[1].pts_ms == pytest.approx(40.0) and frames[-1].pts_ms == pytest.approx(399 * 40.0)
    assert all(b.timestamp >= a.timestamp for a, b in zip(frames, frames[1:]))
    assert_bgr8(frames[0].image)
    assert frames[0].image.shape == (360, 640, 3)
    # Cuts between scenes: a photo clip, not a still.
    diffs = [float(np.abs(a.image.astype(np.int16) - b.image).mean()) for a, b in zip(frames, frames[1:])]
    assert sum(d > 40 for d in diffs) >= 4


def test_sample_clip_seeks_to_a_frame() -> None:
    with open_source("sample") as src:
        first_pass = read_all(src)
        src.seek(212)
        f = src.read()
    assert f.index == 212 and f.pts_ms == pytest.approx(212 * 40.0)
    # The decoded picture is the same one a straight read gave (lossy codec: allow tiny differences).
    assert float(np.abs(f.image.astype(np.int16) - first_pass[212].image).mean()) < 2.0


def test_seek_out_of_range_says_the_range() -> None:
    with open_source("sample") as src, pytest.raises(SourceError, match="400 frames"):
        src.seek(400)


def test_resources_found_in_wheel_layout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    wheel = tmp_path / "vision_desk" / "_resources"
    wheel.mkdir(parents=True)
    (wheel / "sample.mp4").write_bytes(b"x")
    monkeypatch.setattr(res, "_CANDIDATES", (tmp_path / "missing", wheel))
    assert res.resources_dir() == wheel


def test_missing_video_says_it_does_not_exist(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="does not exist"):
        open_source(str(tmp_path / "nope.mp4"))


def test_zero_byte_video(tmp_path: Path) -> None:
    p = tmp_path / "empty.mp4"
    p.write_bytes(b"")
    with pytest.raises(SourceError, match=r"empty \(0 bytes\)"):
        open_source(str(p)).open()


def test_text_file_named_mp4_is_not_a_video(tmp_path: Path) -> None:
    p = tmp_path / "notes.mp4"
    p.write_text("these are my notes, not a video\n" * 50)
    with pytest.raises(SourceError, match="not a video"):
        open_source(str(p)).open()


def _moov_end(data: bytes) -> int:
    pos = 0
    while pos + 8 <= len(data):
        size, kind = struct.unpack_from(">I4s", data, pos)
        if kind == b"moov":
            return pos + size
        pos += size
    raise AssertionError("no moov atom")


def test_video_with_no_decodable_frames(tmp_path: Path) -> None:
    data = SAMPLE_CLIP.read_bytes()
    p = tmp_path / "header_only.mp4"
    p.write_bytes(data[: _moov_end(data) + 16])  # the index survives, the pictures do not
    with pytest.raises(SourceError, match="no video frames"):
        open_source(str(p)).open()


def test_truncated_video_yields_good_frames_then_ends_with_a_warning(tmp_path: Path) -> None:
    data = SAMPLE_CLIP.read_bytes()
    p = tmp_path / "cut.mp4"
    p.write_bytes(data[: len(data) // 2])
    with open_source(str(p)) as src:
        assert src.info.frame_count == 400  # the header still promises everything
        frames = read_all(src)
        warnings = src.warnings
    assert 50 < len(frames) < 400
    assert [f.index for f in frames] == list(range(len(frames)))
    assert len(warnings) == 1 and f"after {len(frames)} of 400 frames" in warnings[0] and "truncated" in warnings[0]


# ---------------------------------------------------------------- images: odd formats


def _write(path: Path, img: np.ndarray) -> Path:
    ok, buf = cv2.imencode(path.suffix, img)
    assert ok
    buf.tofile(str(path))
    return path


def _one(path: Path, **options) -> np.ndarray:  # type: ignore[no-untyped-def]
    with open_source(str(path), **options) as src:
        assert src.info.kind == "image" and src.info.frame_count == 1 and not src.info.is_live
        frames = read_all(src)
    assert len(frames) == 1
    assert_bgr8(frames[0].image)
    return frames[0].image


def test_grayscale_png_becomes_three_equal_channels(tmp_path: Path, camera_man: np.ndarray) -> None:
    gray = cv2.cvtColor(camera_man, cv2.COLOR_BGR2GRAY)
    img = _one(_write(tmp_path / "gray.png", gray))
    assert img.shape == (512, 512, 3)
    assert np.array_equal(img[:, :, 0], gray) and np.array_equal(img[:, :, 2], gray)


def test_rgba_png_is_composited_on_neutral_grey(tmp_path: Path) -> None:
    bgra = np.zeros((10, 20, 4), np.uint8)
    bgra[:, :10] = (0, 0, 255, 255)  # opaque red
    bgra[:, 10:] = (255, 0, 0, 0)  # fully transparent blue
    img = _one(_write(tmp_path / "rgba.png", bgra))
    assert tuple(img[5, 2]) == (0, 0, 255)
    assert tuple(img[5, 15]) == NEUTRAL_BACKGROUND


def test_half_transparent_pixel_blends(tmp_path: Path) -> None:
    bgra = np.full((4, 4, 4), (255, 255, 255, 128), np.uint8)
    img = _one(_write(tmp_path / "half.png", bgra))
    assert abs(int(img[0, 0, 0]) - 192) <= 1  # 255 * 0.5 + 128 * 0.5


def test_16_bit_png_is_scaled_to_8_bit(tmp_path: Path) -> None:
    img16 = np.zeros((6, 6, 3), np.uint16)
    img16[:2] = 65535
    img16[2:4] = 32768
    img = _one(_write(tmp_path / "deep.png", img16))
    assert img[0, 0, 0] == 255 and img[2, 0, 0] == 128 and img[5, 0, 0] == 0


def test_cmyk_jpeg_reads_as_bgr(tmp_path: Path) -> None:
    Image = pytest.importorskip("PIL.Image", reason="Pillow (comes with scikit-image) makes the CMYK JPEG")
    p = tmp_path / "cmyk.jpg"
    Image.new("CMYK", (16, 12), (0, 255, 255, 0)).save(p, quality=95)  # pure red in CMYK
    assert Image.open(p).mode == "CMYK"
    b, g, r = (int(v) for v in _one(p)[6, 8])
    assert r > 200 and g < 60 and b < 60


def test_jpeg_exif_orientation_is_applied(tmp_path: Path) -> None:
    Image = pytest.importorskip("PIL.Image", reason="Pillow writes the EXIF orientation tag")
    p = tmp_path / "phone.jpg"
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90 CW to display": a portrait phone photo stored landscape
    Image.new("RGB", (40, 20), (10, 200, 10)).save(p, exif=exif)
    assert _one(p).shape == (40, 20, 3)


@pytest.mark.parametrize("shape", [(1, 1), (5, 7)])
def test_tiny_images_are_kept_as_they_are(tmp_path: Path, shape: tuple[int, int]) -> None:
    img = np.random.default_rng(0).integers(0, 255, size=(*shape, 3), dtype=np.uint8)
    assert np.array_equal(_one(_write(tmp_path / "tiny.png", img)), img)


def test_huge_image_kept_or_capped(tmp_path: Path) -> None:
    big = np.zeros((4000, 6000, 3), np.uint8)
    big[:, 3000:] = 200
    p = _write(tmp_path / "huge.jpg", big)
    assert _one(p).shape == (4000, 6000, 3)
    capped = _one(p, max_side=1500)
    assert capped.shape == (1000, 1500, 3) and capped[500, 1400, 0] > 190


def test_non_ascii_path(tmp_path: Path, chelsea: np.ndarray) -> None:
    folder = tmp_path / "фото ünï"
    folder.mkdir()
    assert np.array_equal(_one(_write(folder / "кошка.png", chelsea)), chelsea)


def test_damaged_image_says_so(tmp_path: Path) -> None:
    p = tmp_path / "broken.png"
    p.write_bytes(b"\x89PNG not really")
    with pytest.raises(SourceError, match="not an image OpenCV can decode"):
        open_source(str(p)).open()


def test_missing_image_file(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="image file .* does not exist"):
        open_source(str(tmp_path / "gone.png"))


def test_repeat_delivers_fresh_copies_with_rising_index(tmp_path: Path, coffee: np.ndarray) -> None:
    p = _write(tmp_path / "cup.png", coffee)
    with open_source(str(p), repeat=True, fps=200) as src:
        assert src.info.frame_count is None and src.info.fps == 200
        frames = [src.read() for _ in range(4)]
        assert src.current_file == p
    assert [f.index for f in frames] == [0, 1, 2, 3]
    frames[0].image[:] = 0  # a processor drawing in place must not change later frames
    assert np.array_equal(frames[1].image, coffee) and np.array_equal(frames[3].image, coffee)


def test_repeat_is_ignored_by_a_video(tmp_path: Path) -> None:
    src = open_source(str(SAMPLE_CLIP), repeat=True)
    with src:
        assert src.info.frame_count == 400


# ---------------------------------------------------------------- folders and globs


@pytest.fixture()
def photo_folder(tmp_path: Path, astronaut: np.ndarray, chelsea: np.ndarray, coffee: np.ndarray) -> Path:
    d = tmp_path / "shots"
    d.mkdir()
    _write(d / "img10.png", astronaut)
    _write(d / "img2.jpg", chelsea)
    _write(d / "IMG1.png", coffee)
    (d / "notes.txt").write_text("not an image")
    (d / ".DS_Store").write_bytes(b"\0")
    (d / "sub").mkdir()
    return d


def test_folder_natural_order_mixed_sizes_and_skipped_files(photo_folder: Path) -> None:
    with open_source(str(photo_folder)) as src:
        info = src.info
        frames = read_all(src)
        warnings = src.warnings
        files = [src.file_for(f.index).name for f in frames]
    assert info.kind == "folder" and info.frame_count == 3 and info.seekable
    assert files == ["IMG1.png", "img2.jpg", "img10.png"]
    assert [f.image.shape for f in frames] == [(400, 600, 3), (300, 451, 3), (512, 512, 3)]
    assert len(warnings) == 1 and "notes.txt" in warnings[0] and ".DS_Store" not in warnings[0]


def test_folder_skips_an_image_that_will_not_decode(photo_folder: Path) -> None:
    (photo_folder / "img3.png").write_bytes(b"garbage")
    with open_source(str(photo_folder)) as src:
        frames = read_all(src)
        warnings = src.warnings
    assert len(frames) == 3 and any("img3.png" in w for w in warnings)


def test_folder_seek(photo_folder: Path) -> None:
    with open_source(str(photo_folder)) as src:
        src.seek(2)
        f = src.read()
    assert f.index == 2 and f.image.shape == (512, 512, 3)


def test_glob_matches_only_its_pattern(photo_folder: Path) -> None:
    with open_source(str(photo_folder / "*.png")) as src:
        names = [src.file_for(f.index).name for f in read_all(src)]
    assert names == ["IMG1.png", "img10.png"]


def test_empty_folder_lists_the_extensions_looked_for(tmp_path: Path) -> None:
    (tmp_path / "readme.txt").write_text("hi")
    with pytest.raises(SourceError, match=r"no images in folder .*found only: readme.txt.*\.jpg.*\.png"):
        open_source(str(tmp_path))


def test_glob_with_no_match(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="no files match"):
        open_source(str(tmp_path / "*.jpg"))


def test_natural_key_orders_numbers_by_value() -> None:
    names = ["f10.png", "f2.png", "F1.png", "f1b.png"]
    assert sorted(names, key=natural_key) == ["F1.png", "f1b.png", "f2.png", "f10.png"]


# ---------------------------------------------------------------- normaliser edge cases


@pytest.mark.parametrize(
    ("arr", "expected"),
    [
        (np.array([[0.0, 0.5, 1.0]], np.float32), [0, 128, 255]),
        (np.array([[0, 300, 600]], np.int32), [0, 128, 255]),
        (np.array([[True, False, True]]), [255, 0, 255]),
        (np.full((1, 3, 2), (200, 255), np.uint8), [200, 200, 200]),  # gray + opaque alpha
    ],
)
def test_to_bgr8_odd_dtypes(arr: np.ndarray, expected: list[int]) -> None:
    out = to_bgr8(arr)
    assert_bgr8(out)
    assert out[0, :, 1].tolist() == expected


def test_to_bgr8_leaves_conforming_arrays_alone() -> None:
    img = np.zeros((4, 4, 3), np.uint8)
    assert to_bgr8(img) is img


# ---------------------------------------------------------------- open_source dispatch


@pytest.mark.parametrize("spec", ["", "   "])
def test_empty_spec_lists_accepted_forms(spec: str) -> None:
    with pytest.raises(SourceError, match=r"no source given.*camera index.*video file.*folder.*rtsp://.*sample"):
        open_source(spec)


def test_unknown_scheme_lists_accepted_forms() -> None:
    with pytest.raises(SourceError, match=r"foo:// is not a stream type.*rtsp://.*camera index"):
        open_source("foo://x")


def test_nonsense_word_lists_accepted_forms() -> None:
    with pytest.raises(SourceError, match=r"'banana' is not a file or folder that exists.*sample"):
        open_source("banana")


def test_unknown_option_is_refused() -> None:
    with pytest.raises(SourceError, match="unknown source option.*colour"):
        open_source("sample", colour="red")


def test_file_url_is_a_path() -> None:
    src = open_source("file://" + str(SAMPLE_CLIP))
    with src:
        assert src.info.frame_count == 400
