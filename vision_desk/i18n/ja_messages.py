"""Japanese for the English sentences the window shows from code that stays English (runtime, sources, HUD).

Why patterns and not Qt's .ts: these texts are made by Qt-free code (the device line from runtime.py, a
source's description and its errors from sources/, the HUD drawn on the output thread) that the command
line prints in English. They have values in them, so each entry is a regular expression for the English
sentence and the Japanese template its named groups fill; a group ending in ``_t`` is itself translated
(a reason inside a sentence). A sentence no pattern knows is shown as it is (never a wrong translation).
"""
from __future__ import annotations

MESSAGES_JA: tuple[tuple[str, str], ...] = (
    # The device line (runtime.describe_device): stats panel, HUD, banner.
    (r"CPU \((?P<n>\d+) threads?, (?P<prec_t>.+?)\) — CUDA not used: (?P<why_t>.+)",
     "CPU（{n} スレッド、{prec_t}）— CUDA は使えません：{why_t}"),
    (r"CPU \((?P<n>\d+) threads?, (?P<prec_t>.+?); --device cpu\)", "CPU（{n} スレッド、{prec_t}、--device cpu の指定）"),
    (r"CUDA \((?P<prec_t>.+)\)", "CUDA（{prec_t}）"),
    (r"(?P<p>INT8|FP32) \(auto: GPU\)", "{p}（自動選択：GPU）"),
    # auto's measured choice (auto_precision.Timing.line): "INT8 (auto: measured objects INT8 16.5 ms vs FP32
    # 32.7 ms (1 thread))", and the CPU class's prior where nothing could be timed.
    (r"(?P<p>INT8|FP32) \(auto: measured (?P<model_t>\w+) (?P<a>INT8|FP32) (?P<x>[\d.]+) ms vs (?P<b>INT8|FP32) "
     r"(?P<y>[\d.]+) ms \((?P<n>\d+) threads?\)\)",
     "{p}（自動選択：{model_t}の実測 {a} {x} ms・{b} {y} ms、{n} スレッド）"),
    (r"objects", "物体検出"),
    (r"(?P<p>INT8|FP32) \(auto: no VNNI/AMX/dotprod on this CPU; not measured\)",
     "{p}（自動選択：この CPU には VNNI/AMX/dotprod がありません・未計測）"),
    (r"(?P<p>INT8|FP32) \(auto: (?P<why>[\w ,/.-]+); not measured\)", "{p}（自動選択：{why}・未計測）"),
    (r"(?P<p>INT8|FP32) \(auto: no VNNI/AMX/dotprod on this CPU\)",
     "{p}（自動選択：この CPU には VNNI/AMX/dotprod がありません）"),
    (r"(?P<p>INT8|FP32) \(auto: (?P<why>[\w ,/.-]+)\)", "{p}（自動選択：{why}）"),
    (r"no NVIDIA GPU driver is loaded \(/proc/driver/nvidia is missing\)",
     "NVIDIA の GPU ドライバーが読み込まれていません（/proc/driver/nvidia がありません）"),
    (r"this onnxruntime build \((?P<v>[^)]+)\) has no CUDA support; install onnxruntime-gpu instead of onnxruntime",
     "この onnxruntime（{v}）は CUDA に対応していません。onnxruntime の代わりに onnxruntime-gpu を入れてください"),
    (r"this onnxruntime build \((?P<v>[^)]+)\) has no CUDA support", "この onnxruntime（{v}）は CUDA に対応していません"),
    (r"CUDA session failed: (?P<detail>.+)", "CUDA のセッションを作れませんでした：{detail}"),
    (r"onnxruntime could not initialise CUDA \(no details given\)", "onnxruntime が CUDA を初期化できませんでした（詳細不明）"),
    # A camera that is not there (the start banner's reason).
    (r"no camera at index (?P<i>\d+) \((?P<dev>\S+) does not exist\); (?P<found_t>[^.]+)\.?",
     "カメラ {i} はありません（{dev} が存在しません）。{found_t}"),
    (r"no camera at (?P<dev>\S+) \((?P=dev) does not exist\); (?P<found_t>[^.]+)\.?",
     "カメラ {dev} はありません。{found_t}"),
    (r"no cameras found", "カメラは見つかりませんでした"),
    (r"cameras found: (?P<list>.+)", "見つかったカメラ：{list}"),
    # A source's description (status bar, window title), without the English kind in front.
    (r"(?P<name>.+) \((?P<n>\d+) images?\)", "{name}（{n} 枚）"),
    (r"synthetic camera (?P<size>\d+x\d+) @ (?P<fps>[\d.]+) fps", "合成カメラ {size}・{fps} fps"),
    # The style's description (stats panel's "Found", the HUD).
    (r"picture: (?P<name>.+)", "画像：{name}"),
    (r"blend (?P<parts>.+)", "ブレンド {parts}"),
)

HUD_JA: dict[str, str] = {
    "FPS  capture {capture:.1f}  processed {processed:.1f}  output {output:.1f}":
        "fps  入力 {capture:.1f}  処理 {processed:.1f}  出力 {output:.1f}",
    "ms   {stages}": "ms   {stages}",
    "latency {latency:.0f} ms  dropped {dropped}  errors {errors}":
        "遅延 {latency:.0f} ms  スキップ {dropped}  エラー {errors}",
    # Stage names, as the statistics panel names them.
    "faces": "顔検出", "objects": "物体検出", "pose": "姿勢推定", "style": "画風変換", "cnn": "CNN",
    "superres": "超解像", "digits": "手書き数字", "segment": "人物セグメンテーション", "teach": "クラスを教える",
    "read": "読込", "draw": "描画", "write": "書込",
}

STYLE_NAMES_JA: dict[str, str] = {
    "Pastel sketch": "パステルのスケッチ", "Bold comic": "太い線の漫画", "Ink outline": "墨の輪郭線",
    "Electric strokes": "電光の筆致", "Warm poster": "暖色のポスター", "Impressionist": "印象派",
    "Midnight blue": "ミッドナイトブルー", "Primary blocks": "原色のブロック", "Candy watercolour": "キャンディ色の水彩",
    "Tapestry": "タペストリー", "Sepia oil": "セピアの油彩", "Golden sketch": "金色のスケッチ",
    "Soft impressionist": "やわらかな印象派", "Acid green": "蛍光グリーン", "Ice wash": "氷色の淡彩",
    "Crayon mosaic": "クレヨンのモザイク", "Blue swirls": "青い渦巻き", "Red bricks": "赤れんが",
    "Sepia etching": "セピアの銅版画", "Blue hatching": "青の線描", "Crimson": "深紅",
    "Pop outline": "ポップな輪郭線", "Woodcut": "木版画", "Muted oil": "落ち着いた油彩",
    "Teal pencil": "青緑の色鉛筆", "Dotted mosaic": "点描のモザイク",
}
