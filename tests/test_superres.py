"""superres: Real-ESRGAN x4 on real photos against bicubic, regions, the face hint, the CLI."""
from __future__ import annotations

import json

import cv2
import numpy as np
import pytest

from vision_desk.annotate.superres import SuperresAnnotator
from vision_desk.cli import main
from vision_desk.errors import SettingsError
from vision_desk.registry import annotator_for, create
from vision_desk.processors.superres import (SCALE, bicubic_x4, choose_region, gradient_energy, parse_region, psnr)
from vision_desk.results import Faces

# The GAN invents detail, so it scores a little below bicubic on PSNR. Measured on the astronaut's face
# (a 128x128 crop shrunk to 32x32 and enlarged back): GAN 25.2 dB, bicubic 26.4 dB. Allowed margin: 3 dB.
PSNR_MARGIN_DB = 3.0


@pytest.fixture(scope="module")
def sr():
    p = create("superres")
    p.load()
    yield p
    p.close()


def test_gan_output_is_4x_larger_sharper_than_bicubic_and_within_the_psnr_margin(sr, astronaut):
    crop = astronaut[20:276, 120:376]  # the astronaut's face and hair, 256 x 256
    truth = cv2.resize(crop, (128, 128), interpolation=cv2.INTER_AREA)  # what the test calls the real region
    small = cv2.resize(truth, (32, 32), interpolation=cv2.INTER_AREA)
    gan = sr.enlarge(small)
    bicubic = bicubic_x4(small)
    assert gan.shape == bicubic.shape == (128, 128, 3) == (small.shape[0] * SCALE, small.shape[1] * SCALE, 3)
    assert gradient_energy(gan) > 1.3 * gradient_energy(bicubic)
    assert psnr(gan, truth) > psnr(bicubic, truth) - PSNR_MARGIN_DB
    assert psnr(gan, truth) > 20.0  # the same picture, not noise


def test_check_mode_scores_both_against_the_real_region(sr, astronaut):
    sr.update_settings(mode="check", region="120,20,256,256")
    try:
        result = sr.process(astronaut)
    finally:
        sr.update_settings(mode="zoom", region="")
    assert result.reference is not None and result.reference.shape == result.gan.shape == (256, 256, 3)
    assert result.sharpness_gan > result.sharpness_bicubic
    assert result.psnr_bicubic - PSNR_MARGIN_DB < result.psnr_gan < result.psnr_bicubic + PSNR_MARGIN_DB
    record = result.to_json()
    assert record["region"] == [120, 20, 376, 276] and set(record["psnr_db"]) == {"gan", "bicubic"}
    json.dumps(record)


def test_zoom_mode_enlarges_the_centre_by_default(sr, coffee):
    result = sr.process(coffee)
    h, w = coffee.shape[:2]
    x1, y1, x2, y2 = result.region
    assert (x2 - x1, y2 - y1) == (128, 128) and abs((x1 + x2) / 2 - w / 2) <= 1 and abs((y1 + y2) / 2 - h / 2) <= 1
    assert result.gan.shape == (512, 512, 3) and result.reference is None and result.psnr_gan is None
    assert result.source == "centre" and "psnr_db" not in result.to_json()


def test_the_largest_face_is_followed_when_faces_ran_before(sr, astronaut):
    faces = Faces(np.array([[10, 10, 40, 40], [200, 60, 300, 180]], np.float32))
    result = sr.process(astronaut, {"faces": faces})
    x1, y1, x2, y2 = result.region
    assert result.source == "face" and x1 <= 250 <= x2 and y1 <= 120 <= y2
    assert sr.process(astronaut, {"faces": Faces.empty()}).source == "centre"


def test_regions_are_clipped_into_the_frame_and_bad_ones_refused():
    s = create("superres", region="600,400,300,300").settings
    (x1, y1, x2, y2), source = choose_region(640, 480, s, None)
    assert source == "region" and 0 <= x1 < x2 <= 640 and 0 <= y1 < y2 <= 480 and x2 - x1 >= 16
    small = create("superres", size=256).settings
    assert choose_region(100, 80, small, None)[0] == (10, 0, 90, 80)  # a region larger than the frame shrinks
    assert parse_region(" ") is None
    for bad in ("1,2,3", "a,b,c,d", "0,0,4,4", "-5,0,64,64"):
        with pytest.raises(SettingsError, match="superres.region"):
            create("superres", region=bad)


def test_the_view_fills_the_frame_with_the_comparison(sr, astronaut):
    assert isinstance(annotator_for("superres"), SuperresAnnotator)
    for mode in ("zoom", "check"):
        sr.update_settings(mode=mode, size=64)
        try:
            result = sr.process(astronaut)
        finally:
            sr.update_settings(mode="zoom", size=128)
        drawn = SuperresAnnotator().annotate(astronaut.copy(), result)
        assert drawn.shape == astronaut.shape
        assert np.mean(np.all(drawn == (20, 20, 20), axis=2)) > 0.1  # the dark sheet behind the panels


def test_process_cli_json_lines(tmp_path, capsys, coffee):
    picture = tmp_path / "coffee.png"
    cv2.imwrite(str(picture), coffee)
    log = tmp_path / "r.jsonl"
    code = main(["process", str(picture), "-p", "superres", "--superres-mode", "check", "--superres-size", "96",
                 "-o", str(tmp_path / "out"), "--json", str(log), "--no-progress"])
    assert code == 0, capsys.readouterr().err
    rec = json.loads(log.read_text().splitlines()[0])["superres"]
    assert rec["mode"] == "check" and rec["output_size"] == [96, 96] and rec["psnr_db"]["gan"] > 15
    assert main(["process", str(picture), "-p", "superres", "--superres-region", "1,2", "--no-progress"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "--superres-region" in err[0] and "x,y,width,height" in err[0]


@pytest.mark.parametrize("mode", ["zoom", "check"])
@pytest.mark.parametrize("shape", [(1, 1, 3), (3, 9, 3), (40, 2000, 3)])
def test_tiny_and_thin_frames_work(sr, mode, shape):
    sr.update_settings(mode=mode)
    try:
        image = np.random.default_rng(0).integers(0, 256, shape, dtype=np.uint8)
        result = sr.process(image)
    finally:
        sr.update_settings(mode="zoom")
    x1, y1, x2, y2 = result.region
    assert 0 <= x1 < x2 <= shape[1] and 0 <= y1 < y2 <= shape[0]
    assert SuperresAnnotator().annotate(image.copy(), result).shape == shape


def test_in_the_pipeline_the_region_follows_the_face_that_faces_found(tmp_path, capsys, astronaut):
    picture = tmp_path / "astronaut.png"
    cv2.imwrite(str(picture), astronaut)
    log = tmp_path / "r.jsonl"
    code = main(["process", str(picture), "-p", "superres,faces", "--superres-mode", "check",
                 "-o", str(tmp_path / "out"), "--json", str(log), "--no-progress"])
    assert code == 0, capsys.readouterr().err
    rec = json.loads(log.read_text().splitlines()[0])
    (fx1, fy1, fx2, fy2), (x1, y1, x2, y2) = rec["faces"][0]["box"], rec["superres"]["region"]
    assert rec["superres"]["source"] == "face"
    assert x1 <= (fx1 + fx2) / 2 <= x2 and y1 <= (fy1 + fy2) / 2 <= y2
