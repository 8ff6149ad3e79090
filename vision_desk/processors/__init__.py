"""The processors: each turns a frame into a typed result (vision_desk.results), or a new frame (style).

Which processors exist, and which class and annotator serve each name, is :mod:`vision_desk.registry`.
"""
