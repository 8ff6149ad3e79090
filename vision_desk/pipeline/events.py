"""What the pipeline tells its owner besides frames: state changes and problems, one line each."""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

# The event kinds, for matching without typos.
SOURCE_OPENED = "source_opened"
SOURCE_ENDED = "source_ended"
SOURCE_LOST = "source_lost"
WARNING = "warning"  # the source lost or skipped something (a truncated video, files that are not pictures)
LOADING = "loading"
LOADED = "loaded"
PROCESSOR_ERROR = "processor_error"
ERROR = "error"
STOPPED = "stopped"


class Mode(str, Enum):
    LIVE = "live"  # newest frame wins; drops counted; one frame in flight, all threads on it (latency)
    LOSSLESS = "lossless"  # every frame processed and delivered in order; bounded queues (throughput)
    REALTIME = "realtime"  # a file played at its own frame rate for viewing (paced reading, lossless processing)


@dataclass(frozen=True)
class PipelineEvent:
    kind: str  # one of the constants above
    message: str  # one line a user can read
    processor: str | None = None
