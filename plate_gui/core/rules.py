"""Plate-format rules: pick the best reading allowed by a region's plate formats.

Look-alikes (0/O, 1/I, 8/B, 5/S, 2/Z) are the errors a good classifier still
makes. A region preset lists the plate formats it allows as patterns of
``L`` (letter), ``D`` (digit) and ``A`` (either); the reading that fits a pattern
with the highest product of per-character probabilities is chosen from each
character's alternatives. A character whose probability under the chosen
reading is below the threshold stays a failure.
"""

from __future__ import annotations

from dataclasses import replace

from .results import CharPrediction

DIGITS = set("0123456789")
LETTERS = set("ABCDEFGHIJKLMNOPQRSTUVWXYZ")

# Region -> (patterns, letters never used)
REGIONS: dict[str, tuple[tuple[str, ...], set[str]]] = {
    "hk": (("LLD", "LLDD", "LLDDD", "LLDDDD", "LD", "LDD", "LDDD", "LDDDD", "DDDD", "DDD"),
           {"I", "O", "Q"}),
    "uk": (("LLDDLLL",), set()),
    "eu": (("LLDDDLL", "DDDDLLL", "LLLDDD", "LLDDDD"), set()),
    "us": (("AAAAAAA", "AAAAAA", "AAAAA"), set()),
    "br": (("LLLDDDD", "LLLDLDD"), set()),
}
REGION_NAMES = ("auto",) + tuple(REGIONS)


def apply_region(chars: list[CharPrediction], region: str | None,
                 threshold: float) -> tuple[list[CharPrediction], str | None]:
    """Re-read ``chars`` under a region's formats.

    Args:
        chars: predictions in reading order.
        region: None (no rules), "auto", or a key of ``REGIONS``.
        threshold: failure threshold for re-marked characters.

    Returns:
        (predictions, region applied or None).
    """
    if not region or not chars:
        return chars, None
    if region == "auto":
        return _auto(chars, threshold)
    if region not in REGIONS:
        raise ValueError(f"unknown region {region!r}; choose from {', '.join(REGION_NAMES)}")
    best, _ = _best_fit(chars, region)
    if best is None:
        return chars, None
    return _relabel(chars, best, threshold), region


def _best_fit(chars: list[CharPrediction],
              region: str) -> tuple[list[tuple[str, float, float]] | None, float]:
    """The highest-scoring reading of ``chars`` that fits one of ``region``'s patterns."""
    patterns, banned = REGIONS[region]
    best, best_score = None, -1.0
    for pattern in patterns:
        if len(pattern) != len(chars):
            continue
        picked = [_best_allowed(c, kind, banned) for c, kind in zip(chars, pattern)]
        if any(p is None for p in picked):
            continue
        score = 1.0
        for _, prob, _ in picked:
            score *= prob
        if score > best_score:
            best, best_score = picked, score
    return best, best_score


def _relabel(chars: list[CharPrediction], picked: list[tuple[str, float, float]],
             threshold: float) -> list[CharPrediction]:
    """Characters of the picked reading, with confidences conditioned on the format."""
    return [replace(c, char=ch, confidence=p, failed=p < threshold)
            for c, (ch, _, p) in zip(chars, picked)]


# Measured on plates-dev (exact plates, int8 model of 2026-11-24): no rules 33.8%;
# margin 0.25: 34.8%; 0.05: 37.9%; 0.02: 38.9%; 0.01: 39.4%; 0.0: 34.8% (US, EU and
# intl worse). At 0.02 no region reads worse than without rules.
AUTO_MARGIN = 0.02
AUTO_REGIONS = ("hk", "uk", "eu", "br")  # "us" allows anything: it never corrects


def _auto(chars: list[CharPrediction],
          threshold: float) -> tuple[list[CharPrediction], str | None]:
    """Apply the best-fitting specific region when it costs little against the raw reading.

    A reading that already fits a region stays as it is. Otherwise the region whose
    reading is most probable is applied when that probability is at least
    ``AUTO_MARGIN`` times the raw reading's: a look-alike swap the classifier found
    nearly as likely, never a rewrite it was sure against.
    """
    if _hk_two_row(chars):
        best, _ = _best_fit(chars, "hk")
        if best is not None:
            return _relabel(chars, best, threshold), "hk"
    raw = 1.0
    for c in chars:
        raw *= c.confidence
    fits = {r: _best_fit(chars, r) for r in AUTO_REGIONS}
    if any(p is not None and all(c.char == ch for c, (ch, _, _) in zip(chars, p))
           for p, _ in fits.values()):
        return chars, None
    region, (picked, score) = max(fits.items(), key=lambda kv: kv[1][1])
    if picked is None or score < AUTO_MARGIN * raw:
        return chars, None
    return _relabel(chars, picked, threshold), region


def _hk_two_row(chars: list[CharPrediction]) -> bool:
    """Two rows of one or two letters over up to four characters: the layout of a Hong
    Kong two-row plate, whose rules then hold whatever the classifier preferred
    (its bar-shaped 1 reads as I)."""
    top = sum(c.row == 0 for c in chars)
    bottom = sum(c.row == 1 for c in chars)
    return top + bottom == len(chars) and 1 <= top <= 2 and 1 <= bottom <= 4


def _best_allowed(c: CharPrediction, kind: str,
                  banned: set[str]) -> tuple[str, float, float] | None:
    """The most probable allowed character: (char, probability, probability given the format).

    Knowing the position must hold a digit (say) conditions the classifier's
    probabilities on that set: p(char) / p(allowed). Only the top alternatives are
    known, so the mass outside them counts as allowed: the conditioned value is a
    lower bound, never an overstatement.
    """
    allowed = {"L": LETTERS, "D": DIGITS, "A": LETTERS | DIGITS}[kind] - banned
    known = sum(p for _, p in c.alternatives)
    mass = sum(p for ch, p in c.alternatives if ch in allowed) + max(0.0, 1.0 - known)
    for ch, p in c.alternatives:
        if ch in allowed:
            return ch, p, min(1.0, p / mass) if mass > 0 else p
    return None
