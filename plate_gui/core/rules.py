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
KINDS = {"L": LETTERS, "D": DIGITS, "A": LETTERS | DIGITS}

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
        chars, used = _auto(chars, threshold)
        return _ones_among_digits(chars, threshold), used
    if region not in REGIONS:
        raise ValueError(f"unknown region {region!r}; choose from {', '.join(REGION_NAMES)}")
    best, _ = _best_fit(chars, region)
    if best is None:
        return chars, None
    chars = _relabel(chars, best, threshold)
    return (_ones_among_digits(chars, threshold) if region == "us" else chars), region


def _ones_among_digits(chars: list[CharPrediction],
                       threshold: float) -> list[CharPrediction]:
    """An I between digits (or between a digit and the plate's edge) reads as 1.

    Plates group their letters, so a lone letter among digits is rare, and a bar is
    an I to the classifier however the plate meant it (see ``LOOKALIKE_FLOOR``). On
    plates-dev's labels an I stands among digits once, a 1 181 times; the rule, after
    the formats, took exact plates from 61.4% to 62.2% (BR +3, US +3, intl +1, none
    worse). Brazil's Mercosul letter between digits may be an I; it is rarely so.
    """
    out = list(chars)
    for i, c in enumerate(chars):
        if c.char != "I" or len(chars) < 2:
            continue
        if _among_digits(chars, i):
            digit = _best_allowed(c, "D", set())
            if digit is not None:
                out[i] = _relabel([c], [digit], threshold)[0]
    return out


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
# Hong Kong, Brazilian and many US plates draw 1 as a bare stem, which is an I in every
# font the trainer renders, so the classifier is sure of I where the plate means 1: the
# single most common error on plates-dev (31 plates). Between 1 and I its preference
# says little, so in the margin a swap between them costs at most this factor.
# Measured on plates-dev (exact plates, bundled weights, candidate readings replayed):
# without the floor 60.6%; 1/I at 0.2: 61.4% (BR +5 plates, HK +1, no region worse);
# at 1.0: BR +7 but US -2; 0/O, 8/B, 5/S, 2/Z as well, at 0.2: 61.1% (US -1).
LOOKALIKE_FLOOR = 0.2
# Hong Kong uses no I, so its reading's I read as 1 costs nothing against the others'
# (LSI387 fits EU's LLLDDD as read with its J read 3; Hong Kong's LS1387 needs the same
# J -> 3 and I -> 1). Measured on plates-dev (bench, 2026-12-04): 627 -> 628 (LS1387),
# none lost.
HK_LOOKALIKE_FLOOR = 1.0
LOOKALIKES = frozenset({("1", "I"), ("I", "1")})


def _auto(chars: list[CharPrediction],
          threshold: float) -> tuple[list[CharPrediction], str | None]:
    """Apply the best-fitting specific region when it costs little against the raw reading.

    A reading that already fits a region stays as read, unless Hong Kong's formats fit
    it with only its I read as 1; its confidences are conditioned on the formats it
    fits (``_conditioned_on_fits``) where the whole distributions are known. (Candidate
    readings are scored on their top alternatives only and left as they are: fitting a
    format is easy for a short reading, and conditioning there too made readings that
    lack a character win. Measured on plates-dev, bench, 2026-12-04: 628 exact plates;
    conditioned when shown 632, a ``?`` that was right each, none lost, ECE 0.032 ->
    0.024; conditioned when scored too 625.) Otherwise the region whose reading is most probable is
    applied when that probability is at least ``AUTO_MARGIN`` times the raw reading's: a
    look-alike swap the classifier found nearly as likely, never a rewrite it was sure
    against (a 1/I swap counts as at least ``LOOKALIKE_FLOOR`` as likely: see there).
    """
    if hk_two_row_layout(chars):
        best, _ = _best_fit(chars, "hk")
        if best is not None:
            return _relabel(chars, best, threshold), "hk"
    fits = {r: _best_fit(chars, r) for r in AUTO_REGIONS}
    hk, _ = fits["hk"]
    changes = {(c.char, ch) for c, (ch, _, _) in zip(chars, hk or ()) if c.char != ch}
    if changes == {("I", "1")} and _relative_probability(chars, hk) >= AUTO_MARGIN:
        # Hong Kong bans I, and an I before digits is rare elsewhere (plates-dev's
        # labels: a letter, I, then a digit 5 times; a letter, 1, then a digit 66 times):
        # AHI986 is AH1986, though it fits EU's LLLDDD as read (HK +6 plates, none lost).
        return _relabel(chars, hk, threshold), "hk"
    if any(p is not None and all(c.char == ch for c, (ch, _, _) in zip(chars, p))
           for p, _ in fits.values()):
        if all(c.distribution for c in chars):
            return _conditioned_on_fits(chars, threshold), None
        return chars, None
    odds = {r: _relative_probability(chars, picked, HK_LOOKALIKE_FLOOR if r == "hk"
                                     else LOOKALIKE_FLOOR)
            for r, (picked, _) in fits.items() if picked is not None}
    if not odds:
        return chars, None
    region = max(odds, key=odds.get)
    if odds[region] < AUTO_MARGIN:
        return chars, None
    return _relabel(chars, fits[region][0], threshold), region


