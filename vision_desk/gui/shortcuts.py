"""Every command of the window, its keys, and the help overlay that lists them.

Why one table: the menus, the tool bars, the keyboard and the help overlay
(F1 or ?) are all built from it, so the overlay can never disagree with what
the keys really do. Single-letter keys are safe beside the settings widgets:
a focused spin box or text field takes printable keys first (Qt's shortcut
override), so typing a number never toggles a processor.
"""
from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAction, QColor, QFont, QFontMetrics, QKeySequence, QPainter, QPaintEvent
from PySide6.QtWidgets import QWidget

from vision_desk.gui.i18n import translate


@dataclass(frozen=True)
class Command:
    name: str
    text: str
    keys: tuple[str, ...]
    tip: str
    checkable: bool = False
    group: str = ""
    short: str = ""  # tool bar label, when shorter than the menu text


COMMANDS: tuple[Command, ...] = (
    Command("camera", "Camera…", ("C",), "choose a camera", group="Sources"),
    Command("open_file", "Open file…", ("Ctrl+O",), "open a video or an image (or drop it on the window)",
            group="Sources", short="Open file"),
    Command("open_folder", "Open image folder…", ("Ctrl+Shift+O",), "play the pictures of a folder",
            group="Sources", short="Folder"),
    Command("open_url", "Open stream URL…", ("Ctrl+L",), "an rtsp:// or http:// stream",
            group="Sources", short="Stream"),
    Command("open_sample", "Sample clip", ("Ctrl+D",), "the short clip that ships with vision_desk",
            group="Sources", short="Sample"),
    Command("toggle_faces", "Faces", ("1",), "face detection on/off", True, "Processors"),
    Command("toggle_objects", "Objects", ("2",), "object detection on/off", True, "Processors"),
    Command("toggle_pose", "Pose", ("3",), "body pose on/off", True, "Processors"),
    Command("toggle_style", "Style transfer", ("4",), "style transfer on/off", True, "Processors"),
    Command("toggle_cnn", "CNN layers", ("5",), "ImageNet classes and the feature maps inside the network on/off",
            True, "Processors", short="CNN"),
    Command("toggle_superres", "GAN super-resolution", ("6",), "a region enlarged x4 by a GAN, beside bicubic, on/off",
            True, "Processors", short="Super-res"),
    Command("toggle_digits", "Handwritten digits", ("7",), "digits read off paper, and the layers before and after "
            "pooling, on/off", True, "Processors", short="Digits"),
    Command("toggle_segment", "Person segmentation", ("8",), "which pixels are a person: mask, cut-out, blurred "
            "or replaced background, on/off", True, "Processors", short="Segment"),
    Command("toggle_teach", "Teach a class", ("9",), "new classes from a few examples (image embeddings) on/off",
            True, "Processors", short="Teach"),
    Command("prev_style", "Previous style", ("[",), "the style before this one", group="Processors"),
    Command("next_style", "Next style", ("]",), "the next of the 26 styles", group="Processors"),
    Command("style_image", "Style from image…", ("Ctrl+I",), "any picture as the style", group="Processors"),
    Command("haar_windows", "Haar raw windows", ("W",), "faces: show every raw candidate window (teaching view)",
            True, "Teaching"),
    Command("pose_maps", "Pose heatmaps", ("V",), "pose: show what the network sees (heatmap / limb field)",
            True, "Teaching"),
    Command("prev_layer", "Earlier CNN layer", ("PgUp",), "cnn: one layer back towards the stem (edges, textures)",
            group="Teaching"),
    Command("next_layer", "Later CNN layer", ("PgDown",), "cnn: one layer on towards the head (parts of objects)",
            group="Teaching"),
    Command("cnn_view", "CNN view", ("N",), "cnn: feature maps, then where it looks, then the classes only",
            group="Teaching"),
    Command("superres_mode", "Super-res zoom / check", ("Z",),
            "superres: enlarge the region, or shrink it and enlarge it back to score it (PSNR)", group="Teaching"),
    Command("next_digit", "Next digit", ("D",), "digits: open up the next digit of the page in the layers view",
            group="Teaching"),
    Command("segment_view", "Segmentation view", ("G",), "segment: mask, then cut-out, blurred, replaced background",
            group="Teaching"),
    *(Command(f"teach_add_{n}", f"Add to class {n}", (f"Ctrl+{n}",),
              f"teach: the frame (or the dragged region) becomes an example of class {n}", group="Teaching")
      for n in range(1, 6)),
    Command("teach_name", "Name a class…", ("Ctrl+E",), "teach: give class 1, 2, ... a name", group="Teaching"),
    Command("teach_clear", "Clear the classes…", ("Ctrl+Shift+E",), "teach: remove every example picture",
            group="Teaching"),
    Command("side_by_side", "Original beside processed", ("B",), "before / after side by side", True,
            "Teaching", short="Side by side"),
    Command("play_pause", "Play / pause", ("Space",), "files: pause or resume", group="Playback",
            short="Play/Pause"),
    Command("step", "Step one frame", (".",), "files: pause and show the next frame",
            group="Playback", short="Step"),
    Command("restart", "Back to the start", ("Home",), "files: seek to the first frame", group="Playback",
            short="Restart"),
    Command("loop", "Loop", ("L",), "files: start again at the end", True, "Playback"),
    Command("realtime", "Real-time playback (skips frames)", ("T",),
            "files: at their own speed, skipping the frames the processors cannot keep up with "
            "(off: every frame, as fast as the processors go)", True, "Playback", short="Real-time"),
    Command("record", "Record", ("R",), "record the processed video (mp4) and the results (JSON lines)", True,
            "Output"),
    Command("snapshot", "Snapshot", ("S",), "save the frame on screen as PNG, with and without overlays",
            group="Output"),
    Command("output_dir", "Output folder…", ("Ctrl+Shift+S",), "where recordings and snapshots go",
            group="Output"),
    Command("hud", "HUD on video", ("H",), "frame rate, stage times and device drawn on the video", True,
            "View", short="HUD"),
    Command("mirror", "Mirror", ("M",), "selfie view: flip the picture left-right", True, "View"),
    Command("presenter", "Presenter mode", ("F11", "F"), "full screen, large text (Esc leaves)", True,
            "View", short="Presenter"),
    Command("help", "Keyboard shortcuts", ("F1", "?"), "this list", group="Help", short="Help"),
    Command("quit", "Quit", ("Ctrl+Q",), "close vision_desk", group="Help"),
)

