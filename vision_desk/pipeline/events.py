"""What the pipeline tells its owner besides frames: state changes and problems, one line each."""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from vision_desk.errors import VisionDeskError, one_line


class EventKind(str, Enum):
    """What a :class:`PipelineEvent` reports. A ``str`` Enum: it compares equal to, formats and serializes
    as its value ("source_opened"), so logs and messages read as before."""

    SOURCE_OPENED = "source_opened"
    SOURCE_ENDED = "source_ended"
    SOURCE_LOST = "source_lost"
    WARNING = "warning"  # the source lost or skipped something (a truncated video, files that are not pictures)
    LOADING = "loading"
    LOADED = "loaded"
    PROCESSOR_ERROR = "processor_error"  # a processor raised on one frame; the run goes on
    ERROR = "error"  # a model failed to load (processor set), or the pipeline faulted (processor None)
    STOPPED = "stopped"

    def __str__(self) -> str:  # f"{kind}" is "loaded", not "EventKind.LOADED" (Python 3.11 changed this)
        return self.value


class PipelineState(str, Enum):
    """The pipeline's life: idle -> starting -> running <-> paused -> finished / stopping -> stopped,
    or faulted (a fault in any running state; it stays faulted)."""

    IDLE = "idle"
    STARTING = "starting"  # threads started; the source is opening, or the first models are loading
    RUNNING = "running"
    PAUSED = "paused"
    STOPPING = "stopping"
    STOPPED = "stopped"
    FINISHED = "finished"  # a finite source fully processed and its outputs flushed
    FAULTED = "faulted"

    def __str__(self) -> str:
        return self.value


# The states a running pipeline can stop, pause or fault from.
LIVE_STATES = (PipelineState.STARTING, PipelineState.RUNNING, PipelineState.PAUSED)


class Mode(str, Enum):
    LIVE = "live"  # newest frame wins; drops counted; one frame in flight, all threads on it (latency)
    LOSSLESS = "lossless"  # every frame processed and delivered in order; bounded queues (throughput)
    REALTIME = "realtime"  # a file played at its own frame rate for viewing (paced reading, lossless processing)


@dataclass(frozen=True)
class PipelineEvent:
    kind: EventKind
    message: str  # one line a user can read (made where the context is known: "objects: model file ...")
    processor: str | None = None
    # The exception behind an ERROR / SOURCE_LOST / PROCESSOR_ERROR event, kept with its type, so that the
    # owner can tell a SourceError from a ModelError without parsing ``message`` (which is its one line).
    error: VisionDeskError | None = None

    @classmethod
    def failure(cls, kind: EventKind, error: VisionDeskError, processor: str | None = None) -> PipelineEvent:
        """An event about ``error``; its message is the error's one line, made here only."""
        return cls(kind, one_line(error), processor, error)
