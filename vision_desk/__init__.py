"""vision_desk: real-time computer vision on the desktop (faces, objects, pose, style)."""

__version__ = "0.1.0"
