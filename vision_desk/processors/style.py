"""Fast neural style transfer: 26 built-in styles, blends of them, or any picture as the style.

Two networks (see MODEL_SOURCES.md section 3):

- ``style-multistyle26``: one feed-forward net with conditional instance
  norm (Dumoulin et al. 2017); a 26-weight vector picks or blends the styles,
  so a blend costs the same as one style. Any size that is a multiple of 4.
- ``style-arbitrary-predict`` + ``style-arbitrary-transform`` (Ghiasi et al.
  2017): a 100-d vector summarises any picture's style (computed once per
  picture, kept in memory), the transform applies it at a fixed 384x384.

Sessions load lazily: the arbitrary pair only once a style picture is set. No
setting needs a reload. With flicker reduction on, frames depend on the
previous one, so the processor then asks to be fed in order.
"""
from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from vision_desk import runtime
from vision_desk.errors import SettingsError
from vision_desk.processors.base import TRANSFORM, Processor
from vision_desk.processors.settings import setting
from vision_desk.results import Stylized
from vision_desk.vision.temporal import FlickerReducer
from vision_desk.vision.tensors import pad_to, planes_to_bgr, to_nchw_rgb, to_nhwc_rgb

BUILTIN_MODEL = "style-multistyle26"
PREDICT_MODEL = "style-arbitrary-predict"
TRANSFORM_MODEL = "style-arbitrary-transform"
NUM_STYLES = 26
ARBITRARY_SIDE = 384  # the transform's fixed input size
STYLE_VECTOR_SIDE = 256  # the predictor's fixed input size
# The built-in net's first layer reflect-pads by 4, so a side of 4 (a 1x500 strip scaled to 512) fails
# inside onnxruntime; 8 is the smallest that runs. Thin strips are padded up to this and cropped back.
MIN_SIDE = 16
_VECTOR_NAME = "mobilenet_conv/Conv/BiasAdd"

# The source package gives the 26 styles no titles; these describe how each one looks
# (rendered on scikit-image's astronaut), so a user can find one again by name.
STYLE_NAMES = (
    "Pastel sketch", "Bold comic", "Ink outline", "Electric strokes", "Warm poster", "Impressionist",
    "Midnight blue", "Primary blocks", "Candy watercolour", "Tapestry", "Sepia oil", "Golden sketch",
    "Soft impressionist", "Acid green", "Ice wash", "Crayon mosaic", "Blue swirls", "Red bricks",
    "Sepia etching", "Blue hatching", "Crimson", "Pop outline", "Woodcut", "Muted oil",
    "Teal pencil", "Dotted mosaic",
)
assert len(STYLE_NAMES) == NUM_STYLES


def style_label(index: int) -> str:
    """What the user sees for a built-in style: its number (the value of the ``style`` setting) and name."""
    return f"{index}: {STYLE_NAMES[index]}"


MAX_BLEND_WEIGHT = 1000.0  # weights are relative; anything larger is a typo (1e39 once made an all-black video)


def parse_blend(text: str) -> np.ndarray | None:
    """``"3:0.5,12:0.5"`` -> 26 weights summing to 1 (``"3,12"`` means equal parts); ``""`` -> None."""
    text = (text or "").strip()
    if not text:
        return None
    weights = np.zeros(NUM_STYLES, np.float64)  # float64: a float32 sum of big weights overflowed to inf (nan)
    example = "e.g. '3:0.5,12:0.5' (style:weight, styles 0-25) or '3,12' for equal parts"
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        index_text, _, weight_text = part.partition(":")
        try:
            index = int(index_text)
            weight = float(weight_text) if weight_text.strip() else 1.0
        except ValueError:
            raise SettingsError(f"style.blend: cannot read {part!r}; {example}") from None
        if not 0 <= index < NUM_STYLES:
            raise SettingsError(f"style.blend: style {index} does not exist; valid styles: 0 to {NUM_STYLES - 1}")
        if not (np.isfinite(weight) and 0 <= weight <= MAX_BLEND_WEIGHT):
            raise SettingsError(f"style.blend: weight {weight_text.strip()!r} of style {index} must be a number "
                                f"from 0 to {MAX_BLEND_WEIGHT:g} (weights are relative: '3:1,12:3' = a quarter "
                                "and three quarters)")
        weights[index] += weight
    total = float(weights.sum())
    if not total > 0:
        raise SettingsError(f"style.blend: {text!r} gives no style a weight above 0; {example}")
    return (weights / total).astype(np.float32)


def _check_style_image(path_text: str) -> None:
    path = Path(path_text).expanduser()
    if not path.is_file():
        raise SettingsError(f"style.style_image: {path} does not exist or is not a file; give the path of a "
                            "picture (PNG, JPEG, ...) or leave it empty to use the built-in styles")
    if not cv2.haveImageReader(str(path)):
        raise SettingsError(f"style.style_image: {path} is not a picture that can be read (PNG, JPEG, BMP, "
                            "TIFF, WebP, ...); choose another file or leave it empty to use the built-in styles")


