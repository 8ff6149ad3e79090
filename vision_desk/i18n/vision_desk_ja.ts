<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ja_JP">
<context>
    <name>Commands</name>
    <message>
        <source>Leave presenter mode</source>
        <translation>プレゼンターモードを終了</translation>
    </message>
    <message>
        <source>Keyboard shortcuts (any key closes this list)</source>
        <translation>キーボードショートカット（どのキーでも閉じます）</translation>
    </message>
    <message>
        <source>Camera…</source>
        <translation>カメラ…</translation>
    </message>
    <message>
        <source>choose a camera</source>
        <translation>カメラを選ぶ</translation>
    </message>
    <message>
        <source>Sources</source>
        <translation>入力</translation>
    </message>
    <message>
        <source>Open file…</source>
        <translation>ファイルを開く…</translation>
    </message>
    <message>
        <source>open a video or an image (or drop it on the window)</source>
        <translation>動画か画像を開く（ウィンドウにドロップしても可）</translation>
    </message>
    <message>
        <source>Open file</source>
        <translation>ファイル</translation>
    </message>
    <message>
        <source>Open image folder…</source>
        <translation>画像フォルダーを開く…</translation>
    </message>
    <message>
        <source>play the pictures of a folder</source>
        <translation>フォルダー内の画像を順に再生</translation>
    </message>
    <message>
        <source>Folder</source>
        <translation>フォルダー</translation>
    </message>
    <message>
        <source>Open stream URL…</source>
        <translation>ストリーム URL を開く…</translation>
    </message>
    <message>
        <source>an rtsp:// or http:// stream</source>
        <translation>rtsp:// または http:// のストリーム</translation>
    </message>
    <message>
        <source>Stream</source>
        <translation>ストリーム</translation>
    </message>
    <message>
        <source>Sample clip</source>
        <translation>サンプル動画</translation>
    </message>
    <message>
        <source>the short clip that ships with vision_desk</source>
        <translation>vision_desk に付属の短い動画</translation>
    </message>
    <message>
        <source>Sample</source>
        <translation>サンプル</translation>
    </message>
    <message>
        <source>Faces</source>
        <translation>顔検出</translation>
    </message>
    <message>
        <source>face detection on/off</source>
        <translation>顔検出のオン／オフ</translation>
    </message>
    <message>
        <source>Processors</source>
        <translation>処理</translation>
    </message>
    <message>
        <source>Objects</source>
        <translation>物体検出</translation>
    </message>
    <message>
        <source>object detection on/off</source>
        <translation>物体検出のオン／オフ</translation>
    </message>
    <message>
        <source>Pose</source>
        <translation>姿勢推定</translation>
    </message>
    <message>
        <source>body pose on/off</source>
        <translation>姿勢推定のオン／オフ</translation>
    </message>
    <message>
        <source>Style transfer</source>
        <translation>画風変換</translation>
    </message>
    <message>
        <source>style transfer on/off</source>
        <translation>画風変換のオン／オフ</translation>
    </message>
    <message>
        <source>CNN layers</source>
        <translation>CNN の層</translation>
    </message>
    <message>
        <source>ImageNet classes and the feature maps inside the network on/off</source>
        <translation>ImageNet の分類とネットワーク内部の特徴マップのオン／オフ</translation>
    </message>
    <message>
        <source>CNN</source>
        <translation>CNN</translation>
    </message>
    <message>
        <source>GAN super-resolution</source>
        <translation>GAN 超解像</translation>
    </message>
    <message>
        <source>a region enlarged x4 by a GAN, beside bicubic, on/off</source>
        <translation>GAN による領域の 4 倍拡大（バイキュービックと比較）のオン／オフ</translation>
    </message>
    <message>
        <source>Super-res</source>
        <translation>超解像</translation>
    </message>
    <message>
        <source>Handwritten digits</source>
        <translation>手書き数字</translation>
    </message>
    <message>
        <source>digits read off paper, and the layers before and after pooling, on/off</source>
        <translation>紙に書いた数字を読み、プーリング前後の層を見る オン/オフ</translation>
    </message>
    <message>
        <source>Digits</source>
        <translation>数字</translation>
    </message>
    <message>
        <source>Person segmentation</source>
        <translation>人物セグメンテーション</translation>
    </message>
    <message>
        <source>which pixels are a person: mask, cut-out, blurred or replaced background, on/off</source>
        <translation>どの画素が人か：マスク、切り抜き、背景ぼかし、背景差し替え オン/オフ</translation>
    </message>
    <message>
        <source>Segment</source>
        <translation>領域分割</translation>
    </message>
    <message>
        <source>Teach a class</source>
        <translation>クラスを教える</translation>
    </message>
    <message>
        <source>new classes from a few examples (image embeddings) on/off</source>
        <translation>少数の例から新しいクラスを学ぶ（画像埋め込み） オン/オフ</translation>
    </message>
    <message>
        <source>Teach</source>
        <translation>教える</translation>
    </message>
    <message>
        <source>Previous style</source>
        <translation>前の画風</translation>
    </message>
    <message>
        <source>the style before this one</source>
        <translation>ひとつ前の画風</translation>
    </message>
    <message>
        <source>Next style</source>
        <translation>次の画風</translation>
    </message>
    <message>
        <source>the next of the 26 styles</source>
        <translation>26 種類の画風の次へ</translation>
    </message>
    <message>
        <source>Style from image…</source>
        <translation>画像から画風…</translation>
    </message>
    <message>
        <source>any picture as the style</source>
        <translation>好きな画像を画風として使う</translation>
    </message>
    <message>
        <source>Haar raw windows</source>
        <translation>Haar 候補窓</translation>
    </message>
    <message>
        <source>faces: show every raw candidate window (teaching view)</source>
        <translation>顔検出：統合前のすべての候補窓を表示（授業用表示）</translation>
    </message>
    <message>
        <source>Teaching</source>
        <translation>授業用表示</translation>
    </message>
    <message>
        <source>Pose heatmaps</source>
        <translation>姿勢のヒートマップ</translation>
    </message>
    <message>
        <source>pose: show what the network sees (heatmap / limb field)</source>
        <translation>姿勢推定：ネットワークが見ているもの（ヒートマップ／PAF）を表示</translation>
    </message>
    <message>
        <source>Earlier CNN layer</source>
        <translation>CNN の前の層</translation>
    </message>
    <message>
        <source>cnn: one layer back towards the stem (edges, textures)</source>
        <translation>CNN：入力側（ステム）へ 1 層戻る（エッジ・テクスチャ）</translation>
    </message>
    <message>
        <source>Later CNN layer</source>
        <translation>CNN の次の層</translation>
    </message>
    <message>
        <source>cnn: one layer on towards the head (parts of objects)</source>
        <translation>CNN：出力側（ヘッド）へ 1 層進む（物体の部分）</translation>
    </message>
    <message>
        <source>CNN view</source>
        <translation>CNN の表示</translation>
    </message>
    <message>
        <source>cnn: feature maps, then where it looks, then the classes only</source>
        <translation>CNN：特徴マップ → 注目領域 → 分類のみ、の順に切り替え</translation>
    </message>
    <message>
        <source>Super-res zoom / check</source>
        <translation>超解像：拡大／検証</translation>
    </message>
    <message>
        <source>superres: enlarge the region, or shrink it and enlarge it back to score it (PSNR)</source>
        <translation>超解像：領域を拡大する、または縮小してから拡大し直して採点する（PSNR）</translation>
    </message>
    <message>
        <source>Next digit</source>
        <translation>次の数字</translation>
    </message>
    <message>
        <source>digits: open up the next digit of the page in the layers view</source>
        <translation>数字：ページの次の数字を層の表示で開く</translation>
    </message>
    <message>
        <source>Segmentation view</source>
        <translation>セグメンテーションの表示</translation>
    </message>
    <message>
        <source>segment: mask, then cut-out, blurred, replaced background</source>
        <translation>領域分割：マスク → 切り抜き → 背景ぼかし → 背景差し替え</translation>
    </message>
    <message>
        <source>Add to class 1</source>
        <translation>クラス 1 に追加</translation>
    </message>
    <message>
        <source>teach: the frame (or the dragged region) becomes an example of class 1</source>
        <translation>教える：このコマ（またはドラッグした領域）をクラス 1 の例にする</translation>
    </message>
    <message>
        <source>Add to class 2</source>
        <translation>クラス 2 に追加</translation>
    </message>
    <message>
        <source>teach: the frame (or the dragged region) becomes an example of class 2</source>
        <translation>教える：このコマ（またはドラッグした領域）をクラス 2 の例にする</translation>
    </message>
    <message>
        <source>Add to class 3</source>
        <translation>クラス 3 に追加</translation>
    </message>
    <message>
        <source>teach: the frame (or the dragged region) becomes an example of class 3</source>
        <translation>教える：このコマ（またはドラッグした領域）をクラス 3 の例にする</translation>
    </message>
    <message>
        <source>Add to class 4</source>
        <translation>クラス 4 に追加</translation>
    </message>
    <message>
        <source>teach: the frame (or the dragged region) becomes an example of class 4</source>
        <translation>教える：このコマ（またはドラッグした領域）をクラス 4 の例にする</translation>
    </message>
    <message>
        <source>Add to class 5</source>
        <translation>クラス 5 に追加</translation>
    </message>
    <message>
        <source>teach: the frame (or the dragged region) becomes an example of class 5</source>
        <translation>教える：このコマ（またはドラッグした領域）をクラス 5 の例にする</translation>
    </message>
    <message>
        <source>Name a class…</source>
        <translation>クラスに名前を付ける…</translation>
    </message>
    <message>
        <source>teach: give class 1, 2, ... a name</source>
        <translation>教える：クラス 1、2、… に名前を付ける</translation>
    </message>
    <message>
        <source>Clear the classes…</source>
        <translation>クラスを消去…</translation>
    </message>
    <message>
        <source>teach: remove every example picture</source>
        <translation>教える：例の画像をすべて削除</translation>
    </message>
    <message>
        <source>Original beside processed</source>
        <translation>元画像と処理結果を並べる</translation>
    </message>
    <message>
        <source>before / after side by side</source>
        <translation>処理前と処理後を左右に並べる</translation>
    </message>
    <message>
        <source>Side by side</source>
        <translation>並べて表示</translation>
    </message>
    <message>
        <source>Play / pause</source>
        <translation>再生／一時停止</translation>
    </message>
    <message>
        <source>files: pause or resume</source>
        <translation>ファイル：一時停止・再開</translation>
    </message>
    <message>
        <source>Playback</source>
        <translation>再生</translation>
    </message>
    <message>
        <source>Play/Pause</source>
        <translation>再生／一時停止</translation>
    </message>
    <message>
        <source>Step one frame</source>
        <translation>1 コマ進める</translation>
    </message>
    <message>
        <source>files: pause and show the next frame</source>
        <translation>ファイル：一時停止して次のコマを表示</translation>
    </message>
    <message>
        <source>Step</source>
        <translation>コマ送り</translation>
    </message>
    <message>
        <source>Back to the start</source>
        <translation>先頭に戻る</translation>
    </message>
    <message>
        <source>files: seek to the first frame</source>
        <translation>ファイル：最初のコマへ移動</translation>
    </message>
    <message>
        <source>Restart</source>
        <translation>先頭へ</translation>
    </message>
    <message>
        <source>Loop</source>
        <translation>ループ</translation>
    </message>
    <message>
        <source>files: start again at the end</source>
        <translation>ファイル：最後まで来たら最初から</translation>
    </message>
    <message>
        <source>Real-time playback (skips frames)</source>
        <translation>実時間再生（コマを飛ばす）</translation>
    </message>
    <message>
        <source>files: at their own speed, skipping the frames the processors cannot keep up with (off: every frame, as fast as the processors go)</source>
        <translation>ファイル：本来の速さで再生し、処理が追いつかないコマは飛ばす（オフ：全コマを処理できる速さで）</translation>
    </message>
    <message>
        <source>Real-time</source>
        <translation>実時間</translation>
    </message>
    <message>
        <source>Record</source>
        <translation>録画</translation>
    </message>
    <message>
        <source>record the processed video (mp4) and the results (JSON lines)</source>
        <translation>処理後の動画（mp4）と結果（JSON Lines）を記録</translation>
    </message>
    <message>
        <source>Output</source>
        <translation>出力</translation>
    </message>
    <message>
        <source>Snapshot</source>
        <translation>スナップショット</translation>
    </message>
    <message>
        <source>save the frame on screen as PNG, with and without overlays</source>
        <translation>表示中のコマを PNG で保存（重ね描きあり・なし）</translation>
    </message>
    <message>
        <source>Output folder…</source>
        <translation>出力フォルダー…</translation>
    </message>
    <message>
        <source>where recordings and snapshots go</source>
        <translation>録画とスナップショットの保存先</translation>
    </message>
    <message>
        <source>HUD on video</source>
        <translation>映像に HUD を表示</translation>
    </message>
    <message>
        <source>frame rate, stage times and device drawn on the video</source>
        <translation>フレームレート・各段階の時間・デバイスを映像に描く</translation>
    </message>
    <message>
        <source>View</source>
        <translation>表示</translation>
    </message>
    <message>
        <source>HUD</source>
        <translation>HUD</translation>
    </message>
    <message>
        <source>Mirror</source>
        <translation>左右反転</translation>
    </message>
    <message>
        <source>selfie view: flip the picture left-right</source>
        <translation>自撮り表示：左右反転</translation>
    </message>
    <message>
        <source>Presenter mode</source>
        <translation>プレゼンターモード</translation>
    </message>
    <message>
        <source>full screen, large text (Esc leaves)</source>
        <translation>全画面・大きな文字（Esc で終了）</translation>
    </message>
    <message>
        <source>Presenter</source>
        <translation>プレゼンター</translation>
    </message>
    <message>
        <source>Keyboard shortcuts</source>
        <translation>キーボードショートカット</translation>
    </message>
    <message>
        <source>this list</source>
        <translation>この一覧</translation>
    </message>
    <message>
        <source>Help</source>
        <translation>ヘルプ</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>終了</translation>
    </message>
    <message>
        <source>close vision_desk</source>
        <translation>vision_desk を閉じる</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>ファイル(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Processors</source>
        <translation>処理(&amp;P)</translation>
    </message>
    <message>
        <source>P&amp;layback</source>
        <translation>再生(&amp;L)</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>表示(&amp;V)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>ヘルプ(&amp;H)</translation>
    </message>
    <message>
        <source>Style</source>
        <translation>画風</translation>
    </message>
</context>
<context>
    <name>Controller</name>
    <message>
        <source>Could not open {spec}: playing the bundled sample clip instead. ({error})</source>
        <translation>{spec} を開けませんでした。代わりに付属のサンプル動画を再生します（{error}）</translation>
    </message>
    <message>
        <source>Could not list cameras: {error}</source>
        <translation>カメラの一覧を取得できませんでした：{error}</translation>
    </message>
    <message>
        <source>Recording stopped before any frame was shown, so no file was written. Play the video (Space) while recording.</source>
        <translation>フレームが表示される前に録画を止めたため、ファイルは作成されませんでした。録画中は動画を再生してください（Space）。</translation>
    </message>
    <message>
        <source>Snapshot: there is no frame to save yet.</source>
        <translation>スナップショット：保存できるコマがまだありません。</translation>
    </message>
    <message>
        <source>Snapshot: {error}</source>
        <translation>スナップショット：{error}</translation>
    </message>
    <message>
        <source>No camera available</source>
        <translation>カメラがありません</translation>
    </message>
    <message>
        <source>Could not open {spec}</source>
        <translation>{spec} を開けませんでした</translation>
    </message>
    <message>
        <source>{what}: playing the bundled sample clip instead ({reason}). Use the Camera menu (C) to try again.</source>
        <translation>{what}。代わりに付属のサンプル動画を再生しています（{reason}）。カメラメニュー（C）でもう一度試せます。</translation>
    </message>
</context>
<context>
    <name>Language</name>
    <message>
        <source>No Japanese font found: the labels on the video stay in English; {hint}</source>
        <translation>日本語フォントが見つかりません。映像上のラベルは英語のままです。{hint}</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Processors</source>
        <translation>処理</translation>
    </message>
    <message>
        <source>Statistics</source>
        <translation>統計</translation>
    </message>
    <message>
        <source>No source</source>
        <translation>入力なし</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>言語</translation>
    </message>
    <message>
        <source>Text size</source>
        <translation>文字の大きさ</translation>
    </message>
</context>
<context>
    <name>Presenter</name>
    <message>
        <source>No processor (press 1-6)</source>
        <translation>処理なし（1〜6 キーで選択）</translation>
    </message>
    <message>
        <source>Paused</source>
        <translation>一時停止中</translation>
    </message>
    <message>
        <source>{fps:.0f} fps</source>
        <translation>{fps:.0f} fps</translation>
    </message>
    <message>
        <source>{ms:.0f} ms latency</source>
        <translation>遅延 {ms:.0f} ms</translation>
    </message>
    <message>
        <source>● REC</source>
        <translation>● 録画中</translation>
    </message>
</context>
<context>
    <name>ProcessorPanel</name>
    <message>
        <source>not available</source>
        <translation>利用できません</translation>
    </message>
    <message>
        <source>loading model…</source>
        <translation>モデル読み込み中…</translation>
    </message>
</context>
<context>
    <name>QFileDialog</name>
    <message>
        <source>&amp;Look in:</source>
        <translation>場所(&amp;L):</translation>
    </message>
    <message>
        <source>Files of &amp;type:</source>
        <translation>ファイルの種類(&amp;T):</translation>
    </message>
</context>
<context>
    <name>Settings</name>
    <message>
        <source>(changing it reloads the model)</source>
        <translation>（変更するとモデルを読み込み直します）</translation>
    </message>
    <message>
        <source>Choose a picture</source>
        <translation>画像を選ぶ</translation>
    </message>
    <message>
        <source>Choose: {what}</source>
        <translation>選択：{what}</translation>
    </message>
    <message>
        <source>Viola-Jones Haar cascades (OpenCV)</source>
        <translation>Viola-Jones の Haar カスケード（OpenCV）</translation>
    </message>
    <message>
        <source>SSDLite MobileNetV2, 90 COCO classes</source>
        <translation>SSDLite MobileNetV2、COCO 90 クラス</translation>
    </message>
    <message>
        <source>OpenPose on MobileNet-thin, 18 keypoints</source>
        <translation>MobileNet-thin 版 OpenPose、18 キーポイント</translation>
    </message>
    <message>
        <source>fast neural style transfer, 26 styles</source>
        <translation>高速ニューラル画風変換、26 種類</translation>
    </message>
    <message>
        <source>EfficientNet-Lite0, 1000 ImageNet classes</source>
        <translation>EfficientNet-Lite0、ImageNet 1000 クラス</translation>
    </message>
    <message>
        <source>Real-ESRGAN x4 beside bicubic; drag a region</source>
        <translation>Real-ESRGAN ×4 とバイキュービックを比較。領域はドラッグで選択</translation>
    </message>
    <message>
        <source>an MNIST CNN, pooling layer by layer</source>
        <translation>MNIST の CNN、プーリングを層ごとに表示</translation>
    </message>
    <message>
        <source>MediaPipe selfie segmentation</source>
        <translation>MediaPipe セルフィー・セグメンテーション</translation>
    </message>
    <message>
        <source>EfficientNet-Lite0 embeddings, k-NN; Ctrl+1..5 add examples</source>
        <translation>EfficientNet-Lite0 の埋め込みと k 近傍法。Ctrl+1..5 で例を追加</translation>
    </message>
    <message>
        <source>off</source>
        <translation>オフ</translation>
    </message>
    <message>
        <source>cascade</source>
        <translation>カスケード</translation>
    </message>
    <message>
        <source>which cascade: frontal (OpenCV default), frontal_alt2 (fewer false alarms), profile (side views; run on the image and its mirror)</source>
        <translation>使うカスケード：frontal（OpenCV の標準）、frontal_alt2（誤検出が少ない）、profile（横顔。画像とその鏡像の両方で実行）</translation>
    </message>
    <message>
        <source>frontal</source>
        <translation>正面（frontal）</translation>
    </message>
    <message>
        <source>frontal_alt2</source>
        <translation>正面（alt2）</translation>
    </message>
    <message>
        <source>profile</source>
        <translation>横顔（profile）</translation>
    </message>
    <message>
        <source>scale factor</source>
        <translation>窓の拡大率</translation>
    </message>
    <message>
        <source>pyramid step between window sizes: lower finds more, slower</source>
        <translation>窓の大きさの段階の比率：小さいほど多く見つかるが遅い</translation>
    </message>
    <message>
        <source>min neighbors</source>
        <translation>最小近傍数</translation>
    </message>
    <message>
        <source>how many overlapping raw windows a face needs; higher = fewer false alarms (0 = every raw window)</source>
        <translation>顔と認めるのに必要な重なる候補窓の数。大きいほど誤検出が減る（0 = 候補窓すべて）</translation>
    </message>
    <message>
        <source>min size</source>
        <translation>最小サイズ</translation>
    </message>
    <message>
        <source>smallest face in pixels of the frame (faces below about 24/scale px are missed anyway, where scale is what detect scale and max detect width give)</source>
        <translation>検出する最小の顔（フレームのピクセル）。約 24/倍率 px より小さい顔はもともと見つかりません（倍率は検出倍率と最大検出幅で決まる）</translation>
    </message>
    <message>
        <source>detect scale</source>
        <translation>検出倍率</translation>
    </message>
    <message>
        <source>detect on the frame scaled by this: 0.5 is ~3x faster than 1.0</source>
        <translation>この倍率で縮小したフレームで検出：0.5 は 1.0 の約 3 倍速い</translation>
    </message>
    <message>
        <source>max detect width</source>
        <translation>最大検出幅</translation>
    </message>
    <message>
        <source>detect on at most this many pixels across, whatever the frame size (a 1080p frame at 640: ~2x faster than at detect scale 0.5 alone); 0 = no limit</source>
        <translation>フレームの大きさによらず、検出に使う横幅の上限（1080p を 640 で：検出倍率 0.5 だけの場合の約 2 倍速い）。0 = 制限なし</translation>
    </message>
    <message>
        <source>equalize</source>
        <translation>ヒストグラム平坦化</translation>
    </message>
    <message>
        <source>equalize the grayscale histogram first: helps with dim or harsh lighting, but turns flat walls into false faces more often</source>
        <translation>先に濃淡ヒストグラムを平坦化：暗い・強い照明に強くなるが、平らな壁を顔と誤検出しやすくなる</translation>
    </message>
    <message>
        <source>eyes</source>
        <translation>目</translation>
    </message>
    <message>
        <source>also look for eyes in the upper part of each face</source>
        <translation>顔の上部で目も探す</translation>
    </message>
    <message>
        <source>show raw windows (before grouping)</source>
        <translation>候補窓を表示（統合前）</translation>
    </message>
    <message>
        <source>also return the raw candidate windows before grouping</source>
        <translation>統合前の候補窓も返す</translation>
    </message>
    <message>
        <source>score threshold</source>
        <translation>スコアしきい値</translation>
    </message>
    <message>
        <source>keep detections at least this confident</source>
        <translation>この確信度以上の検出だけを残す</translation>
    </message>
    <message>
        <source>nms iou</source>
        <translation>NMS の IoU</translation>
    </message>
    <message>
        <source>boxes of one class overlapping more than this (IoU) are one object</source>
        <translation>同じクラスでこれ以上（IoU）重なる枠は 1 つの物体とみなす</translation>
    </message>
    <message>
        <source>classes</source>
        <translation>クラス</translation>
    </message>
    <message>
        <source>only these COCO classes, comma-separated (e.g. &apos;person,cup&apos;); empty = all 80</source>
        <translation>これらの COCO クラスだけ（英語名をカンマ区切り、例 &apos;person,cup&apos;）。空 = 80 クラスすべて</translation>
    </message>
    <message>
        <source>max detections</source>
        <translation>最大検出数</translation>
    </message>
    <message>
        <source>at most this many boxes per frame (best first)</source>
        <translation>1 コマあたりの枠の上限（スコアの高い順）</translation>
    </message>
    <message>
        <source>pose model</source>
        <translation>姿勢モデル</translation>
    </message>
    <message>
        <source>openpose: OpenPose MobileNet-thin (heatmaps and limb fields, the teaching view); movenet: MoveNet MultiPose Lightning, ~3x faster, up to 6 people, no teaching view (a view on runs OpenPose)</source>
        <translation>openpose: OpenPose MobileNet-thin（ヒートマップと手足の場、教材ビューあり）／movenet: MoveNet MultiPose Lightning（約 3 倍速い、最大 6 人、教材ビューなし。ビューを表示すると OpenPose で動きます）</translation>
    </message>
    <message>
        <source>openpose</source>
        <translation>OpenPose</translation>
    </message>
    <message>
        <source>movenet</source>
        <translation>MoveNet</translation>
    </message>
    <message>
        <source>network input height</source>
        <translation>入力画像の高さ</translation>
    </message>
    <message>
        <source>height the frame is scaled to for the network (width follows the aspect ratio): 256 is ~2x faster, 432 finds smaller people</source>
        <translation>ネットワークに入れる前にフレームを合わせる高さ（幅は縦横比に従う）：256 は約 2 倍速く、432 は小さな人も見つける</translation>
    </message>
    <message>
        <source>keypoint threshold</source>
        <translation>キーポイントしきい値</translation>
    </message>
    <message>
        <source>heatmap value a keypoint needs; lower finds more (and more false) keypoints</source>
        <translation>キーポイントに必要なヒートマップの値。小さいほど多く（誤りも多く）見つかる</translation>
    </message>
    <message>
        <source>limb threshold</source>
        <translation>接続しきい値</translation>
    </message>
    <message>
        <source>how well the limb field must point along a candidate limb for its samples to count; higher links fewer keypoints</source>
        <translation>2 つのキーポイントを結ぶ候補の線に沿って、PAF がどれだけその向きを指していれば接続とみなすか。大きいほどつながるキーポイントが減る</translation>
    </message>
    <message>
        <source>min keypoints</source>
        <translation>最小キーポイント数</translation>
    </message>
    <message>
        <source>people with fewer keypoints are dropped</source>
        <translation>これより少ないキーポイントの人は除く</translation>
    </message>
    <message>
        <source>teaching view</source>
        <translation>授業用表示</translation>
    </message>
    <message>
        <source>show what the network sees: one keypoint heatmap (e.g. nose), the background map, or the strength of one limb&apos;s affinity field (e.g. neck-r_shoulder); off to hide</source>
        <translation>ネットワークが見ているものを表示：キーポイント 1 つのヒートマップ（例：鼻）、背景のマップ、または部位の組 1 つの PAF の強さ（例：首→右肩）。「オフ」で非表示</translation>
    </message>
    <message>
        <source>style</source>
        <translation>画風</translation>
    </message>
    <message>
        <source>built-in style number, 0 to 25 (the style gallery shows them all)</source>
        <translation>内蔵画風の番号 0〜25（ギャラリーに全部表示）</translation>
    </message>
    <message>
        <source>blend</source>
        <translation>ブレンド</translation>
    </message>
    <message>
        <source>mix built-in styles, e.g. &apos;3:0.5,12:0.5&apos; (style:weight; weights are normalised); empty = use &apos;style&apos; alone</source>
        <translation>内蔵画風を混ぜる。例 &apos;3:0.5,12:0.5&apos;（画風:重み。重みは合計 1 に正規化）。空 = 「画風」の番号のみ</translation>
    </message>
    <message>
        <source>strength</source>
        <translation>強さ</translation>
    </message>
    <message>
        <source>1 = fully stylized, 0 = the original frame, in between a mix</source>
        <translation>1 = 完全に変換、0 = 元のコマ、その間は混合</translation>
    </message>
    <message>
        <source>preserve colour</source>
        <translation>元の色を保つ</translation>
    </message>
    <message>
        <source>keep the original colours; take only light and texture from the style</source>
        <translation>元の色を残し、画風からは明暗と質感だけを取る</translation>
    </message>
    <message>
        <source>size</source>
        <translation>大きさ</translation>
    </message>
    <message>
        <source>long side in pixels at which built-in styles are painted (result scaled back to the frame): larger = finer strokes and slower</source>
        <translation>内蔵画風を描く長辺のピクセル数（結果はフレームに戻して拡大縮小）：大きいほど筆致が細かく遅い</translation>
    </message>
    <message>
        <source>style picture</source>
        <translation>画風の画像</translation>
    </message>
    <message>
        <source>a picture to use as the style instead of the built-in ones (painted at 384x384); empty = built-in styles</source>
        <translation>内蔵画風の代わりに画風として使う画像（384×384 で描画）。空 = 内蔵画風</translation>
    </message>
    <message>
        <source>flicker reduction</source>
        <translation>ちらつき低減</translation>
    </message>
    <message>
        <source>steady the strokes from frame to frame in video (frames are then processed one at a time, in order)</source>
        <translation>動画でコマ間の筆致を安定させる（コマは 1 枚ずつ順に処理される）</translation>
    </message>
    <message>
        <source>flicker strength</source>
        <translation>ちらつき低減の強さ</translation>
    </message>
    <message>
        <source>how much of the previous frame is kept where the scene did not move</source>
        <translation>場面が動いていない所で前のコマをどれだけ残すか</translation>
    </message>
    <message>
        <source>view</source>
        <translation>表示</translation>
    </message>
    <message>
        <source>layers = a grid of one layer&apos;s feature maps; cam = where the network looks for its top class (class activation map); classes = the top 5 only</source>
        <translation>層 = 1 つの層の特徴マップを並べて表示。CAM = 1 位のクラスの判断根拠となった場所（クラス活性化マップ）。分類 = 上位 5 クラスのみ</translation>
    </message>
    <message>
        <source>layers</source>
        <translation>層</translation>
    </message>
    <message>
        <source>cam</source>
        <translation>CAM（注目領域）</translation>
    </message>
    <message>
        <source>layer</source>
        <translation>層</translation>
    </message>
    <message>
        <source>which layer&apos;s feature maps to show, from the stem (edges, textures) to the head (parts of objects)</source>
        <translation>どの層の特徴マップを表示するか。ステム（エッジ・テクスチャ）からヘッド（物体の部分）まで</translation>
    </message>
    <message>
        <source>stem</source>
        <translation>ステム</translation>
    </message>
    <message>
        <source>stage1</source>
        <translation>ステージ 1</translation>
    </message>
    <message>
        <source>stage2</source>
        <translation>ステージ 2</translation>
    </message>
    <message>
        <source>stage3</source>
        <translation>ステージ 3</translation>
    </message>
    <message>
        <source>stage4</source>
        <translation>ステージ 4</translation>
    </message>
    <message>
        <source>stage5</source>
        <translation>ステージ 5</translation>
    </message>
    <message>
        <source>stage6</source>
        <translation>ステージ 6</translation>
    </message>
    <message>
        <source>stage7</source>
        <translation>ステージ 7</translation>
    </message>
    <message>
        <source>head</source>
        <translation>ヘッド</translation>
    </message>
    <message>
        <source>channels</source>
        <translation>チャンネル数</translation>
    </message>
    <message>
        <source>how many of the layer&apos;s channels the grid shows</source>
        <translation>グリッドに表示するチャンネルの数</translation>
    </message>
    <message>
        <source>grid order</source>
        <translation>並び順</translation>
    </message>
    <message>
        <source>most active = the channels that fire most on this frame; in order = all channels, a page at a time</source>
        <translation>活性の高い順 = このフレームで最も強く反応したチャンネル。番号順 = 全チャンネルを 1 ページずつ</translation>
    </message>
    <message>
        <source>most active</source>
        <translation>活性の高い順</translation>
    </message>
    <message>
        <source>in order</source>
        <translation>番号順</translation>
    </message>
    <message>
        <source>page</source>
        <translation>ページ</translation>
    </message>
    <message>
        <source>with &apos;in order&apos;: which page of channels (page 1 starts after the first grid)</source>
        <translation>「番号順」のとき、何ページ目のチャンネルを表示するか（ページ 1 は最初のグリッドの続き）</translation>
    </message>
    <message>
        <source>channel</source>
        <translation>チャンネル</translation>
    </message>
    <message>
        <source>one channel of the layer shown enlarged beside the grid; -1 = none</source>
        <translation>グリッドの横に拡大表示する 1 チャンネル。-1 = なし</translation>
    </message>
    <message>
        <source>mode</source>
        <translation>モード</translation>
    </message>
    <message>
        <source>zoom = enlarge the region x4 (GAN beside bicubic); check = shrink the region to a quarter, enlarge it back and score both against the real region (PSNR)</source>
        <translation>拡大 = 領域を 4 倍に拡大（GAN とバイキュービックを比較）。検証 = 領域を 1/4 に縮小してから拡大し直し、両者を本物の領域と比べて採点（PSNR）</translation>
    </message>
    <message>
        <source>zoom</source>
        <translation>拡大</translation>
    </message>
    <message>
        <source>check</source>
        <translation>検証</translation>
    </message>
    <message>
        <source>side in frame pixels of the automatic (centre or face) region</source>
        <translation>自動で選ぶ領域（中央または顔）の一辺の長さ（フレームのピクセル数）</translation>
    </message>
    <message>
        <source>region</source>
        <translation>領域</translation>
    </message>
    <message>
        <source>the region as x,y,width,height in frame pixels (drag it in the window); empty = the largest face when faces is on, else the centre</source>
        <translation>領域を x,y,幅,高さ（フレームのピクセル）で指定（ウィンドウ上でドラッグしても選べます）。空 = 顔検出がオンなら最も大きい顔、それ以外は中央</translation>
    </message>
    <message>
        <source>follow faces</source>
        <translation>顔を追う</translation>
    </message>
    <message>
        <source>with no region set and faces on: zoom on the largest face</source>
        <translation>領域が未指定で顔検出がオンのとき、最も大きい顔を拡大</translation>
    </message>
    <message>
        <source>ink</source>
        <translation>インク</translation>
    </message>
    <message>
        <source>dark on light = pen or pencil on paper; light on dark = chalk on a blackboard, or a digit drawn white on black as MNIST stores them</source>
        <translation>明るい地に暗い字 = 紙にペンや鉛筆。暗い地に明るい字 = 黒板にチョーク、または MNIST の形式（黒地に白）</translation>
    </message>
    <message>
        <source>dark on light</source>
        <translation>明るい地に暗い字</translation>
    </message>
    <message>
        <source>light on dark</source>
        <translation>暗い地に明るい字</translation>
    </message>
    <message>
        <source>min score</source>
        <translation>最小スコア</translation>
    </message>
    <message>
        <source>marks the network is less sure of than this are not reported as digits</source>
        <translation>ネットワークの確信度がこれより低い印は数字として報告しない</translation>
    </message>
    <message>
        <source>sensitivity</source>
        <translation>感度</translation>
    </message>
    <message>
        <source>how faint a stroke still counts as ink (higher finds pencil, and more dirt)</source>
        <translation>どれだけ薄い線までインクとみなすか（高いほど鉛筆も見つかるが、汚れも拾う）</translation>
    </message>
    <message>
        <source>chosen</source>
        <translation>選択</translation>
    </message>
    <message>
        <source>which digit the teaching view opens up, in reading order (0 = the first)</source>
        <translation>授業用表示で開く数字（読む順、0 = 最初）</translation>
    </message>
    <message>
        <source>layers view</source>
        <translation>層の表示</translation>
    </message>
    <message>
        <source>show the chosen digit&apos;s 28 x 28 input, its layers before and after pooling, and the 10 probabilities</source>
        <translation>選んだ数字の 28 x 28 入力、プーリング前後の層、10 個の確率を表示</translation>
    </message>
    <message>
        <source>mask = the person white on black; cutout = the person on black; blur = the background blurred; replace = a picture behind the person</source>
        <translation>マスク = 黒地に白で人物。切り抜き = 黒地に人物。ぼかし = 背景をぼかす。差し替え = 人物の後ろに画像</translation>
    </message>
    <message>
        <source>mask</source>
        <translation>マスク</translation>
    </message>
    <message>
        <source>cutout</source>
        <translation>切り抜き</translation>
    </message>
    <message>
        <source>blur</source>
        <translation>ぼかし</translation>
    </message>
    <message>
        <source>replace</source>
        <translation>差し替え</translation>
    </message>
    <message>
        <source>threshold</source>
        <translation>しきい値</translation>
    </message>
    <message>
        <source>how sure the network must be that a pixel is a person</source>
        <translation>画素を人とみなすのに必要なネットワークの確信度</translation>
    </message>
    <message>
        <source>edge smoothing</source>
        <translation>輪郭のなめらかさ</translation>
    </message>
    <message>
        <source>0 = a hard cut at the threshold; higher = a softer, feathered edge</source>
        <translation>0 = しきい値でくっきり切る。大きいほど輪郭を柔らかくぼかす</translation>
    </message>
    <message>
        <source>temporal smoothing</source>
        <translation>時間方向の平滑化</translation>
    </message>
    <message>
        <source>how much of the previous frames&apos; mask is kept where nothing moved, so the edge does not flicker (0 = off)</source>
        <translation>動きのない所で前のコマのマスクをどれだけ残すか。輪郭のちらつきを抑える（0 = オフ）</translation>
    </message>
    <message>
        <source>how strongly &apos;blur&apos; blurs the background</source>
        <translation>「ぼかし」で背景をどれだけ強くぼかすか</translation>
    </message>
    <message>
        <source>background picture</source>
        <translation>背景画像</translation>
    </message>
    <message>
        <source>the picture behind the person in &apos;replace&apos;; empty = a plain backdrop</source>
        <translation>「差し替え」で人物の後ろに置く画像。空 = 無地の背景</translation>
    </message>
    <message>
        <source>examples folder</source>
        <translation>例のフォルダー</translation>
    </message>
    <message>
        <source>a folder with one sub-folder of example pictures per class (the folder names are the labels); the window&apos;s Ctrl+1..5 add the frame to it</source>
        <translation>クラスごとに例の画像のサブフォルダーを持つフォルダー（フォルダー名がラベル）。ウィンドウでは Ctrl+1..5 でコマを追加</translation>
    </message>
    <message>
        <source>method</source>
        <translation>方法</translation>
    </message>
    <message>
        <source>nearest = the k most similar examples vote; logistic = a small new last layer fitted to the examples</source>
        <translation>最近傍 = 最も似た k 個の例が投票。ロジスティック = 例に合わせて学習した小さな最終層</translation>
    </message>
    <message>
        <source>nearest</source>
        <translation>最近傍</translation>
    </message>
    <message>
        <source>logistic</source>
        <translation>ロジスティック回帰</translation>
    </message>
    <message>
        <source>k</source>
        <translation>k</translation>
    </message>
    <message>
        <source>nearest: how many of the most similar examples vote</source>
        <translation>最近傍：最も似た例のうち何個が投票するか</translation>
    </message>
    <message>
        <source>the part of the frame the network sees, &apos;x,y,width,height&apos; in frame pixels (drag a box in the window); empty = the centre square</source>
        <translation>ネットワークが見る部分を x,y,幅,高さ（フレームのピクセル）で指定（ウィンドウ上でドラッグしても選べます）。空 = 中央の正方形</translation>
    </message>
    <message>
        <source>map</source>
        <translation>マップ</translation>
    </message>
    <message>
        <source>draw the 2-D map of the examples with the frame as a dot</source>
        <translation>例の 2 次元マップを描き、今のコマを点で示す</translation>
    </message>
</context>
<context>
    <name>SourceBar</name>
    <message>
        <source>Videos and pictures</source>
        <translation>動画と画像</translation>
    </message>
    <message>
        <source>Camera</source>
        <translation>カメラ</translation>
    </message>
    <message>
        <source>Looking for cameras…</source>
        <translation>カメラを探しています…</translation>
    </message>
    <message>
        <source>No camera found</source>
        <translation>カメラが見つかりません</translation>
    </message>
    <message>
        <source>Look again</source>
        <translation>もう一度探す</translation>
    </message>
    <message>
        <source>Pictures</source>
        <translation>画像</translation>
    </message>
    <message>
        <source>All files</source>
        <translation>すべてのファイル</translation>
    </message>
</context>
<context>
    <name>Sources</name>
    <message>
        <source>Camera</source>
        <translation>カメラ</translation>
    </message>
    <message>
        <source>Video</source>
        <translation>動画</translation>
    </message>
    <message>
        <source>Picture</source>
        <translation>画像</translation>
    </message>
    <message>
        <source>Folder</source>
        <translation>フォルダー</translation>
    </message>
    <message>
        <source>Stream</source>
        <translation>ストリーム</translation>
    </message>
    <message>
        <source>Sample clip</source>
        <translation>サンプル動画</translation>
    </message>
    <message>
        <source>Test pattern</source>
        <translation>テストパターン</translation>
    </message>
</context>
<context>
    <name>Stats</name>
    <message>
        <source>1 face</source>
        <translation>顔 1</translation>
    </message>
    <message>
        <source>{n} faces</source>
        <translation>顔 {n}</translation>
    </message>
    <message>
        <source>, </source>
        <translation>、</translation>
    </message>
    <message>
        <source>no objects</source>
        <translation>物体なし</translation>
    </message>
    <message>
        <source>1 person (pose)</source>
        <translation>1 人（姿勢）</translation>
    </message>
    <message>
        <source>{n} people (pose)</source>
        <translation>{n} 人（姿勢）</translation>
    </message>
    <message>
        <source>style: {name}</source>
        <translation>画風：{name}</translation>
    </message>
    <message>
        <source>PSNR GAN {gan:.1f} / bicubic {bicubic:.1f} dB</source>
        <translation>PSNR GAN {gan:.1f} / バイキュービック {bicubic:.1f} dB</translation>
    </message>
    <message>
        <source>digits: {digits}</source>
        <translation>数字：{digits}</translation>
    </message>
    <message>
        <source>no digits</source>
        <translation>数字なし</translation>
    </message>
    <message>
        <source>person {percent}%</source>
        <translation>人物 {percent}%</translation>
    </message>
    <message>
        <source>ended</source>
        <translation>再生終了</translation>
    </message>
    <message>
        <source>paused</source>
        <translation>一時停止中</translation>
    </message>
    <message>
        <source>{v:.1f} fps</source>
        <translation>{v:.1f} fps</translation>
    </message>
    <message>
        <source>{ms:.0f} ms</source>
        <translation>{ms:.0f} ms</translation>
    </message>
    <message>
        <source>errors {n}</source>
        <translation>エラー {n}</translation>
    </message>
    <message>
        <source>{ms:.0f} ms (median {median:.0f} ms)</source>
        <translation>{ms:.0f} ms（中央値 {median:.0f} ms）</translation>
    </message>
    <message>
        <source>Time per stage</source>
        <translation>段階ごとの時間</translation>
    </message>
    <message>
        <source>(median, ms)</source>
        <translation>（中央値、ms）</translation>
    </message>
    <message>
        <source>Device: checking…</source>
        <translation>実行環境：確認中…</translation>
    </message>
    <message>
        <source>Precision</source>
        <translation>演算精度</translation>
    </message>
    <message>
        <source>model precision; changing it reloads the models</source>
        <translation>モデルの演算精度（変更するとモデルを読み込み直します）</translation>
    </message>
    <message>
        <source>Execution provider:</source>
        <translation>実行環境：</translation>
    </message>
    <message>
        <source>Capture</source>
        <translation>入力</translation>
    </message>
    <message>
        <source>frames per second arriving from the source</source>
        <translation>入力から届く 1 秒あたりのコマ数</translation>
    </message>
    <message>
        <source>Processed</source>
        <translation>処理</translation>
    </message>
    <message>
        <source>frames per second through all the active processors</source>
        <translation>有効な処理をすべて通った 1 秒あたりのコマ数</translation>
    </message>
    <message>
        <source>Display</source>
        <translation>表示</translation>
    </message>
    <message>
        <source>new frames per second painted in the window</source>
        <translation>ウィンドウに描いた新しいコマの 1 秒あたりの数</translation>
    </message>
    <message>
        <source>Latency</source>
        <translation>遅延</translation>
    </message>
    <message>
        <source>capture to result ready: this frame (median of the last ones)</source>
        <translation>取り込みから結果まで：このコマ（直近の中央値）</translation>
    </message>
    <message>
        <source>Dropped</source>
        <translation>飛ばしたコマ</translation>
    </message>
    <message>
        <source>frames skipped because the processors were busy: live sources keep only the newest frame, real-time playback skips frames to keep the file&apos;s own clock</source>
        <translation>処理が追いつかず飛ばしたコマ：ライブ入力は最新のコマだけを使い、実時間再生はファイル本来の時間を保つためにコマを飛ばす</translation>
    </message>
    <message>
        <source>Frames</source>
        <translation>コマ数</translation>
    </message>
    <message>
        <source>frames processed since the source was opened</source>
        <translation>入力を開いてから処理したコマ数</translation>
    </message>
    <message>
        <source>Found</source>
        <translation>検出結果</translation>
    </message>
    <message>
        <source>what the processors found on the frame on screen</source>
        <translation>表示中のコマで見つかったもの</translation>
    </message>
    <message>
        <source>read</source>
        <translation>読込</translation>
    </message>
    <message>
        <source>draw</source>
        <translation>描画</translation>
    </message>
    <message>
        <source>write</source>
        <translation>書込</translation>
    </message>
    <message>
        <source>faces</source>
        <translation>顔検出</translation>
    </message>
    <message>
        <source>objects</source>
        <translation>物体検出</translation>
    </message>
    <message>
        <source>pose</source>
        <translation>姿勢推定</translation>
    </message>
    <message>
        <source>style</source>
        <translation>画風</translation>
    </message>
    <message>
        <source>cnn</source>
        <translation>CNN</translation>
    </message>
    <message>
        <source>superres</source>
        <translation>超解像</translation>
    </message>
    <message>
        <source>digits</source>
        <translation>数字</translation>
    </message>
    <message>
        <source>segment</source>
        <translation>領域分割</translation>
    </message>
    <message>
        <source>teach</source>
        <translation>教える</translation>
    </message>
    <message>
        <source>auto</source>
        <translation>自動</translation>
    </message>
    <message>
        <source>INT8 models on CPUs with 8-bit dot-product instructions (VNNI/AMX), FP32 otherwise and on the GPU</source>
        <translation>8 ビット内積命令（VNNI/AMX）を持つ CPU では INT8 モデル、それ以外の CPU と GPU では FP32</translation>
    </message>
    <message>
        <source>FP32</source>
        <translation>FP32</translation>
    </message>
    <message>
        <source>the original 32-bit float models</source>
        <translation>元の 32 ビット浮動小数点モデル</translation>
    </message>
    <message>
        <source>INT8</source>
        <translation>INT8</translation>
    </message>
    <message>
        <source>the 8-bit models where one is shipped (objects); faster on CPUs with VNNI/AMX, within the accuracy gates of tests/test_precision.py</source>
        <translation>8 ビットモデルがあるもの（物体検出）で使う。VNNI/AMX を持つ CPU で速く、精度は tests/test_precision.py の基準内</translation>
    </message>
</context>
<context>
    <name>StyleGallery</name>
    <message>
        <source>style {i}: {name}</source>
        <translation>画風 {i}：{name}</translation>
    </message>
    <message>
        <source>Paint on this frame</source>
        <translation>このコマで描き直す</translation>
    </message>
    <message>
        <source>render the 26 thumbnails again on the picture now on screen</source>
        <translation>表示中の画像で 26 個の見本を描き直す</translation>
    </message>
    <message>
        <source>Style from image…</source>
        <translation>画像から画風…</translation>
    </message>
    <message>
        <source>use any picture (a painting, a photo) as the style</source>
        <translation>好きな画像（絵画、写真）を画風として使う</translation>
    </message>
    <message>
        <source>painting the 26 styles on this picture…</source>
        <translation>この画像に 26 種の画風を描いています…</translation>
    </message>
    <message>
        <source>thumbnails unavailable</source>
        <translation>見本を作れません</translation>
    </message>
    <message>
        <source>Style gallery: {error}</source>
        <translation>画風ギャラリー：{error}</translation>
    </message>
</context>
<context>
    <name>VideoView</name>
    <message>
        <source>No video yet</source>
        <translation>まだ映像がありません</translation>
    </message>
    <message>
        <source>original</source>
        <translation>元画像</translation>
    </message>
    <message>
        <source>processed</source>
        <translation>処理後</translation>
    </message>
</context>
<context>
    <name>Window</name>
    <message>
        <source>Saved settings of {name} ignored: {error}</source>
        <translation>{name} の保存済み設定を無視しました：{error}</translation>
    </message>
    <message>
        <source>Open a video or a picture</source>
        <translation>動画か画像を開く</translation>
    </message>
    <message>
        <source>Open a folder of pictures</source>
        <translation>画像フォルダーを開く</translation>
    </message>
    <message>
        <source>Open a stream</source>
        <translation>ストリームを開く</translation>
    </message>
    <message>
        <source>Stream URL (rtsp://, http://, https://):</source>
        <translation>ストリーム URL（rtsp://、http://、https://）：</translation>
    </message>
    <message>
        <source>Opening {spec}…</source>
        <translation>{spec} を開いています…</translation>
    </message>
    <message>
        <source>Super-resolution region: {region} (double-click: back to auto)</source>
        <translation>超解像の領域：{region}（ダブルクリックで自動に戻す）</translation>
    </message>
    <message>
        <source>Super-resolution region: automatic (centre or face)</source>
        <translation>超解像の領域：自動（中央または顔）</translation>
    </message>
    <message>
        <source>Choose a picture to use as the style</source>
        <translation>画風として使う画像を選ぶ</translation>
    </message>
    <message>
        <source>Loading the {name} model…</source>
        <translation>{name} のモデルを読み込んでいます…</translation>
    </message>
    <message>
        <source>Paused</source>
        <translation>一時停止中</translation>
    </message>
    <message>
        <source>Snapshot saved: {path}</source>
        <translation>スナップショットを保存しました：{path}</translation>
    </message>
    <message>
        <source>Snapshot saved</source>
        <translation>スナップショットを保存しました</translation>
    </message>
    <message>
        <source>End of the video: Space plays it again</source>
        <translation>動画の終わりです。スペースキーでもう一度再生します</translation>
    </message>
    <message>
        <source>Real time</source>
        <translation>実時間</translation>
    </message>
    <message>
        <source>Every frame</source>
        <translation>全コマ</translation>
    </message>
    <message>
        <source>Real time (T): the file&apos;s own speed; frames the processors cannot keep up with are skipped and counted as dropped</source>
        <translation>実時間（T）：ファイル本来の速さ。処理が追いつかないコマは飛ばし、「飛ばしたコマ」に数える</translation>
    </message>
    <message>
        <source>Every frame (T): no frame skipped, as fast as the processors go (slower than real time when they are slow)</source>
        <translation>全コマ（T）：コマを飛ばさず、処理できる速さで再生（処理が遅いと実時間より遅くなる）</translation>
    </message>
    <message>
        <source>Recording: {error}</source>
        <translation>録画：{error}</translation>
    </message>
    <message>
        <source>Recording to {path}</source>
        <translation>録画中：{path}</translation>
    </message>
    <message>
        <source>Recording saved: {path}</source>
        <translation>録画を保存しました：{path}</translation>
    </message>
    <message>
        <source>● Recording</source>
        <translation>● 録画中</translation>
    </message>
    <message>
        <source>Recording saved</source>
        <translation>録画を保存しました</translation>
    </message>
    <message>
        <source>Where recordings and snapshots go</source>
        <translation>録画とスナップショットの保存先</translation>
    </message>
    <message>
        <source>Output folder: {path}</source>
        <translation>出力フォルダー：{path}</translation>
    </message>
    <message>
        <source>No picture yet: open a camera or a file first</source>
        <translation>まだ画像がありません：先にカメラかファイルを開いてください</translation>
    </message>
    <message>
        <source>Example {n} of &apos;{label}&apos; saved in {folder}</source>
        <translation>「{label}」の例 {n} を {folder} に保存しました</translation>
    </message>
    <message>
        <source>Name a class</source>
        <translation>クラスに名前を付ける</translation>
    </message>
    <message>
        <source>Class number and name, e.g. &apos;2 pen&apos;:</source>
        <translation>クラス番号と名前（例：&apos;2 ペン&apos;）：</translation>
    </message>
    <message>
        <source>Start with the class number (1-99), then its name: &apos;2 pen&apos;</source>
        <translation>先頭にクラス番号（1〜99）、続けて名前を書いてください：&apos;2 ペン&apos;</translation>
    </message>
    <message>
        <source>Clear the classes</source>
        <translation>クラスを消去</translation>
    </message>
    <message>
        <source>Remove every example picture in {folder}?</source>
        <translation>{folder} の例の画像をすべて削除しますか？</translation>
    </message>
    <message>
        <source>{n} example pictures removed</source>
        <translation>例の画像を {n} 枚削除しました</translation>
    </message>
</context>
</TS>
