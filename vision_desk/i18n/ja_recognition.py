"""Japanese for the words the recognition views (``digits``, ``segment``, ``teach``) draw on the video.

Templates are translated first and filled in after, as in ja_lecture.py. The teach classes' own names
are the user's folder names and are drawn as they are.
"""
from __future__ import annotations

RECOGNITION_JA: dict[str, str] = {
    # digits: the caption and the columns of the before/after-pooling strip
    "read: {digits}": "読み取り：{digits}",
    "no digits found": "数字が見つかりません",
    "input": "入力",
    "conv1 + ReLU": "畳み込み1 + ReLU",
    "conv2 + ReLU": "畳み込み2 + ReLU",
    "max pool 2x2": "最大プーリング 2×2",
    # segment: the caption of each view
    "{view} · person {percent}% of the frame": "{view} · 人物はフレームの {percent}%",
    "person mask": "人物マスク",
    "person cut out": "人物の切り抜き",
    "background blurred": "背景ぼかし",
    "background replaced": "背景差し替え",
    # teach
    "teach: Ctrl+1, Ctrl+2, ... add this picture to class 1, 2, ...": "教える：Ctrl+1、Ctrl+2、… でこの画像をクラス 1、2、… に追加",
    "{label} ({n} examples)": "{label}（例 {n} 枚）",
    "{label} (1 example)": "{label}（例 1 枚）",
    "map of the examples (PCA)": "例のマップ（主成分分析）",
}
