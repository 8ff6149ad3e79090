"""What each processor finds and what it costs: rates, per-stage times, drops, latency, device.

The per-stage times are drawn as bars so a class can see at a glance that,
say, pose costs five times what faces does. The panel is refreshed a few times
a second from the newest result, never per frame.
"""
from __future__ import annotations

from dataclasses import dataclass
from collections.abc import Mapping
from typing import Any, Callable

from PySide6.QtCore import QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPaintEvent
from PySide6.QtWidgets import QComboBox, QFormLayout, QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from vision_desk import registry
from vision_desk.gui.i18n import translate
from vision_desk.i18n import style_name, translate_label, translate_message
from vision_desk.results import Result

# (value, shown text, tooltip); the texts are translated where the combo box is filled.
PRECISION_CHOICES = (
    ("auto", "auto", "INT8 models on CPUs with 8-bit dot-product instructions (VNNI/AMX), FP32 otherwise and "
                     "on the GPU"),
    ("fp32", "FP32", "the original 32-bit float models"),
    ("int8", "INT8", "the 8-bit models where one is shipped (objects); faster on CPUs with VNNI/AMX, within "
                     "the accuracy gates of tests/test_precision.py"),
)


STAGE_COLOURS = {
    "read": QColor(120, 144, 156), "draw": QColor(0, 172, 193), "write": QColor(109, 76, 65),
    **{s.name: QColor(*s.colour) for s in registry.PROCESSORS},
}
_DEFAULT_COLOUR = QColor(96, 125, 139)


class _WindowWords:
    """A result's summary in the window's language (the texts are in the "Stats" context of the .ts)."""

    def text(self, source: str) -> str:
        return translate("Stats", source)

    def label(self, name: str, domain: str | None = None) -> str:
        if domain == "style":  # "7: Woodcut", or a style picture's name
            return translate_message(style_name(name))
        return translate_label(name, domain=domain)


def summarize_results(results: Mapping[str, Result]) -> str:
    """A short line of what was found on this frame: '2 faces · person, cup · 1 person (pose)'.

    Each result says itself (:meth:`Result.summary`), in the processors' registry order."""
    order = {name: i for i, name in enumerate(registry.PROCESSOR_NAMES)}
    words = _WindowWords()
    parts = [results[name].summary(words) for name in sorted(results, key=lambda n: order.get(n, len(order)))]
    return " · ".join(p for p in parts if p)


FIXED_STAGES = ("read", "draw", "write")  # pipeline stages that are not processors


def shown_stages(medians: dict[str, float], ran: set[str], recording: bool) -> dict[str, float]:
    """The stages worth a bar: read and draw, the processors that ran on the frame on screen, and write
    only while recording. A processor switched off (or a recording stopped) keeps a median in the
    pipeline's statistics for a while; its bar must not stay beside the ones that really cost time now."""
    return {k: v for k, v in medians.items()
            if k in ("read", "draw") or k in ran or (k == "write" and recording)}


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
        name_w = max([fm.horizontalAdvance(stage_title(n)) for n, _ in self._stages]
                     + [fm.horizontalAdvance("objects")]) + 8
        value_w = fm.horizontalAdvance("8888.8 ms") + 6
        bar_w = max(10, self.width() - name_w - value_w)
        top = max((ms for _, ms in self._stages), default=1.0) or 1.0
        for i, (name, ms) in enumerate(self._stages):
            y = i * row + 2
            p.setPen(self.palette().windowText().color())
            p.drawText(QRectF(0, y, name_w, row), Qt.AlignmentFlag.AlignVCenter, stage_title(name))
            length = bar_w * ms / top
            p.fillRect(QRectF(name_w, y + 3, max(1.0, length), row - 6), STAGE_COLOURS.get(name, _DEFAULT_COLOUR))
            p.drawText(QRectF(name_w + bar_w, y, value_w, row),
                       Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight, f"{ms:.1f} ms")
        p.end()


def stage_title(name: str) -> str:
    """A stage's name in the window's language (processors by their menu name)."""
    return translate("Stats", name)


@dataclass(frozen=True)
class StatRow:
    """One row of the panel: its key (object name ``stat_<key>``), title and tooltip (English: translated when
    shown), and how its value is written from a :class:`PanelInput`. Another row is one more entry in
    :data:`STAT_ROWS` (e.g. a model precision), nothing else."""

    key: str
    title: str
    tip: str
    value: Callable[["PanelInput"], str]


@dataclass
class PanelInput:
    """What the rows are written from: the frame on screen's statistics and results, and the window's state."""

    stats: Any
    display_fps: float
    results: dict[str, Any]
    paused: bool = False
    recording: bool = False
    ended: bool = False  # the file played to its end (loop off): nothing flows, no rate is current


WARMING_FRAMES = 15  # before this many frames a rate is a start-up burst (45.9 fps for a 25 fps clip)


def _rate(value: float, i: PanelInput) -> str:
    if i.ended:
        return translate("Stats", "ended")
    if i.paused:
        return translate("Stats", "paused")
    if i.stats.frames < WARMING_FRAMES:
        return "…"
    return translate("Stats", "{v:.1f} fps").format(v=value)


