"""What every annotator is: something that draws one kind of result onto a picture.

The shape follows roboflow/supervision's ``BaseAnnotator.annotate(scene, detections)``,
as a :class:`typing.Protocol` so that an annotator needs no base class (a fake in a
test, or a processor's own ``annotator()``, fits as long as it has the method).
The result types it draws are the processors' typed results in
:mod:`vision_desk.results` (Detections, Faces, Poses, Classification, SuperResolved), and the frame's
:class:`~vision_desk.frame_stats.Stats` for the HUD; annotators never import the processors.
"""
from __future__ import annotations

from typing import Protocol, TypeVar, runtime_checkable

import numpy as np

ResultT = TypeVar("ResultT", contravariant=True)


@runtime_checkable
class Annotator(Protocol[ResultT]):
    """Draws ``result`` onto ``image`` and returns the picture to show.

    The pipeline draws on a copy of the frame (each processor's annotator in turn, then the
    HUD), so drawing in place and returning ``image`` is the usual (and cheapest) way;
    returning a new array (a larger canvas, a side panel) is allowed too. ``None`` or an
    empty result draws nothing.
    """

    def annotate(self, image: np.ndarray, result: ResultT) -> np.ndarray: ...

    # An annotator may set ``repaints = True`` (a class attribute): it changes the whole picture (segment's
    # mask or background), so the pipeline draws it before the others' overlays instead of over them.


@runtime_checkable
class Composer(Protocol[ResultT]):
    """A lecture view (cnn, superres): lays the frame and its teaching pictures out on a canvas of its own.

    ``compose(picture, result, (width, height))`` returns a new picture of that size, made from
    ``picture`` (the frame with the other overlays) and ``result``; the pipeline calls it last, at the
    frame's size for recordings and at the window's view size for the screen (see annotate/layout.py).
    """

    def compose(self, picture: np.ndarray, result: ResultT, size: tuple[int, int]) -> np.ndarray: ...
