"""PlateRecognizer over the tiny model: result shape, threshold, classify, threads."""

from __future__ import annotations

import threading
from dataclasses import replace

import numpy as np
import pytest

from plate_gui.core import ImageReadError, PlateRecognizer, PlateResult

from .plates import draw_plate


@pytest.fixture(scope="module")
def plate():
    img, boxes = draw_plate(rows=["GV5679"])
    return img, boxes


def test_recognize_returns_a_well_formed_result(tiny_weights, plate):
    result = PlateRecognizer(tiny_weights).recognize(plate[0])
    assert isinstance(result, PlateResult) and result.image_size == (plate[0].shape[1], plate[0].shape[0])
    assert len(result.text) == len(result.chars) == len(result.confidences)
    for c in result.chars:
        assert 0.0 <= c.confidence <= 1.0 and c.box is not None and c.char != "#"
        assert [p for _, p in c.alternatives] == sorted((p for _, p in c.alternatives), reverse=True)
        assert c.failed == (c.confidence < result.threshold)
    assert {"decode", "segment", "classify", "total"} <= set(result.timings_ms)


@pytest.mark.parametrize("threshold, all_failed", [(0.0, False), (1.0, True)])
def test_threshold_marks_failures(tiny_weights, plate, threshold, all_failed):
    result = PlateRecognizer(tiny_weights, threshold=threshold).recognize(plate[0])
    assert result.chars
    assert all(c.failed == all_failed for c in result.chars)
    assert (set(result.text) == {"?"}) == all_failed