def _conditioned_on_fits(chars: list[CharPrediction],
                         threshold: float) -> list[CharPrediction]:
    """``chars`` as read, each confidence conditioned on the characters the formats
    that fit the reading allow at its place (a union over every auto region's fitting
    pattern: the reading is known to fit one of them, not which)."""
    allowed: list[set[str]] = [set() for _ in chars]
    for region in AUTO_REGIONS:
        patterns, banned = REGIONS[region]
        for pattern in patterns:
            if len(pattern) != len(chars):
                continue
            sets = [KINDS[kind] - banned for kind in pattern]
            if all(c.char in s for c, s in zip(chars, sets)):
                for a, s in zip(allowed, sets):
                    a |= s
    out = []
    for c, a in zip(chars, allowed):
        mass = _allowed_mass(c, a) if a else 0.0
        p = min(1.0, c.confidence / mass) if mass > 0 else c.confidence
        out.append(replace(c, confidence=p, failed=p < threshold))
    return out


def _relative_probability(chars: list[CharPrediction],
                          picked: list[tuple[str, float, float]],
                          floor: float = LOOKALIKE_FLOOR) -> float:
    """The picked reading's probability relative to the raw reading's (at most 1), a
    1/I swap counting at least ``floor``, and an I among digits read as 1 costing
    nothing: ``_ones_among_digits`` reads it so whichever region applies (Brazil's
    OVA1319, read 0VAI319, paid for its 1 twice and fell under ``AUTO_MARGIN``;
    measured on plates-dev, bench, 2026-12-05: 645 -> 646 exact plates, none lost)."""
    ratio = 1.0
    for i, (c, (ch, p, _)) in enumerate(zip(chars, picked)):
        if ch == c.char or ((c.char, ch) == ("I", "1") and _among_digits(chars, i)):
            continue
        r = p / c.confidence if c.confidence > 0 else 0.0
        ratio *= max(r, floor) if (c.char, ch) in LOOKALIKES else r
    return ratio


def _among_digits(chars: list[CharPrediction], i: int) -> bool:
    """Whether ``chars[i]``'s neighbours are digits or the plate's edge."""
    left = chars[i - 1].char if i > 0 else None
    right = chars[i + 1].char if i + 1 < len(chars) else None
    return all(n is None or n in DIGITS for n in (left, right))


def hk_two_row_layout(chars: list[CharPrediction]) -> bool:
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
    probabilities on that set: p(char) / p(allowed), over every class where the
    prediction carries its ``distribution``, and the character is then the likeliest
    allowed one of every class. Otherwise only the top alternatives are known, and the
    mass outside them counts as allowed: a lower bound, never an overstatement.

    Hong Kong's UT1140, a two-row plate, was shown UII140: its blurred T read I, 1 and
    junk, none of them a letter Hong Kong uses, so no format fitted on the top three;
    over every class the T is its likeliest allowed letter (measured on plates-dev,
    bench, 2026-12-05: 648 -> 649 exact plates, none lost).
    """
    allowed = KINDS[kind] - banned
    mass = _allowed_mass(c, allowed)
    ch, p = max(((ch, p) for ch, p in c.distribution or c.alternatives if ch in allowed),
                key=lambda t: t[1], default=(None, 0.0))
    if ch is None:
        return None
    return ch, p, min(1.0, p / mass) if mass > 0 else p


def _allowed_mass(c: CharPrediction, allowed: set[str]) -> float:
    """The probability that ``c`` is one of ``allowed``: summed over its distribution,
    or over its top alternatives plus the unknown rest (a bound that never overstates
    a conditioned probability)."""
    if c.distribution:
        return sum(p for ch, p in c.distribution if ch in allowed)
    known = sum(p for _, p in c.alternatives)
    return sum(p for ch, p in c.alternatives if ch in allowed) + max(0.0, 1.0 - known)