@dataclass(frozen=True)
class StyleSettings:
    style: int = setting(0, range=(0, NUM_STYLES - 1), step=1,
                         help="built-in style number, 0 to 25 (the style gallery shows them all)")
    blend: str = setting("", help="mix built-in styles, e.g. '3:0.5,12:0.5' (style:weight; weights are "
                                  "normalised); empty = use 'style' alone")
    strength: float = setting(1.0, range=(0.0, 1.0), step=0.05,
                              help="1 = fully stylized, 0 = the original frame, in between a mix")
    preserve_colour: bool = setting(False, label="preserve colour",
                                    help="keep the original colours; take only light and texture from the style")
    size: int = setting(512, range=(128, 1024), step=32,
                        help="long side in pixels at which built-in styles are painted (result scaled back "
                             "to the frame): larger = finer strokes and slower")
    style_image: str = setting("", label="style picture",
                               help="a picture to use as the style instead of the built-in ones (painted at "
                                    "384x384); empty = built-in styles")
    flicker_reduction: bool = setting(False, label="flicker reduction",
                                      help="steady the strokes from frame to frame in video (frames are then "
                                           "processed one at a time, in order)")
    flicker_strength: float = setting(0.7, range=(0.0, 0.95), step=0.05, label="flicker strength",
                                      help="how much of the previous frame is kept where the scene did not move")

    def __post_init__(self) -> None:
        # Cross-field and file checks that ranges cannot express; run by validate() on every change.
        parse_blend(str(self.blend))
        if self.style_image:
            _check_style_image(str(self.style_image))


def _fit(image: np.ndarray, long_side: int) -> np.ndarray:
    """Scale so that the long side is ``long_side`` (aspect kept)."""
    h, w = image.shape[:2]
    scale = long_side / max(h, w)
    size = (max(4, round(w * scale)), max(4, round(h * scale)))
    if size == (w, h):
        return image
    return cv2.resize(image, size, interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR)


def read_picture(path_text: str, owner: str = "style.style_image", what: str = "style image",
                 instead: str = "leave it empty to use the built-in styles") -> np.ndarray:
    """Read a picture setting's file as BGR uint8 (via imdecode, so non-ASCII paths work on Windows too).

    ``owner`` names the setting in the error, ``instead`` what the user may do instead of fixing the file."""
    from vision_desk.sources import image_limits

    path = Path(path_text).expanduser()
    try:
        image_limits.check_size(path, what)
    except ValueError as exc:
        raise SettingsError(f"{owner}: {exc}") from None
    try:
        data = np.fromfile(str(path), dtype=np.uint8)
    except OSError as exc:
        raise SettingsError(f"{owner}: cannot read {path}: {exc.strerror or exc}") from None
    try:
        image = cv2.imdecode(data, cv2.IMREAD_COLOR) if data.size else None
    except cv2.error:
        image = None
    if image is None:
        raise SettingsError(f"{owner}: {path} could not be decoded as a picture; choose a PNG or JPEG file, "
                            f"or {instead}")
    return image


