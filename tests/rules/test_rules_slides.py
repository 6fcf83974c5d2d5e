from hypothesis import given
from hypothesis import strategies as st

from rules.slides import condense, ends, mmss, shorten


@given(st.lists(st.integers(), max_size=40), st.integers(min_value=1, max_value=12))
def test_condense_never_exceeds_its_lines_and_loses_nothing(rows, limit):
    shown, more = condense(rows, limit)
    assert list(shown) + rows[len(shown):] == rows  # the first rows, in order
    assert len(shown) + more == len(rows)
    assert len(shown) + (1 if more else 0) <= limit  # the "另有 N 项" line counts


def test_condense_examples():
    assert condense([1, 2, 3], 3) == ((1, 2, 3), 0)
    assert condense([1, 2, 3, 4], 3) == ((1, 2), 2)
    assert condense([1], 0) == ((), 1)


def test_ends_show_top_and_bottom():
    assert ends(list(range(10)), 3) == ((0, 1, 2), (7, 8, 9))
    assert ends([1, 2, 3, 4, 5, 6], 3) == ((1, 2, 3, 4, 5, 6), ())


def test_mmss():
    assert mmss(600) == "10:00" and mmss(59) == "00:59" and mmss(-61) == "+01:01" and mmss(0) == "00:00"


@given(st.text(max_size=30), st.integers(min_value=1, max_value=20))
def test_shorten_keeps_short_text_and_marks_a_cut(text, limit):
    out = shorten(text, limit)
    if len(text) <= limit:
        assert out == text
    else:
        assert len(out) == limit and out.endswith("…") and text.startswith(out[:-1])