def _latency(i: PanelInput) -> str:
    """This frame's latency and the median of the last ones; paused or ended, this frame's only (a re-run of
    the paused frame has no recent ones: "273 ms (median 0 ms)" said nothing)."""
    if i.paused or i.ended or not i.stats.latency_p50_ms:
        return translate("Stats", "{ms:.0f} ms").format(ms=i.stats.latency_ms)
    return translate("Stats", "{ms:.0f} ms (median {median:.0f} ms)").format(
        ms=i.stats.latency_ms, median=i.stats.latency_p50_ms)


def _dropped(i: PanelInput) -> str:
    text = str(i.stats.dropped)
    if i.stats.errors:
        text += "  ·  " + translate("Stats", "errors {n}").format(n=i.stats.errors)
    return text


STAT_ROWS: list[StatRow] = [
    StatRow("capture", "Capture", "frames per second arriving from the source",
            lambda i: _rate(i.stats.capture_fps, i)),
    StatRow("processed", "Processed", "frames per second through all the active processors",
            # (never above the capture rate: frames finishing in a bunch read as 28.3 > 21.4 for a moment)
            lambda i: _rate(min(i.stats.processed_fps, i.stats.capture_fps or i.stats.processed_fps), i)),
    StatRow("display", "Display", "new frames per second painted in the window",
            lambda i: _rate(i.display_fps, i)),
    StatRow("latency", "Latency", "capture to result ready: this frame (median of the last ones)",
            _latency),
    StatRow("dropped", "Dropped", "frames skipped because the processors were busy: live sources keep only the "
                                  "newest frame, real-time playback skips frames to keep the file's own clock",
            _dropped),
    StatRow("frames", "Frames", "frames processed since the source was opened", lambda i: str(i.stats.frames)),
    StatRow("found", "Found", "what the processors found on the frame on screen",
            lambda i: summarize_results(i.results) or "–"),
]


class StatsPanel(QWidget):
    """Rates, latency, drops and the device line; ``update_stats`` is called a few times a second and
    ``show_found`` with every frame painted (what was found must match the picture, not lag behind it)."""

    precisionChosen = Signal(str)  # noqa: N815 (Qt naming)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)  # narrow dock: values under titles
        self.labels: dict[str, QLabel] = {}
        for row in STAT_ROWS:
            label = QLabel("–")
            label.setObjectName(f"stat_{row.key}")
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            label.setWordWrap(True)
            title_label = QLabel(translate("Stats", row.title))
            tip = translate("Stats", row.tip)
            title_label.setToolTip(tip)
            label.setToolTip(tip)
            form.addRow(title_label, label)
            self.labels[row.key] = label
        layout.addLayout(form)
        stages_title = QLabel("<b>{}</b> {}".format(translate("Stats", "Time per stage"),
                                                    translate("Stats", "(median, ms)")))
        layout.addWidget(stages_title)
        self.bars = StageBars()
        layout.addWidget(self.bars)
        self.device = QLabel(translate("Stats", "Device: checking…"))
        self.device.setObjectName("stat_device")
        self.device.setWordWrap(True)
        self.device.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.device)
        row = QHBoxLayout()
        row.addWidget(QLabel(translate("Stats", "Precision")))
        self.precision = QComboBox()
        self.precision.setObjectName("precision_choice")
        for value, text, tip in PRECISION_CHOICES:
            self.precision.addItem(translate("Stats", text), value)
            self.precision.setItemData(self.precision.count() - 1, translate("Stats", tip), Qt.ItemDataRole.ToolTipRole)
        self.precision.setToolTip(translate("Stats", "model precision; changing it reloads the models"))
        self.precision.activated.connect(lambda i: self.precisionChosen.emit(self.precision.itemData(i)))
        row.addWidget(self.precision)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addStretch(1)

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        """Never shorter than the rows need: a dock squeezed below that drew the rows over each other (the
        word-wrapped values report a tiny minimum), and a class must read every row."""
        hint = super().minimumSizeHint()
        layout = self.layout()
        width = max(self.width(), hint.width())
        need = layout.heightForWidth(width) if layout.hasHeightForWidth() else layout.sizeHint().height()
        return QSize(hint.width(), max(hint.height(), need))

    def set_precision(self, value: str) -> None:
        """Show ``value`` as chosen (without emitting precisionChosen)."""
        index = self.precision.findData(value)
        if index >= 0:
            self.precision.setCurrentIndex(index)

    def set_device(self, text: str) -> None:
        # The line runtime.py makes (English on the command line) in the window's language.
        self.device.setText("<b>{}</b> {}".format(translate("Stats", "Execution provider:"), translate_message(text)))

    def update_stats(self, stats: Any, display_fps: float, results: dict[str, Any] | None = None, *,
                     paused: bool = False, recording: bool = False, errors: dict[str, Any] | None = None,
                     ended: bool = False) -> None:
        panel_input = PanelInput(stats, display_fps, results or {}, paused, recording, ended)
        for row in STAT_ROWS:
            if row.key in self.labels:
                self.labels[row.key].setText(row.value(panel_input))
        ran = set(results or {}) | {k.split(".")[0] for k in (errors or {})}
        self.bars.set_stages(shown_stages(stats.stage_median_ms or stats.stage_ms, ran, recording))

    def show_found(self, results: dict[str, Any]) -> None:
        """What the processors found on the frame just painted."""
        self.labels["found"].setText(summarize_results(results) or "–")

    def clear(self) -> None:
        for label in self.labels.values():
            label.setText("–")
        self.bars.set_stages({})