class StyleProcessor(Processor[StyleSettings, Stylized]):
    name = "style"
    kind = TRANSFORM
    settings_type = StyleSettings

    def __init__(self, settings: StyleSettings | None = None, **overrides: object) -> None:
        super().__init__(settings, **overrides)
        self._sessions: dict[str, runtime.ModelSession] = {}
        self._session_lock = threading.Lock()
        self._vectors: dict[tuple[str, int, int], np.ndarray] = {}  # style picture -> 100-d style vector
        self._flicker = FlickerReducer(strength=self._settings.flicker_strength)

    # --- lifecycle -----------------------------------------------------------------
    def _load(self) -> None:
        if self._settings.style_image:
            self._session_for(PREDICT_MODEL)
            self._session_for(TRANSFORM_MODEL)
            self._style_vector(self._settings.style_image)
        else:
            self._session_for(BUILTIN_MODEL)

    def _session_for(self, model_id: str) -> runtime.ModelSession:
        session = self._sessions.get(model_id)
        if session is None:
            with self._session_lock:
                session = self._sessions.get(model_id)
                if session is None:
                    session = self._sessions[model_id] = runtime.create_session(model_id, config=self.runtime_config)
        return session

    def close(self) -> None:
        self._sessions.clear()
        self._vectors.clear()
        self._flicker.reset()
        super().close()

    def reset(self) -> None:
        self._flicker.reset()  # the last video's strokes must not bleed into the next one's first frame

    def _settings_changed(self, old: StyleSettings, new: StyleSettings) -> None:
        self._flicker.strength = new.flicker_strength
        looks = ("style", "blend", "style_image", "size", "flicker_reduction")
        if any(getattr(old, n) != getattr(new, n) for n in looks):
            self._flicker.reset()  # the old style's strokes must not bleed into the new one

    def concurrent_ok(self) -> bool:
        return not self.settings.flicker_reduction

    @property
    def provider(self) -> str:
        model = TRANSFORM_MODEL if self._settings.style_image else BUILTIN_MODEL
        session = self._sessions.get(model)
        return runtime.provider_label(session.provider) if session else "CPU"

    # --- the model call ----------------------------------------------------------------
    def _style_vector(self, path_text: str) -> np.ndarray:
        path = Path(path_text).expanduser()
        try:
            st = path.stat()
        except OSError:
            raise SettingsError(f"style.style_image: {path} does not exist any more; choose another picture "
                                "or leave it empty to use the built-in styles") from None
        key = (str(path.resolve()), st.st_size, st.st_mtime_ns)
        vector = self._vectors.get(key)
        if vector is None:
            picture = read_picture(path_text)
            # Centre square crop, as the predictor was trained on square style crops.
            h, w = picture.shape[:2]
            side = min(h, w)
            top, left = (h - side) // 2, (w - side) // 2
            square = cv2.resize(picture[top:top + side, left:left + side], (STYLE_VECTOR_SIDE,) * 2,
                                interpolation=cv2.INTER_AREA)
            vector = self._session_for(PREDICT_MODEL).run({"style_image": to_nhwc_rgb(square)})[0]
            with self._session_lock:
                while len(self._vectors) >= 16:  # a handful of pictures in a session; keep memory flat
                    self._vectors.pop(next(iter(self._vectors)))
                self._vectors[key] = vector
        return vector

    def _prepare(self, image: np.ndarray, s: StyleSettings) -> tuple[runtime.ModelSession, dict[str, np.ndarray],
                                                                    np.ndarray]:
        """Feeds for one frame, plus the scaled frame the network paints (same size as its cropped output)."""
        if s.style_image:
            small = _fit(image, ARBITRARY_SIDE)
            content = to_nhwc_rgb(pad_to(small, ARBITRARY_SIDE, ARBITRARY_SIDE))
            feeds = {"content_image": content, _VECTOR_NAME: self._style_vector(s.style_image)}
            return self._session_for(TRANSFORM_MODEL), feeds, small
        small = _fit(image, s.size)
        h, w = small.shape[:2]
        padded = pad_to(small, max(MIN_SIDE, -(-h // 4) * 4), max(MIN_SIDE, -(-w // 4) * 4))
        weights = parse_blend(s.blend)
        if weights is None:
            weights = np.zeros(NUM_STYLES, np.float32)
            weights[s.style] = 1.0
        return self._session_for(BUILTIN_MODEL), {"image": to_nchw_rgb(padded), "style_weights": weights}, small

    def core_call(self, image: np.ndarray) -> Callable[[], object]:
        self._ready()  # time the network the current settings use
        session, feeds, _ = self._prepare(image, self._settings)
        return lambda: session.run(feeds)

    def _process(self, image: np.ndarray) -> Stylized:
        s = self._settings  # read once: another thread may apply a change meanwhile
        session, feeds, small = self._prepare(image, s)
        out = session.run(feeds)[0][0]
        np.maximum(out, 0, out=out)  # in place on onnxruntime's fresh output array
        h, w = small.shape[:2]
        if s.style_image:  # NHWC
            painted = planes_to_bgr(out[:h, :w, 0], out[:h, :w, 1], out[:h, :w, 2])
        else:  # NCHW
            painted = planes_to_bgr(out[0, :h, :w], out[1, :h, :w], out[2, :h, :w])
        if s.flicker_reduction:
            painted = self._flicker.apply(small, painted)
        if s.preserve_colour:
            painted = _keep_colours(painted, small)
        if painted.shape[:2] != image.shape[:2]:
            painted = cv2.resize(painted, (image.shape[1], image.shape[0]), interpolation=cv2.INTER_LINEAR)
        if s.strength < 1.0:
            painted = cv2.addWeighted(painted, s.strength, image, 1.0 - s.strength, 0.0)
        return Stylized(painted, describe_style(s))


def describe_style(s: StyleSettings) -> str:
    """The style in words, for the HUD, the stats panel and the JSON lines."""
    if s.style_image:
        return f"picture: {Path(s.style_image).name}"
    weights = parse_blend(s.blend)
    if weights is None:
        return style_label(s.style)
    return "blend " + " + ".join(f"{i}:{weights[i]:.2f}" for i in np.flatnonzero(weights))


def _keep_colours(painted: np.ndarray, original: np.ndarray) -> np.ndarray:
    """Luminance from the painting, chroma from the original (YCrCb; Gatys et al. 2016, 'luminance-only transfer').

    The painting's luminance is first matched in mean and spread to the original's, so
    a dark style does not turn a bright scene dark (that would change its look, not its colours).
    """
    ycc = cv2.cvtColor(painted, cv2.COLOR_BGR2YCrCb)
    orig = cv2.cvtColor(original, cv2.COLOR_BGR2YCrCb)
    y = ycc[:, :, 0]
    (pm,), (ps,) = cv2.meanStdDev(y)
    (om,), (os_,) = cv2.meanStdDev(orig[:, :, 0])
    gain = os_ / ps if ps > 1e-3 else 1.0
    lut = np.clip(np.arange(256, dtype=np.float32) * gain + (om - gain * pm) + 0.5, 0, 255).astype(np.uint8)
    orig[:, :, 0] = cv2.LUT(y, lut)
    return cv2.cvtColor(orig, cv2.COLOR_YCrCb2BGR)