COMMANDS_BY_NAME = {c.name: c for c in COMMANDS}


def make_actions(parent: QWidget) -> dict[str, QAction]:
    """One QAction per command, with its keys, added to ``parent`` so they work anywhere in the window."""
    actions: dict[str, QAction] = {}
    for cmd in COMMANDS:
        text, tip = translate("Commands", cmd.text), translate("Commands", cmd.tip)
        act = QAction(text, parent)
        act.setObjectName(f"action_{cmd.name}")
        act.setShortcuts([QKeySequence(k) for k in cmd.keys])
        act.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        act.setCheckable(cmd.checkable)
        if cmd.short:
            act.setIconText(translate("Commands", cmd.short))
        keys = " / ".join(cmd.keys)
        act.setToolTip(f"{text} ({keys}): {tip}")
        act.setStatusTip(tip)
        parent.addAction(act)
        actions[cmd.name] = act
    return actions


def shortcut_rows() -> list[tuple[str, str, str]]:
    """(group, keys, what) rows, for the overlay and the README table."""
    rows = [(c.group, " / ".join(c.keys), f"{c.text}: {c.tip}") for c in COMMANDS]
    rows.append(("View", "Esc", "leave presenter mode / close this list"))
    return rows


def _overlay_entries() -> list[tuple[str, str]]:
    """("", heading) or (keys, short text): what the overlay shows, grouped (in the window's language)."""
    out: list[tuple[str, str]] = []
    group = None
    for c in COMMANDS:
        if c.group != group:
            group = c.group
            out.append(("", translate("Commands", group)))
        out.append((" / ".join(c.keys), translate("Commands", c.text).rstrip("…")))
        if c.name == "presenter":
            out.append(("Esc", translate("Commands", "Leave presenter mode")))
    return out


