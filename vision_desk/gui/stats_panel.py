"""What each processor finds and what it costs: rates, per-stage times, drops, latency, device.

The per-stage times are drawn as bars so a class can see at a glance that,
say, pose costs five times what faces does. The panel is refreshed a few times
a second from the newest result, never per frame.
"""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPaintEvent
from PySide6.QtWidgets import QComboBox, QFormLayout, QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

PRECISION_CHOICES = (
    ("auto", "auto", "INT8 models on CPUs with 8-bit dot-product instructions (VNNI/AMX), FP32 otherwise and "
                     "on the GPU"),
    ("fp32", "FP32", "the original 32-bit float models"),
    ("int8", "INT8", "the 8-bit models where one is shipped (objects); faster on CPUs with VNNI/AMX, within "
                     "the accuracy gates of tests/test_precision.py"),
)

STAGE_COLOURS = {
    "read": QColor(120, 144, 156), "faces": QColor(67, 160, 71), "objects": QColor(30, 136, 229),
    "pose": QColor(251, 140, 0), "style": QColor(142, 36, 170), "draw": QColor(0, 172, 193),
    "write": QColor(109, 76, 65),
}
_DEFAULT_COLOUR = QColor(96, 125, 139)


def summarize_results(results: dict[str, Any]) -> str:
    """A short line of what was found on this frame: '2 faces · person, cup · 1 person (pose)'."""
    parts = []
    faces = results.get("faces")
    if faces is not None:
        parts.append(f"{len(faces)} face{'s' if len(faces) != 1 else ''}")
    objects = results.get("objects")
    if objects is not None:
        labels = list(dict.fromkeys(getattr(objects, "labels", [])))
        parts.append(", ".join(labels[:4]) + ("…" if len(labels) > 4 else "") if labels else "no objects")
    poses = results.get("pose")
    if poses is not None:
        parts.append(f"{len(poses)} {'person' if len(poses) == 1 else 'people'} (pose)")
    style = results.get("style")
    if style is not None and getattr(style, "style", ""):
        parts.append(f"style: {style.style}")
    return " · ".join(parts)


class StageBars(QWidget):
    """Horizontal bars: one per pipeline stage, length proportional to its median milliseconds."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._stages: list[tuple[str, float]] = []
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)

    def set_stages(self, stages: dict[str, float]) -> None:
        self._stages = [(k, float(v)) for k, v in stages.items()]
        self.updateGeometry()
        self.update()

    def stages(self) -> list[tuple[str, float]]:
        return list(self._stages)

    def _row_height(self) -> int:
        return self.fontMetrics().height() + 6

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(260, max(1, len(self._stages)) * self._row_height() + 4)

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return self.sizeHint()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        p = QPainter(self)
        fm = self.fontMetrics()
        row = self._row_height()
        name_w = max([fm.horizontalAdvance(n) for n, _ in self._stages] + [fm.horizontalAdvance("objects")]) + 8
        value_w = fm.horizontalAdvance("8888.8 ms") + 6
        bar_w = max(10, self.width() - name_w - value_w)
        top = max((ms for _, ms in self._stages), default=1.0) or 1.0
        for i, (name, ms) in enumerate(self._stages):
            y = i * row + 2
            p.setPen(self.palette().windowText().color())
            p.drawText(QRectF(0, y, name_w, row), Qt.AlignmentFlag.AlignVCenter, name)
            length = bar_w * ms / top
            p.fillRect(QRectF(name_w, y + 3, max(1.0, length), row - 6), STAGE_COLOURS.get(name, _DEFAULT_COLOUR))
            p.drawText(QRectF(name_w + bar_w, y, value_w, row),
                       Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight, f"{ms:.1f} ms")
        p.end()


class StatsPanel(QWidget):
    """Rates, latency, drops and the device line; ``update_stats`` is called a few times a second."""

    precisionChosen = Signal(str)  # noqa: N815 (Qt naming)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        form = QFormLayout()
        self.labels: dict[str, QLabel] = {}
        for key, title, tip in (
            ("capture", "Capture", "frames per second arriving from the source"),
            ("processed", "Processed", "frames per second through all the active processors"),
            ("display", "Display", "new frames per second painted in the window"),
            ("latency", "Latency", "capture to result ready: this frame (median of the last ones)"),
            ("dropped", "Dropped", "frames the camera produced while the processors were busy (live sources "
                                   "keep only the newest frame, so the picture stays current)"),
            ("frames", "Frames", "frames processed since the source was opened"),
            ("found", "Found", "what the processors found on the frame on screen"),
        ):
            label = QLabel("–")
            label.setObjectName(f"stat_{key}")
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            label.setWordWrap(key == "found")
            title_label = QLabel(title)
            title_label.setToolTip(tip)
            label.setToolTip(tip)
            form.addRow(title_label, label)
            self.labels[key] = label
        layout.addLayout(form)
        stages_title = QLabel("<b>Time per stage</b> (median, ms)")
        layout.addWidget(stages_title)
        self.bars = StageBars()
        layout.addWidget(self.bars)
        self.device = QLabel("Device: checking…")
        self.device.setObjectName("stat_device")
        self.device.setWordWrap(True)
        self.device.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.device)
        row = QHBoxLayout()
        row.addWidget(QLabel("Precision"))
        self.precision = QComboBox()
        self.precision.setObjectName("precision_choice")
        for value, text, tip in PRECISION_CHOICES:
            self.precision.addItem(text, value)
            self.precision.setItemData(self.precision.count() - 1, tip, Qt.ItemDataRole.ToolTipRole)
        self.precision.setToolTip("model precision; changing it reloads the models")
        self.precision.activated.connect(lambda i: self.precisionChosen.emit(self.precision.itemData(i)))
        row.addWidget(self.precision)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addStretch(1)

    def set_precision(self, value: str) -> None:
        """Show ``value`` as chosen (without emitting precisionChosen)."""
        index = self.precision.findData(value)
        if index >= 0:
            self.precision.setCurrentIndex(index)

    def set_device(self, text: str) -> None:
        self.device.setText(f"<b>Execution provider:</b> {text}")

    def update_stats(self, stats: Any, display_fps: float, results: dict[str, Any] | None = None) -> None:
        lab = self.labels
        lab["capture"].setText(f"{stats.capture_fps:.1f} fps")
        lab["processed"].setText(f"{stats.processed_fps:.1f} fps")
        lab["display"].setText(f"{display_fps:.1f} fps")
        lab["latency"].setText(f"{stats.latency_ms:.0f} ms (median {stats.latency_p50_ms:.0f} ms)")
        lab["dropped"].setText(f"{stats.dropped}" + (f"  ·  errors {stats.errors}" if stats.errors else ""))
        lab["frames"].setText(str(stats.frames))
        lab["found"].setText(summarize_results(results or {}) or "–")
        self.bars.set_stages(stats.stage_median_ms or stats.stage_ms)

    def clear(self) -> None:
        for label in self.labels.values():
            label.setText("–")
        self.bars.set_stages({})
