"""Region rules pick the best reading allowed by a region's plate formats."""

from __future__ import annotations

from dataclasses import replace

import pytest

from plate_gui.core.results import CharPrediction
from plate_gui.core.rules import REGION_NAMES, REGIONS, apply_region


def _c(*alts):
    best = alts[0]
    return CharPrediction(best[0], best[1], tuple(alts), best[1] < 0.5)


def test_none_leaves_chars_unchanged():
    chars = [_c(("O", 0.9), ("0", 0.1))]
    assert apply_region(chars, None, 0.5) == (chars, None)


def test_hk_never_reads_i_o_q_and_wants_digits_after_letters():
    chars = [_c(("G", 0.9), ("6", 0.1)), _c(("V", 0.95), ("Y", 0.05)),
             _c(("O", 0.6), ("0", 0.35), ("D", 0.05)), _c(("I", 0.7), ("1", 0.3))]
    out, used = apply_region(chars, "hk", 0.5)
    assert used == "hk"
    assert "".join(c.char for c in out) == "GV01"
    # the only digit among "O 0.6, 0 0.35, D 0.05": sure once a digit is required
    assert out[2].confidence == pytest.approx(1.0) and not out[2].failed
    assert out[0].char == "G" and out[0].confidence == pytest.approx(1.0)  # "6" is no letter


def test_region_without_a_fitting_pattern_changes_nothing():
    chars = [_c(("A", 0.9))] * 9
    assert apply_region(chars, "uk", 0.5) == (chars, None)


def test_unknown_region():
    with pytest.raises(ValueError, match="unknown region"):
        apply_region([_c(("A", 0.9))], "mars", 0.5)


def test_auto_keeps_a_reading_that_already_fits():
    chars = [_c((ch, 0.9), ("0", 0.05)) for ch in "AB12CDE"]
    assert apply_region(chars, "auto", 0.5) == (chars, None)


def test_auto_fixes_a_cheap_look_alike():
    # 4 characters: only the Hong Kong formats fit; 'O' costs little to read as '0'.
    chars = [_c(("A", 0.9)), _c(("B", 0.9)), _c(("1", 0.9)), _c(("O", 0.55), ("0", 0.45))]
    out, used = apply_region(chars, "auto", 0.5)
    assert used == "hk" and "".join(c.char for c in out) == "AB10"


def test_auto_does_not_override_a_sure_reading():
    chars = [_c(("A", 0.9)), _c(("B", 0.9)), _c(("1", 0.9)), _c(("O", 0.99), ("0", 0.01))]
    out, used = apply_region(chars, "auto", 0.5)
    assert used is None and out == chars


def test_hk_turns_an_o_alternative_into_a_zero_where_a_digit_is_needed():
    chars = [_c(("G", 0.9)), _c(("V", 0.9)), _c(("5", 0.9)), _c(("O", 0.8), ("0", 0.15))]
    out, used = apply_region(chars, "hk", 0.1)
    assert used == "hk" and "".join(c.char for c in out) == "GV50"
    # conditioned on "a digit": 0.15 / (0.15 + the 0.05 outside the alternatives)
    assert out[3].confidence == pytest.approx(0.75) and out[3].alternatives == chars[3].alternatives


def test_the_whole_distribution_conditions_a_format_choice_exactly():
    """Brazil's bar-shaped 1 among digits: 1 is third, but of the digits it is surest.
    Knowing only the top three, the mass outside them (0.033) counts as digits and
    the 1 falls under the threshold; knowing every class, it is 0.019 / 0.025."""
    probs = {"I": 0.863, "#": 0.085, "1": 0.019, "7": 0.004, "L": 0.015, "4": 0.002}
    dist = tuple(sorted(probs.items(), key=lambda kv: -kv[1]))
    bar = CharPrediction("I", 0.863, dist[:3], False)
    chars = [_c((ch, 0.95)) for ch in "NYY17"] + [bar, _c(("0", 0.95))]
    out, _ = apply_region(chars, "auto", 0.5)
    assert out[5].char == "1" and out[5].failed
    out, _ = apply_region(chars[:5] + [replace(bar, distribution=dist)] + chars[6:], "auto", 0.5)
    assert out[5].char == "1" and not out[5].failed
    assert out[5].confidence == pytest.approx(0.019 / 0.025)


def test_a_format_takes_an_allowed_character_from_beyond_the_top_three():
    """Hong Kong's UT1140 shown UII140: the blurred T read I, 1 and junk, none a letter
    Hong Kong uses; over every class T is its likeliest allowed letter."""
    probs = {"I": 0.5, "1": 0.3, "#": 0.1, "T": 0.06, "L": 0.04}
    dist = tuple(sorted(probs.items(), key=lambda kv: -kv[1]))
    t = CharPrediction("I", 0.5, dist[:3], False)
    chars = [_c(("U", 0.95)), t] + [_c((ch, 0.95)) for ch in "1140"]
    assert apply_region(chars, "hk", 0.5) == (chars, None)  # top three only: no fit
    out, used = apply_region(chars[:1] + [replace(t, distribution=dist)] + chars[2:], "hk", 0.5)
    assert used == "hk" and "".join(c.char for c in out) == "UT1140"
    assert out[1].confidence == pytest.approx(0.06 / 0.1)  # of the letters Hong Kong uses