class HelpOverlay(QWidget):
    """A translucent sheet over the whole window listing every shortcut; any key or click closes it."""

    MARGIN = 28

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("help_overlay")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.hide()
        parent.installEventFilter(self)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802
        if obj is self.parent() and event.type() == QEvent.Type.Resize:
            self.setGeometry(self.parentWidget().rect())
        return False

    def toggle(self) -> None:
        self.setVisible(not self.isVisible())

    def showEvent(self, event: QEvent) -> None:  # noqa: N802
        self.setGeometry(self.parentWidget().rect())
        self.raise_()
        self.setFocus()

    def keyPressEvent(self, event: QEvent) -> None:  # noqa: N802
        self.hide()

    def mousePressEvent(self, event: QEvent) -> None:  # noqa: N802
        self.hide()

    def layout_for(self, width: int, height: int) -> tuple[float, int]:
        """The largest font (points) and the column count at which every entry fits, none cut off."""
        entries = _overlay_entries()
        font = QFont(self.font())
        for size in (22, 20, 18, 16, 15, 14, 13, 12, 11, 10, 9, 8):
            font.setPointSizeF(size)
            fm = QFontMetrics(font)
            key_w = max(fm.horizontalAdvance(k) for k, _ in entries) + fm.horizontalAdvance("  ")
            text_w = max(fm.horizontalAdvance(t) for _, t in entries)
            col_w = key_w + text_w + fm.horizontalAdvance("    ")
            for cols in (3, 2, 1):
                rows = -(-len(entries) // cols)
                title_h = fm.height() * 2.6
                fits_w = cols * col_w <= width - 2 * self.MARGIN
                if fits_w and title_h + rows * fm.height() * 1.3 <= height - self.MARGIN:
                    return float(size), cols
        return 8.0, 1

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        p = QPainter(self)
        p.fillRect(self.rect(), QColor(0, 0, 0, 220))
        size, cols = self.layout_for(self.width(), self.height())
        entries = _overlay_entries()
        base = QFont(self.font())
        base.setPointSizeF(size)
        fm = QFontMetrics(base)
        title = QFont(base)
        title.setPointSizeF(size * 1.2)
        title.setBold(True)
        p.setFont(title)
        p.setPen(QColor(255, 255, 255))
        p.drawText(self.MARGIN, self.MARGIN + fm.ascent(),
                   translate("Commands", "Keyboard shortcuts (any key closes this list)"))
        heading = QFont(base)
        heading.setBold(True)
        key_w = max(fm.horizontalAdvance(k) for k, _ in entries) + fm.horizontalAdvance("  ")
        col_w = (self.width() - 2 * self.MARGIN) // cols
        rows = -(-len(entries) // cols)
        line = fm.height() * 1.3
        top = self.MARGIN + fm.height() * 2.6
        for i, (keys, text) in enumerate(entries):
            col, row = divmod(i, rows)
            x = self.MARGIN + col * col_w
            y = int(top + row * line)
            if not keys:  # a group heading
                p.setFont(heading)
                p.setPen(QColor(144, 202, 249))
                p.drawText(x, y, text)
                p.setFont(base)
                continue
            p.setFont(base)
            p.setPen(QColor(255, 213, 79))
            p.drawText(x, y, keys)
            p.setPen(QColor(240, 240, 240))
            p.drawText(x + key_w, y, text)
        p.end()
