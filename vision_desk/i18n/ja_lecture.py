"""Japanese for the words the lecture views (``cnn``, ``superres``) draw on the video.

Some entries are templates: the annotator translates the English template, then fills it in
(``translate_label("{c} channels").format(c=240)``), so word order can follow Japanese.
"""
from __future__ import annotations

LECTURE_JA: dict[str, str] = {
    # cnn: layer titles (vision_desk.results.LAYER_TITLES) and captions
    "stem": "ステム（最初の畳み込み）",
    "head": "ヘッド（最後の畳み込み）",
    **{f"stage {i}": f"ステージ {i}" for i in range(1, 8)},
    "{layer} · {c} channels · {h} x {w}": "{layer}・{c} チャンネル・{h}×{w}",
    "{layer} · inside its last block: {c} channels (the stage outputs {out}) · {h} x {w}":
        "{layer}・最後のブロック内部 {c} チャンネル（ステージの出力は {out}）・{h}×{w}",
    "channel {n}": "チャンネル {n}",
    "where it looks for '{label}'": "「{label}」の根拠にした場所",
    "where it looks": "注目している場所",
    # superres: panel titles, figures, hints
    "real (the answer)": "本物（正解）",
    "bicubic x4": "バイキュービック ×4",
    "GAN x4": "GAN ×4",
    "sharpness {value:.0f}": "鮮鋭度 {value:.0f}",
    "PSNR {value:.1f} dB": "PSNR {value:.1f} dB",
    "drag here: region": "ドラッグで領域を選択",
    "zoom: the GAN invents detail": "拡大：GAN は細部を「創作」する",
    "check: shrunk x4, enlarged back": "検証：1/4 に縮小し、4 倍に戻して比べる",
}
