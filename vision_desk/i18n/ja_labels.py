"""Japanese names for what is drawn on the video: COCO classes, "face", pose parts, teaching captions.

Plain tables (English label -> Japanese), not Qt translations: the labels are
drawn by the Qt-free annotators on the pipeline's threads. A new processor's
classes (e.g. ImageNet for ``cnn``) plug in with
``vision_desk.i18n.register_labels("ja", {...})``.
"""
from __future__ import annotations

COCO_JA: dict[str, str] = {
    "person": "人", "bicycle": "自転車", "car": "車", "motorcycle": "オートバイ", "airplane": "飛行機",
    "bus": "バス", "train": "電車", "truck": "トラック", "boat": "ボート", "traffic light": "信号機",
    "fire hydrant": "消火栓", "stop sign": "一時停止標識", "parking meter": "パーキングメーター",
    "bench": "ベンチ", "bird": "鳥", "cat": "猫", "dog": "犬", "horse": "馬", "sheep": "羊", "cow": "牛",
    "elephant": "象", "bear": "熊", "zebra": "シマウマ", "giraffe": "キリン", "backpack": "リュック",
    "umbrella": "傘", "handbag": "ハンドバッグ", "tie": "ネクタイ", "suitcase": "スーツケース",
    "frisbee": "フリスビー", "skis": "スキー板", "snowboard": "スノーボード", "sports ball": "ボール",
    "kite": "凧", "baseball bat": "野球のバット", "baseball glove": "野球のグローブ",
    "skateboard": "スケートボード", "surfboard": "サーフボード", "tennis racket": "テニスラケット",
    "bottle": "瓶", "wine glass": "ワイングラス", "cup": "カップ", "fork": "フォーク", "knife": "ナイフ",
    "spoon": "スプーン", "bowl": "ボウル", "banana": "バナナ", "apple": "リンゴ",
    "sandwich": "サンドイッチ", "orange": "オレンジ", "broccoli": "ブロッコリー", "carrot": "ニンジン",
    "hot dog": "ホットドッグ", "pizza": "ピザ", "donut": "ドーナツ", "cake": "ケーキ", "chair": "椅子",
    "couch": "ソファ", "potted plant": "鉢植え", "bed": "ベッド", "dining table": "食卓",
    "toilet": "トイレ", "tv": "テレビ", "laptop": "ノートPC", "mouse": "マウス", "remote": "リモコン",
    "keyboard": "キーボード", "cell phone": "携帯電話", "microwave": "電子レンジ", "oven": "オーブン",
    "toaster": "トースター", "sink": "流し台", "refrigerator": "冷蔵庫", "book": "本", "clock": "時計",
    "vase": "花瓶", "scissors": "はさみ", "teddy bear": "テディベア", "hair drier": "ドライヤー",
    "toothbrush": "歯ブラシ",
}

# OpenPose keypoint names (vision_desk.results.KEYPOINT_NAMES) and their English display names.
PART_EN: dict[str, str] = {
    "nose": "nose", "neck": "neck", "r_shoulder": "right shoulder", "r_elbow": "right elbow",
    "r_wrist": "right wrist", "l_shoulder": "left shoulder", "l_elbow": "left elbow", "l_wrist": "left wrist",
    "r_hip": "right hip", "r_knee": "right knee", "r_ankle": "right ankle", "l_hip": "left hip",
    "l_knee": "left knee", "l_ankle": "left ankle", "r_eye": "right eye", "l_eye": "left eye",
    "r_ear": "right ear", "l_ear": "left ear",
}
PART_JA: dict[str, str] = {
    "nose": "鼻", "neck": "首", "r_shoulder": "右肩", "r_elbow": "右肘", "r_wrist": "右手首",
    "l_shoulder": "左肩", "l_elbow": "左肘", "l_wrist": "左手首", "r_hip": "右腰", "r_knee": "右膝",
    "r_ankle": "右足首", "l_hip": "左腰", "l_knee": "左膝", "l_ankle": "左足首", "r_eye": "右目",
    "l_eye": "左目", "r_ear": "右耳", "l_ear": "左耳",
}

# Words of the overlays themselves (face label, teaching captions).
OVERLAY_JA: dict[str, str] = {
    "face": "顔",
    "heatmap": "ヒートマップ",
    "PAF": "PAF（部位をつなぐ向き）",
    "background": "背景",
    "raw windows": "候補窓",
    "faces": "顔",
    "window size": "窓の大きさ",
}

JA: dict[str, str] = {**COCO_JA, **{PART_EN[k]: v for k, v in PART_JA.items()}, **PART_JA, **OVERLAY_JA}