def test_failed_characters_show_as_question_marks(tiny_weights, plate):
    result = PlateRecognizer(tiny_weights).recognize(plate[0])
    mid = sorted(c.confidence for c in result.chars)[len(result.chars) // 2]
    marked = result.with_threshold(mid)
    assert marked.text == "".join("?" if c.confidence < mid else c.char for c in result.chars)
    assert marked.raw_text == result.raw_text and "?" not in marked.raw_text
    assert 0 < marked.text.count("?") < len(marked.text)


@pytest.mark.parametrize("threshold", [0.0, 0.3, 0.7, 1.0])
def test_with_threshold_re_marks_without_changing_confidences(tiny_weights, plate, threshold):
    result = PlateRecognizer(tiny_weights).recognize(plate[0])
    again = result.with_threshold(threshold)
    assert again.threshold == threshold
    assert [c.confidence for c in again.chars] == [c.confidence for c in result.chars]
    assert [c.alternatives for c in again.chars] == [c.alternatives for c in result.chars]
    assert [c.box for c in again.chars] == [c.box for c in result.chars]
    assert [c.failed for c in again.chars] == [c.confidence < threshold for c in result.chars]
    assert again.raw_text == result.raw_text and again.image_size == result.image_size
    # The same as running the model with that threshold.
    rerun = PlateRecognizer(tiny_weights, threshold=threshold).recognize(plate[0])
    assert rerun.to_dict() == again.to_dict()


def test_recognize_reads_paths_bytes_and_arrays_alike(tiny_weights, plate, tmp_path):
    import cv2

    path = tmp_path / "p.png"
    assert cv2.imwrite(str(path), plate[0])
    rec = PlateRecognizer(tiny_weights)
    results = [rec.recognize(path), rec.recognize(path.read_bytes()), rec.recognize(plate[0])]
    assert results[0].to_dict() == results[1].to_dict() == results[2].to_dict()


def test_classify_gives_one_prediction_per_crop(tiny_weights):
    crops = [np.full((30, 15), 200, np.uint8), np.zeros((12, 40, 3), np.uint8)]
    preds = PlateRecognizer(tiny_weights).classify(crops)
    assert len(preds) == 2
    for p in preds:
        assert len(p.alternatives) == 3 and p.alternatives[0] == (p.char, p.confidence)
        probs = [q for _, q in p.alternatives]
        assert probs == sorted(probs, reverse=True) and sum(probs) <= 1.0 + 1e-6
        assert len({a for a, _ in p.alternatives}) == 3 and p.box is None
    assert PlateRecognizer(tiny_weights).classify([]) == []


def test_classify_matches_probabilities(tiny_weights):
    rec = PlateRecognizer(tiny_weights)
    crops = [draw_plate(rows=["A"])[0][10:90, 20:80], np.full((20, 20), 128, np.uint8)]
    probs = rec.probabilities(crops)
    assert probs.shape == (2, len(rec.meta.charset)) and np.allclose(probs.sum(axis=1), 1, atol=1e-5)
    for p, row in zip(rec.classify(crops), probs):
        assert p.char == rec.meta.charset[int(np.argmax(row))]
        assert p.confidence == pytest.approx(float(row.max()))


def test_class_prior_reweights_probabilities(tiny_weights, tmp_path):
    """p(c | crop) is proportional to softmax(c) * prior(c), renormalised."""
    import json
    import shutil

    from plate_gui.core.weights import write_metadata

    model = tmp_path / "m.onnx"
    shutil.copy(tiny_weights, model)
    meta = json.loads(tiny_weights.with_suffix(".json").read_text())
    crops = [draw_plate(rows=["A"])[0][10:90, 20:80], np.full((20, 20), 128, np.uint8)]
    plain = PlateRecognizer(tiny_weights).probabilities(crops)
    prior = np.ones(len(meta["charset"]))
    prior[meta["charset"].index("Q")] = 1000.0
    meta.pop("sha256")
    write_metadata(model, {**meta, "class_prior": prior.tolist()})
    rec = PlateRecognizer(model)
    weighted = rec.probabilities(crops)
    expected = plain * prior
    assert np.allclose(weighted, expected / expected.sum(axis=1, keepdims=True), atol=1e-5)
    assert [p.char for p in rec.classify(crops)] == ["Q", "Q"]


def test_blank_image_reads_nothing(tiny_weights):
    result = PlateRecognizer(tiny_weights).recognize(np.full((60, 200), 255, np.uint8))
    assert result.chars == () and result.text == "" and result.failed


def test_bad_image_raises_image_read_error(tiny_weights, tmp_path):
    (tmp_path / "x.png").write_text("nope")
    with pytest.raises(ImageReadError, match="not an image"):
        PlateRecognizer(tiny_weights).recognize(tmp_path / "x.png")


@pytest.mark.parametrize("threshold", [-0.1, 1.5, float("nan")])
def test_bad_threshold(tiny_weights, threshold):
    with pytest.raises(ValueError, match="threshold"):
        PlateRecognizer(tiny_weights, threshold=threshold)


def test_region_rules_are_applied_per_call(tiny_weights, plate):
    rec = PlateRecognizer(tiny_weights)
    assert rec.recognize(plate[0]).region is None
    with pytest.raises(ValueError, match="unknown region"):
        rec.recognize(plate[0], region="mars")


def test_two_threads_share_one_recognizer(tiny_weights):
    rec = PlateRecognizer(tiny_weights)
    plates = [draw_plate(rows=[t])[0] for t in ("AB12", "XY789", "K1")]
    expected = [rec.recognize(p).to_dict() for p in plates]
    got: dict[int, list] = {0: [], 1: []}

    def work(i: int) -> None:
        for _ in range(10):
            got[i].append([rec.recognize(p).to_dict() for p in plates])

    threads = [threading.Thread(target=work, args=(i,)) for i in (0, 1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(len(got[i]) == 10 for i in got)
    assert all(run == expected for i in got for run in got[i])


def test_two_rows_outside_hong_kong_s_layout_score_lower():
    from plate_gui.core.recognizer import ODD_TWO_ROWS, reading_score
    from plate_gui.core.results import CharPrediction

    def reading(rows):
        return [CharPrediction(c, 0.9, ((c, 0.9),), False, None, r) for c, r in zip("LJD5382", rows)]

    one_row = reading([0] * 7)
    odd = reading([0, 0, 0, 1, 1, 1, 1])  # three over four: a U cut into L and J, say
    hong_kong = odd[1:]  # J D over 5382: two letters over four digits
    assert reading_score(odd) == pytest.approx(ODD_TWO_ROWS * reading_score(one_row))
    assert reading_score(hong_kong) == pytest.approx(reading_score(one_row[1:]))


def test_a_character_much_shorter_than_its_row_counts_as_doubtful():
    from plate_gui.core.recognizer import SHORT_FACTOR, reading_score
    from plate_gui.core.results import Box, CharPrediction

    def char(c, h, x, row=0):
        return CharPrediction(c, 0.95, ((c, 0.95),), False, Box(x, 40 - h, 18, h), row)

    plate = [char(c, 40, 20 * i) for i, c in enumerate("LLL333")]
    emblem = plate[:3] + [char("6", 30, 60)] + plate[3:]  # an emblem read as a 6 between the groups
    mean = (6 * 0.95 + SHORT_FACTOR * 0.95) / 7
    assert reading_score(emblem) == pytest.approx(mean ** 3 * 7)
    assert reading_score(emblem) < reading_score(plate)
    # Slightly shorter (a character's box cut a little tight) counts in full, and rows
    # too short for a median are left alone.
    tight = plate[:3] + [char("6", 36, 60)] + plate[3:]
    assert reading_score(tight) == pytest.approx(0.95 ** 3 * 7)
    assert reading_score(emblem[2:5]) == pytest.approx(0.95 ** 3 * 3)


def _row_with_junk(junk_x, junk_h=40, text="247?410", pitch=22):
    """A row of characters 18 wide at ``pitch``, the ``?`` replaced by a junk box at x."""
    from plate_gui.core.results import Box, CharPrediction

    out = []
    for i, c in enumerate(text):
        if c == "?":
            out.append(CharPrediction("#", 0.4, (("#", 0.4), ("4", 0.3)), True,
                                      Box(junk_x, 40 - junk_h, 18, junk_h)))
        else:
            out.append(CharPrediction(c, 0.95, ((c, 0.95),), False, Box(pitch * i, 0, 18, 40)))
    return out


def test_a_junk_box_where_the_row_misses_a_character_is_in_a_gap():
    from plate_gui.core.recognizer import in_char_gap

    assert in_char_gap(_row_with_junk(66), 3)  # 247 ? 410: room for one character
    assert not in_char_gap(_row_with_junk(72), 3)  # off the gap's middle
    assert not in_char_gap(_row_with_junk(66, junk_h=24), 3)  # too short: an emblem, a dash
    assert not in_char_gap(_row_with_junk(60), 3)  # overlaps the 7
    wide = _row_with_junk(77, text="247??410")  # room for two: groups spaced apart
    assert not in_char_gap([c for i, c in enumerate(wide) if i != 4], 3)
    assert not in_char_gap(_row_with_junk(154, text="2470410?"), 7)  # at the row's end


def test_junk_in_a_character_gap_is_shown_not_dropped(tiny_weights):
    from plate_gui.core.recognizer import GAP_JUNK_MAX

    rec = PlateRecognizer(tiny_weights)
    junk = rec.meta.charset.index("#")
    four = rec.meta.charset.index("4")
    preds = _row_with_junk(66)

    def probs(p_junk):
        out = []
        for c in preds:
            p = np.zeros(len(rec.meta.charset), np.float32)
            if c.is_junk:
                p[junk], p[four] = p_junk, 1.0 - p_junk
            else:
                p[rec.meta.charset.index(c.char)] = 1.0
            out.append(p)
        return out

    # Doubted junk in the gap: its likeliest character, with its own probability.
    shown = rec._without_junk(preds, probs(0.4))
    assert "".join(c.char for c in shown) == "2474410"
    assert shown[3].confidence == pytest.approx(0.6) and shown[3].box == preds[3].box
    # Junk the model is sure of, or junk elsewhere, is left out.
    assert "".join(c.char for c in rec._without_junk(preds, probs(GAP_JUNK_MAX))) == "247410"
    off = _row_with_junk(72)
    assert "".join(c.char for c in rec._without_junk(off, probs(0.4))) == "247410"


def test_a_thin_bar_far_off_a_row_s_end_is_read_without_too(tiny_weights):
    from plate_gui.core.recognizer import frame_rims
    from plate_gui.core.results import Box, CharPrediction

    def char(c, x, y, w=20, row=0, conf=0.95):
        return CharPrediction(c, conf, ((c, conf),), False, Box(x, y, w, 40), row)

    # L S over 9 7 7 1, and the frame's right rim beside the S read as I.
    plate = [char("L", 40, 0), char("S", 64, 0), char("I", 130, 0, w=6, conf=0.97),
             char("9", 20, 45, row=1), char("7", 44, 45, row=1), char("7", 68, 45, row=1),
             char("1", 92, 45, w=6, row=1)]
    assert frame_rims(plate) == {2}  # the 1 is as thin, but beside the 7
    # Hong Kong's SA716: a rim a third of the height wide, left of the bottom row's 7.
    sa = [char("S", 60, 0), char("A", 84, 0), char("1", 4, 45, w=13, row=1),
          char("7", 44, 45, row=1), char("1", 68, 45, w=8, row=1), char("6", 80, 45, row=1)]
    assert frame_rims(sa) == {2}
    sa[2] = replace(sa[2], box=replace(sa[2].box, w=17))  # under half a height: a character
    assert frame_rims(sa) == set()
    near = plate[:2] + [char("I", 90, 0, w=6)] + plate[3:]  # one width off: a character
    assert frame_rims(near) == set()
    # Without the rim the rows are Hong Kong's layout (two over four), which scores higher.
    shown, _ = PlateRecognizer(tiny_weights)._choose([plate], None)[:2]
    assert "".join(c.char for c in shown) == "LS9771"


def _row(xs, y=10, w=20, h=40, text=None):
    from plate_gui.core.results import Box, CharPrediction

    text = text or "ABCDEFGHJK"[:len(xs)]
    return [CharPrediction(c, 0.95, ((c, 0.95),), False, Box(x, y, w, h)) for c, x in zip(text, xs)]


def _pieces():
    """A row 40 high: P, an H cut into two bars 8 wide, V, G; a bar far from the G."""
    row = _row([0, 30, 41, 56, 82, 130], text="PIIVGI")
    return [replace(c, box=replace(c.box, w=8)) if c.char == "I" else c for c in row]


def test_neighbours_that_may_be_one_character_cut_in_two_are_paired():
    from plate_gui.core.recognizer import merge_pairs
    from plate_gui.core.results import Box

    pairs = merge_pairs(_pieces())
    # A narrow piece and its neighbour, together at most MERGE_WIDTH (1.1) of the
    # height wide with at most MERGE_GAP (0.35) of it between them. V and G are both
    # wide; the last bar is 28 from the G.
    assert [(a, b) for a, b, _ in pairs] == [(0, 1), (1, 2), (2, 3)]
    assert pairs[1][2] == Box(30, 10, 19, 40)
    # Rows are paired apart.
    two_rows = [replace(c, row=int(c.box.x >= 41)) for c in _pieces()]
    assert (1, 2) not in [(a, b) for a, b, _ in merge_pairs(two_rows)]


def test_two_pieces_read_as_one_character_are_joined(tiny_weights, monkeypatch):
    from plate_gui.core.recognizer import MERGE_MIN

    rec = PlateRecognizer(tiny_weights)
    charset = rec.meta.charset
    reading = _pieces()
    gray = np.full((60, 160), 200, np.uint8)
    joined = {(0, 1): ("#", 0.9), (1, 2): ("H", 0.9), (2, 3): ("N", MERGE_MIN - 0.05)}

    def probs(crops):
        assert len(crops) == len(joined)
        out = np.zeros((len(crops), len(charset)), np.float32)
        for k, (char, conf) in enumerate(joined.values()):
            out[k, charset.index(char)] = conf
            out[k, charset.index("5")] = 1.0 - conf
        return out

    monkeypatch.setattr(rec, "probabilities", probs)
    found = rec._merged_readings(reading, gray)
    # P with the first bar reads as junk, the second bar with V under MERGE_MIN: the
    # two bars are joined into an H, in their place.
    assert ["".join(c.char for c in r) for r in found] == ["PHVGI"]
    assert found[0][1].box.x == 30 and found[0][1].confidence == pytest.approx(0.9)
    joined[(2, 3)] = ("N", 0.8)
    found = rec._merged_readings(reading, gray)
    assert ["".join(c.char for c in r) for r in found] == ["PHVGI", "PINGI"]


def test_a_row_s_rhythm_gives_slots_beyond_its_ends_and_in_its_gaps():
    from plate_gui.core.recognizer import SLOT_END_MIN, SLOT_GAP_MIN, row_slots

    # Characters 30 apart, one missing between the third and the fourth.
    slots = row_slots(_row([40, 70, 100, 160, 190]), (80, 260))
    centres = [(round(np.mean([b.x + b.w / 2 for b in boxes])), need) for boxes, need in slots]
    assert centres == [(20, SLOT_END_MIN), (140, SLOT_GAP_MIN), (230, SLOT_END_MIN)]
    for boxes, _ in slots:
        # At the slot and either side, padded and of the row's box size.
        padded, tight = boxes[:3], boxes[3:]
        assert len(tight) == 3 and len({b.x for b in padded}) == len({b.x for b in tight}) == 3
        assert all(b.y < 10 and b.y + b.h > 50 and 20 < b.w < 30 for b in padded)
        assert all((b.y, b.h, b.w) == (10, 40, 20) for b in tight)
    # The gap's far side gives the same slot once: the middle of a two-pitch gap.
    assert len(row_slots(_row([40, 70, 100, 160]), (80, 260))) == 3
    # A narrower gap's sides give two places, crops of one slot (one character added),
    # less the crops reaching well into a character (a wide one after the gap).
    row = _row([40, 70, 100, 146])
    row[3] = replace(row[3], box=replace(row[3].box, w=40))
    left, gap, right = row_slots(row, (80, 260))
    assert len(gap[0]) == 10
    assert all(min(b.x + b.w, 146 + 40) - max(b.x, 146) <= 0.3 * 20 + 3 for b in gap[0])


def test_slots_reaching_outside_the_image_or_of_short_rows_are_left_out():
    from plate_gui.core.recognizer import row_slots

    assert row_slots(_row([5, 35, 65]), (80, 90)) == []  # both ends cross the edge
    assert row_slots(_row([40, 70]), (80, 260)) == []  # too few to have a rhythm
    two_rows = _row([40, 70, 100])
    two_rows[1] = replace(two_rows[1], row=1)
    assert row_slots(two_rows, (80, 260)) == []  # one row only
    assert row_slots(_row([40, 70]), (80, 260), min_row=2)  # a two-row plate's row


def test_a_wide_gap_s_slot_also_has_crops_in_its_middle():
    """Hong Kong's 8 _ 0 1: the narrow 1 makes the pitch 23, and the places a pitch
    from the gap's sides (76 and 97) miss the 6 between (its middle: 86)."""
    from plate_gui.core.recognizer import SLOT_GAP_MIN, row_slots

    row = _row([38, 104, 138], w=30, text="801")
    row[2] = replace(row[2], box=replace(row[2].box, w=11))
    gaps = [boxes for boxes, need in row_slots(row, (80, 200)) if need == SLOT_GAP_MIN]
    middles = {b.x + b.w / 2 for boxes in gaps for b in boxes if b.h == 40}
    assert any(abs(m - 86) <= 1 for m in middles)
    assert any(abs(m - 86) > 8 for m in middles)  # and the places a pitch from its sides


def test_a_character_found_in_a_slot_is_added_to_the_reading(tiny_weights, monkeypatch):
    rec = PlateRecognizer(tiny_weights)
    charset = rec.meta.charset
    reading = _row([40, 70, 100, 160, 190], text="24741")
    gray = np.full((80, 260), 200, np.uint8)
    # Every crop's probabilities, in the order row_slots gives them: left end, gap, right end.
    per_slot = {"left": ("9", 0.7), "gap": ("0", 0.95), "right": ("#", 0.9)}

    from plate_gui.core.recognizer import row_slots

    sizes = [len(boxes) for boxes, _ in row_slots(reading, gray.shape)]

    def probs(crops):
        out = []
        for name, size in zip(("left", "gap", "right"), sizes, strict=True):
            for _ in range(size):
                p = np.zeros(len(charset), np.float32)
                char, conf = per_slot[name]
                p[charset.index(char)] = conf
                p[charset.index("5")] = 1.0 - conf
                out.append(p)
        assert len(out) == len(crops)
        return np.stack(out)

    monkeypatch.setattr(rec, "probabilities", probs)
    found = rec._slot_readings(reading, gray)
    # The left end reads 9 at 0.7 (under SLOT_END_MIN) and the right end as junk: only
    # the gap's 0 is added, in its place.
    assert ["".join(c.char for c in r) for r in found] == ["247041"]
    assert found[0][3].confidence == pytest.approx(0.95) and found[0][3].box.x > 110
    per_slot["left"] = ("9", 0.85)
    found = rec._slot_readings(reading, gray)
    assert ["".join(c.char for c in r) for r in found] == ["924741", "247041", "9247041"]


def test_a_two_row_reading_s_rows_have_their_slots(tiny_weights, monkeypatch):
    from plate_gui.core.recognizer import SLOT_MIN_TWO_ROW, row_slots

    rec = PlateRecognizer(tiny_weights)
    charset = rec.meta.charset
    top = _row([60, 90], y=5, text="RZ")
    bottom = [replace(c, row=1) for c in _row([40, 70, 130, 160], y=55, text="8901")]
    gray = np.full((110, 240), 200, np.uint8)
    sizes = [[len(b) for b, _ in row_slots(r, gray.shape, min_row=SLOT_MIN_TWO_ROW)]
             for r in (top, bottom)]
    assert len(sizes[0]) == 2 and len(sizes[1]) == 3  # the top row's ends; the bottom's gap

    def probs(crops):
        out = []
        for r, row_sizes in enumerate(sizes):
            for k, size in enumerate(row_sizes):
                char = "6" if (r, k) == (1, 1) else "#"  # only the bottom row's gap reads
                for _ in range(size):
                    p = np.zeros(len(charset), np.float32)
                    p[charset.index(char)] = 0.95
                    p[charset.index("5")] = 0.05
                    out.append(p)
        assert len(out) == len(crops)
        return np.stack(out)

    monkeypatch.setattr(rec, "probabilities", probs)
    found = rec._slot_readings(top + bottom, gray)
    assert ["".join(c.char for c in r) for r in found] == ["RZ89601"]
    assert [c.row for c in found[0]] == [0, 0, 1, 1, 1, 1, 1]
    assert 90 < found[0][4].box.x < 130 and found[0][4].row == 1


def test_a_lone_character_s_row_has_slots_at_another_row_s_pitch():
    from plate_gui.core.recognizer import row_slots

    lone = _row([120], w=42, text="N")
    assert row_slots(lone, (120, 260), min_row=2) == []  # no rhythm of its own
    slots = row_slots(lone, (120, 260), min_row=2, pitch=46.0)
    centres = sorted(round(np.mean([b.x + b.w / 2 for b in boxes])) for boxes, _ in slots)
    assert centres == [141 - 46, 141 + 46]


def test_a_two_row_reading_s_lone_top_character_gets_slots(tiny_weights, monkeypatch):
    """Hong Kong's NN133 read N133: the top row's N alone; its slots take their pitch
    from the bottom row (at least LONE_PITCH of the N's width: the 1 shortens it)."""
    from plate_gui.core.recognizer import LONE_PITCH

    rec = PlateRecognizer(tiny_weights)
    top = _row([120], y=5, w=42, text="N")
    bottom = [replace(c, row=1) for c in _row([65, 85, 132], y=60, w=40, text="133")]
    bottom[0] = replace(bottom[0], box=replace(bottom[0].box, w=19))
    seen = []

    def probs(crops):
        seen.append(len(crops))
        return np.zeros((len(crops), len(rec.meta.charset)), np.float32)

    monkeypatch.setattr(rec, "probabilities", probs)
    spy = []
    import plate_gui.core.recognizer as recognizer
    real = recognizer.row_slots
    monkeypatch.setattr(recognizer, "row_slots",
                        lambda chars, *a: spy.append((len(chars), a[-1])) or real(chars, *a))
    rec._slot_readings(top + bottom, np.full((130, 260), 200, np.uint8))
    pitches = dict(spy)
    assert pitches[1] == pytest.approx(LONE_PITCH * 42)  # the bottom row's own is ~34
    assert pitches[3] is None and seen and seen[0] > 0


def test_a_row_end_much_wider_or_off_the_row_s_line_is_a_misfit():
    from plate_gui.core.recognizer import end_misfits

    row = _row([40, 70, 100, 130, 160])
    assert end_misfits(row) == set()
    wide = [replace(row[0], box=replace(row[0].box, x=5, w=50))] + row[1:]  # an emblem
    assert end_misfits(wide) == {0}
    # A little less wide (1.6 widths): a misfit only where the classifier doubts it.
    broad = [replace(row[0], box=replace(row[0].box, x=5, w=32))] + row[1:]
    assert end_misfits(broad) == set()
    assert end_misfits([replace(broad[0], confidence=0.52)] + broad[1:]) == {0}
    assert end_misfits([replace(row[0], confidence=0.52)] + row[1:]) == set()
    high = row[:-1] + [replace(row[-1], box=replace(row[-1].box, y=2))]  # a sticker
    assert end_misfits(high) == {4}
    # A tilted row: the last character is lower, on the line through the others.
    tilted = [replace(c, box=replace(c.box, y=10 + 3 * i)) for i, c in enumerate(row)]
    assert end_misfits(tilted) == set()
    # A row of thin characters (I, 1) has no width to go by.
    thin = [replace(c, box=replace(c.box, w=8)) for c in row]
    thin[0] = replace(thin[0], box=replace(thin[0].box, x=20, w=24))
    assert end_misfits(thin) == set()


def test_a_misfit_end_is_scored_as_doubtful_and_the_row_read_without_it(tiny_weights):
    from plate_gui.core.recognizer import reading_score

    row = _row([40, 70, 100, 130, 160, 190], text="GT679A")
    extra = [replace(row[0], char="9", box=replace(row[0].box, x=5, y=20))] + row
    assert reading_score(extra) < reading_score(row)
    shown, _ = PlateRecognizer(tiny_weights)._choose([extra], None)[:2]
    assert "".join(c.char for c in shown) == "GT679A"


def _glyphs(lines, h=60, w=36):
    """A character crop as ``_finish`` cuts it (dark ink on light, padded): each line of
    text drawn in its share of the height."""
    import cv2

    from plate_gui.core.segmentation import PAD

    pad = int(round(PAD * h))
    crop = np.full((h + 2 * pad, w + 2 * pad), 230, np.uint8)
    share = h // len(lines)
    for k, text in enumerate(lines):
        glyph = np.full((40, 30), 230, np.uint8)
        cv2.putText(glyph, text, (3, 36), cv2.FONT_HERSHEY_SIMPLEX, 1.3, 20, 4)
        top = pad + k * share + (2 if len(lines) > 1 else 0)
        size = share - (4 if len(lines) > 1 else 0)
        crop[top:top + size, pad:pad + w] = cv2.resize(glyph, (w, size))
    return crop


def test_two_marks_one_above_the_other_are_told_from_one_character():
    from plate_gui.core.recognizer import stacked_marks

    assert stacked_marks(_glyphs(["E", "S"]))
    assert stacked_marks(_glyphs(["A", "C"]))
    for char in "8BEZ53SH":  # whole characters, however their strokes run
        assert not stacked_marks(_glyphs([char])), char
    assert not stacked_marks(np.full((60, 40), 200, np.uint8))  # no ink at all
    assert not stacked_marks(_glyphs(["E", "S"])[:6])  # too small to tell


def test_a_stacked_row_end_is_a_misfit_and_the_row_read_without_it(tiny_weights):
    from plate_gui.core.recognizer import end_misfits

    row = _row([40, 70, 100, 130, 160], text="2250E")
    stacked = frozenset({row[-1].box.as_tuple(), row[2].box.as_tuple()})
    assert end_misfits(row, stacked) == {4}  # the middle one is no end
    assert end_misfits(row[:3], frozenset({row[0].box.as_tuple()})) == {0}
    two_rows = [replace(c, row=1) for c in row[:2]] + row[2:]
    assert end_misfits(two_rows, stacked) == set()
    shown, _ = PlateRecognizer(tiny_weights)._choose([row], None, stacked)[:2]
    assert "".join(c.char for c in shown) == "2250"
    shown, _ = PlateRecognizer(tiny_weights)._choose([row], None)[:2]
    assert "".join(c.char for c in shown) == "2250E"


def test_characters_other_readings_disagree_on_are_contested():
    from plate_gui.core.recognizer import contested
    from plate_gui.core.results import Box, CharPrediction

    def char(c, x, w=10):
        return CharPrediction(c, 0.97, ((c, 0.97),), False, Box(x, 0, w, 20))

    best = [char("A", 0), char("B", 12), char("8", 24)]
    same_cut = [char("A", 0), char("B", 12), char("B", 24)]  # reads the last as B
    other_cut = [char("A", 1), char("8", 12, 22)]  # B and 8 merged into one box
    readings = [best, same_cut, other_cut]
    # A: in all three (one box shifted by a pixel); B: in two of three; 8: only in best.
    assert contested(best, readings) == [False, False, True]
    assert contested(best, [best]) == [False, False, False]
    assert contested([], readings) == []


def test_a_contested_character_is_shown_less_sure(tiny_weights, plate, monkeypatch):
    from plate_gui.core import recognizer

    rec = PlateRecognizer(tiny_weights, threshold=0.0)
    monkeypatch.setattr(recognizer, "contested", lambda best, readings: [False] * len(best))
    sure = rec.recognize(plate[0])
    monkeypatch.setattr(recognizer, "contested", lambda best, readings: [True] * len(best))
    doubted = rec.recognize(plate[0])
    assert doubted.raw_text == sure.raw_text
    for a, b in zip(sure.chars, doubted.chars):
        assert b.confidence == pytest.approx(a.confidence * recognizer.CONTESTED_FACTOR)


def test_readings_are_scored_as_they_would_be_shown(tiny_weights):
    from plate_gui.core.results import Box, CharPrediction

    def reading(text, doubtful_at, alts):
        out = []
        for i, ch in enumerate(text):
            a = alts if i == doubtful_at else ((ch, 0.99),)
            out.append(CharPrediction(a[0][0], a[0][1], a, False, Box(12 * i, 0, 10, 20)))
        return out

    # The bar read as I (0.6) is a 1 under Hong Kong's rules (no I there), where it is
    # sure; the other reading's doubtful 7 (0.8) stays as doubtful under any rules.
    bar = reading("ABI234", 2, (("I", 0.6), ("1", 0.35), ("7", 0.01)))
    seven = reading("AB7234", 2, (("7", 0.8), ("1", 0.1), ("T", 0.05)))
    rec = PlateRecognizer(tiny_weights)
    shown, used = rec._choose([seven, bar], "hk")[:2]
    assert "".join(c.char for c in shown) == "AB1234" and used == "hk"
    shown, used = rec._choose([seven, bar], None)[:2]  # no rules: the surer raw reading
    assert "".join(c.char for c in shown) == "AB7234" and used is None


def test_readings_are_compared_on_their_top_alternatives_and_shown_exactly(tiny_weights):
    from plate_gui.core.results import Box, CharPrediction

    def reading(text, at=None, dist=()):
        out = []
        for i, ch in enumerate(text):
            if i == at:
                out.append(CharPrediction(dist[0][0], dist[0][1], dist[:3], False,
                                          Box(12 * i, 0, 10, 20), distribution=dist))
            else:
                out.append(CharPrediction(ch, 0.9, ((ch, 0.9),), False, Box(12 * i, 0, 10, 20)))
        return out

    # Brazil's bar-shaped 1 between digits: 1 is third, but all but certain among the
    # digits. Knowing every class, it is 0.019 / 0.022 under the format.
    dist = (("I", 0.863), ("#", 0.085), ("1", 0.019), ("L", 0.015), ("7", 0.003))
    bar = reading("NYY1710", 5, dist)
    # A shorter reading of the same plate, a little surer: conditioned exactly, the bar's
    # reading would score above it (right here, but on plates-dev scoring so won 3
    # plates and lost 4: formats fit short readings easily).
    short = reading("NYY171")
    rec = PlateRecognizer(tiny_weights)
    shown, _ = rec._choose([short, bar], "auto")[:2]
    assert "".join(c.char for c in shown) == "NYY171"
    shown, _ = rec._choose([bar], "auto")[:2]
    assert "".join(c.display for c in shown) == "NYY1710"
    assert shown[5].confidence == pytest.approx(0.019 / 0.022)
    shown, _ = rec._choose([bar], "auto", exact=False)[:2]  # the lower bound: a failure
    assert "".join(c.display for c in shown) == "NYY17?0"


def test_the_picked_reading_is_also_given_as_the_classifier_read_it(tiny_weights):
    """Slots are cut around it: a reading with a character added must be compared with
    the reading it came from, not with that reading's discounted, ruled display."""
    from plate_gui.core.results import Box, CharPrediction

    def reading(text, conf, x0=0):
        return [CharPrediction(ch, conf, ((ch, conf), ("1", 0.05)), False,
                               Box(x0 + 12 * i, 0, 10, 20)) for i, ch in enumerate(text)]

    raw = reading("AB1I34", 0.9)
    # two others cut elsewhere: the first reading's characters are contested
    others = [reading("AB7134", 0.6, x0=40), reading("AB7134", 0.6, x0=80)]
    rec = PlateRecognizer(tiny_weights)
    shown, used, best = rec._choose([raw, *others], "auto")
    assert best == raw
    assert [c.char for c in shown] != [c.char for c in raw]  # the I between digits: 1
    assert all(c.confidence < 0.9 for c in shown)  # contested: discounted


def test_settled_needs_one_row_of_a_plate_s_length_all_sure():
    from plate_gui.core.recognizer import SETTLED_CONFIDENCE, settled
    from plate_gui.core.results import CharPrediction

    def reading(n, conf=0.97, rows=None, weak_at=None):
        rows = rows or [0] * n
        return [CharPrediction("A", SETTLED_CONFIDENCE - 0.01 if i == weak_at else conf,
                               (("A", conf),), False, None, rows[i]) for i in range(n)]

    assert settled(reading(6)) and settled(reading(8))
    assert not settled(reading(5)) and not settled(reading(9)) and not settled([])
    assert not settled(reading(7, weak_at=3))
    assert not settled(reading(6, rows=[0, 0, 1, 1, 1, 1]))


@pytest.mark.parametrize("is_settled", [True, False])
def test_slower_stages_only_for_unsettled_plates(tiny_weights, plate, monkeypatch, is_settled):
    from plate_gui.core import recognizer
    from plate_gui.core.segmentation import PlateCuts

    calls = []
    real_colour, real_bands = recognizer.colour_candidates, recognizer.two_row_bands
    real_cands = PlateCuts.candidates
    monkeypatch.setattr(recognizer, "settled", lambda chars: is_settled)
    monkeypatch.setattr(recognizer, "colour_candidates",
                        lambda *a: calls.append("colour") or real_colour(*a))
    monkeypatch.setattr(recognizer, "two_row_bands",
                        lambda *a: calls.append("bands") or real_bands(*a))
    monkeypatch.setattr(PlateCuts, "candidates", lambda self, limit=6, quick=False:
                        calls.append("quick" if quick else "full")
                        or real_cands(self, limit, quick))
    PlateRecognizer(tiny_weights).recognize(plate[0])
    assert calls == (["quick"] if is_settled else ["quick", "full", "colour", "bands"])


def test_slots_are_looked_for_again_while_they_change_the_reading(tiny_weights, plate,
                                                                   monkeypatch):
    from plate_gui.core import recognizer
    from plate_gui.core.results import CharPrediction

    monkeypatch.setattr(recognizer, "settled", lambda chars: False)
    monkeypatch.setattr(recognizer, "SLOT_ROUNDS", 3)
    rec = PlateRecognizer(tiny_weights)
    looked = []

    def one_more(chars, gray):  # each look finds a sure character past the row's end
        looked.append(len(chars))
        last = max((c.box for c in chars), key=lambda b: b.x)
        box = replace(last, x=last.x + last.w + 5)
        return [[*chars, CharPrediction("7", 1.0, (("7", 1.0),), False, box)]]

    monkeypatch.setattr(rec, "_slot_readings", one_more)
    rec.recognize(plate[0])
    assert len(looked) == 3 and looked == list(range(looked[0], looked[0] + 3))
    looked.clear()
    monkeypatch.setattr(rec, "_slot_readings", lambda chars, gray: looked.append(1) or [])
    rec.recognize(plate[0])
    assert looked == [1]  # nothing found: no second look


def test_later_stages_classify_only_new_crops(tiny_weights, plate, monkeypatch):
    from plate_gui.core import recognizer

    rec = PlateRecognizer(tiny_weights)
    sizes = []
    real = PlateRecognizer.probabilities
    monkeypatch.setattr(recognizer, "settled", lambda chars: False)
    monkeypatch.setattr(PlateRecognizer, "probabilities",
                        lambda self, crops: sizes.append(len(crops)) or real(self, crops))
    rec.recognize(plate[0])
    cuts = recognizer.PlateCuts(plate[0])

    def keys(segs):
        return {(b.as_tuple(), s.angle) for s in segs for b in s.boxes}

    plain = cuts.candidates(recognizer.CANDIDATES, True)
    assert len(plain) > recognizer.QUICK_FIRST  # else the test shows nothing
    first = keys(plain[:recognizer.QUICK_FIRST])
    quick = keys(plain)
    full = keys(cuts.candidates(recognizer.CANDIDATES))
    assert sizes[:3] == [len(first), len(quick - first), len(full - quick)]


def test_plate_cuts_give_what_segment_candidates_gives(plate):
    from plate_gui.core.segmentation import PlateCuts, segment_candidates

    cuts = PlateCuts(plate[0])
    quick, full = cuts.candidates(4, quick=True), cuts.candidates(4)
    assert quick and full
    assert [s.boxes for s in quick] == [s.boxes for s in segment_candidates(plate[0], 4, quick=True)]
    assert [s.boxes for s in full] == [s.boxes for s in segment_candidates(plate[0], 4)]
    assert all(s.angle == 0.0 for s in quick)


def test_probabilities_average_the_logits_of_each_crop_s_shifted_views(tiny_weights):
    """What the model gives a crop and its one-pixel shifts, averaged, then softmaxed."""
    import onnxruntime as ort

    from plate_gui.core.preprocess import mean_over_views, preprocess_batch, with_shifts

    rec = PlateRecognizer(tiny_weights)
    crops = [draw_plate(rows=["A"])[0][10:90, 20:80], np.full((20, 20), 128, np.uint8)]
    batch = preprocess_batch(crops, rec.meta.preprocess)
    session = ort.InferenceSession(str(tiny_weights), providers=["CPUExecutionProvider"])
    name = session.get_inputs()[0].name
    logits = mean_over_views(session.run(None, {name: with_shifts(batch)})[0], 2)
    logits = logits.astype(np.float64) / rec.meta.temperature
    expected = np.exp(logits - logits.max(axis=1, keepdims=True))
    expected /= expected.sum(axis=1, keepdims=True)
    if rec.meta.class_prior is not None:
        expected *= np.asarray(rec.meta.class_prior)
        expected /= expected.sum(axis=1, keepdims=True)
    assert np.allclose(rec.probabilities(crops), expected, atol=1e-5)
    single = session.run(None, {name: batch})[0]
    assert not np.allclose(logits, single / rec.meta.temperature, atol=1e-4)


@pytest.mark.parametrize("is_settled", [True, False])
def test_slots_are_looked_for_at_the_ends_whether_or_not_the_plate_settled(
        tiny_weights, plate, monkeypatch, is_settled):
    import plate_gui.core.recognizer as recognizer

    rec = PlateRecognizer(tiny_weights)
    monkeypatch.setattr(recognizer, "settled", lambda chars: is_settled)
    looked, slotted = [], rec._slot_readings

    def spy(chars, gray):
        looked.append(len(chars))
        return slotted(chars, gray)

    monkeypatch.setattr(rec, "_slot_readings", spy)
    rec.recognize(plate[0])
    assert looked  # row_slots, which looks beyond the ends too, is asked either way


@pytest.mark.parametrize("is_settled", [True, False])
def test_pieces_are_joined_only_on_plates_left_unsettled(tiny_weights, plate, monkeypatch,
                                                         is_settled):
    import plate_gui.core.recognizer as recognizer

    rec = PlateRecognizer(tiny_weights)
    monkeypatch.setattr(recognizer, "settled", lambda chars: is_settled)
    looked = []
    monkeypatch.setattr(rec, "_merged_readings", lambda chars, gray: looked.append(1) or [])
    rec.recognize(plate[0])
    assert bool(looked) == (not is_settled)