def _known(*alts):
    """A prediction whose whole distribution is ``alts``."""
    return replace(_c(*alts), distribution=tuple(alts))


def test_auto_conditions_a_reading_that_fits_on_the_formats_it_fits():
    """AB1234 fits Hong Kong's and EU's LLDDDD as read: its first character must be a
    letter of either (EU's O included), so the digit's share leaves the confidence."""
    first = _known(("A", 0.45), ("O", 0.15), ("4", 0.4))
    chars = [first] + [_known((ch, 0.9), ("#", 0.1)) for ch in "B1234"]
    out, used = apply_region(chars, "auto", 0.5)
    assert used is None and "".join(c.char for c in out) == "AB1234"
    assert out[0].confidence == pytest.approx(0.45 / 0.6) and not out[0].failed
    assert out[1].confidence == pytest.approx(1.0)  # the junk class is no character
    # Known by its top alternatives only (candidate readings while scored): as read.
    bounded = [replace(c, distribution=()) for c in chars]
    assert apply_region(bounded, "auto", 0.5) == (bounded, None)


def test_auto_conditions_only_on_letters_every_fitting_format_allows():
    """A5678 fits only Hong Kong's LDDDD: its O is no letter there."""
    first = _known(("A", 0.45), ("O", 0.15), ("4", 0.4))
    chars = [first] + [_known((ch, 0.9), ("#", 0.1)) for ch in "5678"]
    out, _ = apply_region(chars, "auto", 0.5)
    assert out[0].confidence == pytest.approx(1.0)


def test_auto_leaves_a_reading_no_format_fits_as_read():
    chars = [_known(("A", 0.45), ("4", 0.4), ("#", 0.15))] * 9
    assert apply_region(chars, "auto", 0.5) == (chars, None)


@pytest.mark.parametrize("banned, instead", [("I", "L"), ("O", "D"), ("Q", "G")])
def test_hk_never_reads_i_o_q_as_letters(banned, instead):
    chars = [_c((banned, 0.7), (instead, 0.2)), _c(("V", 0.9)), _c(("1", 0.9)), _c(("2", 0.9))]
    out, used = apply_region(chars, "hk", 0.5)
    assert used == "hk" and out[0].char == instead
    assert out[0].confidence == pytest.approx(0.2 / 0.3)  # given "not I, O or Q"


def test_no_allowed_alternative_leaves_the_reading_alone():
    # The first position must be a letter, and I/O/Q are all it has.
    chars = [_c(("O", 0.6), ("Q", 0.3), ("I", 0.1)), _c(("V", 0.9)), _c(("1", 0.9))]
    assert apply_region(chars, "hk", 0.5) == (chars, None)


@pytest.mark.parametrize("region", ["hk", "uk", "eu", "us", "br", "auto"])
def test_every_region_accepts_no_characters(region):
    assert apply_region([], region, 0.5) == ([], None)


def test_region_names_offer_auto_and_every_region():
    assert REGION_NAMES[0] == "auto" and set(REGION_NAMES[1:]) == set(REGIONS)


@pytest.mark.parametrize("region", [None, ""])
def test_no_region_leaves_even_impossible_readings(region):
    chars = [_c(("Q", 0.9)), _c(("I", 0.9)), _c(("O", 0.9))]
    out, used = apply_region(chars, region, 0.5)
    assert out is chars and used is None


def _rowed(row, *alts):
    c = _c(*alts)
    return CharPrediction(c.char, c.confidence, c.alternatives, c.failed, None, row)


def test_auto_reads_a_two_row_plate_of_two_letters_over_digits_as_hong_kong():
    # AH over I986: the classifier is sure of the bar-shaped I, which fits EU's LLLDDD
    chars = [_rowed(0, ("A", 0.99), ("4", 0.01)), _rowed(0, ("H", 0.99), ("N", 0.01)),
             _rowed(1, ("I", 0.995), ("1", 0.004)), _rowed(1, ("9", 0.99), ("8", 0.01)),
             _rowed(1, ("8", 0.99), ("B", 0.01)), _rowed(1, ("6", 0.99), ("G", 0.01))]
    out, used = apply_region(chars, "auto", 0.5)
    assert (used, "".join(c.char for c in out)) == ("hk", "AH1986")
    # on one row too: read as 1, the I gives a Hong Kong format, and an I before digits
    # is rare (though AHI986 fits EU's LLLDDD as read)
    flat = [replace(c, row=0) for c in chars]
    out, used = apply_region(flat, "auto", 0.5)
    assert (used, "".join(c.char for c in out)) == ("hk", "AH1986")
    # ... but not when Hong Kong's reading changes more than the bar
    flat[0] = _rowed(0, ("Q", 0.99), ("O", 0.01))
    out, used = apply_region(flat, "auto", 0.5)
    assert (used, "".join(c.char for c in out)) == (None, "QHI986")


@pytest.mark.parametrize("rows", [(3, 4), (2, 5), (0, 6)])
def test_auto_two_row_hong_kong_layout_needs_its_counts(rows):
    top, bottom = rows
    chars = ([_rowed(0, ("A", 0.99), ("4", 0.01))] * top
             + [_rowed(1, ("I", 0.995), ("1", 0.004))] * bottom)
    out, used = apply_region(chars, "auto", 0.5)
    assert used != "hk"
    assert "".join(c.char for c in out) != "A" * top + "1" * bottom  # Hong Kong's reading


def test_auto_reads_bar_shaped_ones_where_the_format_needs_digits():
    # A Brazilian plate whose bare-stem 1s the classifier is sure are I: the format
    # wants digits there, and between 1 and I the classifier's preference says little.
    bar = _c(("I", 0.9), ("1", 0.05), ("J", 0.02))
    chars = [_c((ch, 0.95)) for ch in "MXQ"] + [bar, _c(("6", 0.9)), _c(("0", 0.9)), bar]
    out, used = apply_region(chars, "auto", 0.5)
    assert used == "br" and "".join(c.char for c in out) == "MXQ1601"
    # the same swaps between other letters and digits are too costly
    s = _c(("S", 0.9), ("5", 0.05), ("J", 0.02))
    chars = chars[:3] + [s, chars[4], chars[5], s]
    assert apply_region(chars, "auto", 0.5) == (chars, None)


def test_auto_counts_hong_kong_s_i_read_as_one_as_free():
    # LS?387: a J/3 tie fits EU's LLLDDD with the I as read, Hong Kong's LLDDDD with
    # the I read as 1. Hong Kong uses no I, so that swap costs it nothing.
    chars = ([_c(("L", 0.98)), _c(("S", 0.97)), _c(("I", 0.87), ("1", 0.09), ("#", 0.02)),
              _c(("J", 0.454), ("3", 0.438), ("1", 0.02))] + [_c((ch, 0.99)) for ch in "87"])
    out, used = apply_region(chars, "auto", 0.5)
    assert used == "hk" and "".join(c.char for c in out) == "LS1387"


def test_auto_leaves_an_i_that_no_format_turns_into_a_digit():
    chars = [_c(("I", 0.9), ("1", 0.05))] + [_c((ch, 0.95)) for ch in "T10294"]
    assert apply_region(chars, "auto", 0.5) == (chars, None)


@pytest.mark.parametrize("region", ["auto", "us"])
def test_an_i_among_digits_reads_as_one(region):
    bar = _c(("I", 0.9), ("1", 0.06), ("J", 0.02))
    chars = [_c((ch, 0.95)) for ch in "27578"] + [bar, _c(("4", 0.95))]
    out, _ = apply_region(chars, region, 0.5)
    assert "".join(c.char for c in out) == "2757814"
    # conditioned on "a digit": 0.06 / (0.06 + the 0.02 outside the alternatives)
    assert out[5].confidence == pytest.approx(0.75) and not out[5].failed
    # at the plate's edge next to a digit too
    out, _ = apply_region([bar] + chars[:5], region, 0.5)
    assert "".join(c.char for c in out) == "127578"


@pytest.mark.parametrize("text", ["ABIC12", "12IK34", "I"])
def test_an_i_next_to_a_letter_or_alone_stays(text):
    chars = [_c(("I", 0.9), ("1", 0.06)) if ch == "I" else _c((ch, 0.95)) for ch in text]
    out, _ = apply_region(chars, "auto", 0.5)
    assert "".join(c.char for c in out) == text


def test_no_rules_leave_an_i_among_digits():
    bar = _c(("I", 0.9), ("1", 0.06), ("J", 0.02))
    chars = [_c((ch, 0.95)) for ch in "27578"] + [bar, _c(("4", 0.95))]
    assert apply_region(chars, None, 0.5) == (chars, None)


def test_auto_does_not_charge_a_format_for_an_i_among_digits():
    # Brazil's OVA1319 read 0VAI319: its O read 0 (0.1 as likely) and its two 1s read
    # I. The I between 3 and 9 is read 1 whatever the region (an I among digits), so
    # only the O and the other I cost the format: 0.1 x 0.2, over AUTO_MARGIN.
    bar = _c(("I", 0.9), ("1", 0.03), ("#", 0.02))
    chars = ([_c(("0", 0.89), ("O", 0.09)), _c(("V", 0.97)), _c(("A", 0.95)), bar,
              _c(("3", 0.99)), bar, _c(("9", 0.99))])
    out, used = apply_region(chars, "auto", 0.5)
    assert used == "br" and "".join(c.char for c in out) == "OVA1319"
    # the O at 0.01 of the 0 is still too costly: the 0 stays, the I among digits is 1
    chars[0] = _c(("0", 0.97), ("O", 0.01))
    out, used = apply_region(chars, "auto", 0.5)
    assert used is None and "".join(c.char for c in out) == "0VAI319"
