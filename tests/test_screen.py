"""``ui.screen`` styles Streamlit's own widgets by their test ids and react-aria's segment
types (Streamlit has no locale for their texts). An upgrade that renames them must fail
here, not silently bring the English back."""

from pathlib import Path

import streamlit

from ui import screen

STATIC = Path(streamlit.__file__).parent / "static" / "static" / "js"


def _bundle() -> str:
    return "\n".join(p.read_text(errors="ignore") for p in STATIC.glob("*.js"))


def test_the_styled_test_ids_exist_in_streamlits_frontend():
    text = _bundle()
    for test_id in screen.TEST_IDS:
        assert f"`{test_id}`" in text or f'"{test_id}"' in text, test_id


def test_empty_segments_are_marked_as_placeholders():
    text = _bundle()
    assert "`data-placeholder`" in text or '"data-placeholder"' in text
    for kind in screen.SEGMENTS:
        assert f"`{kind}`" in text or f'"{kind}"' in text, kind
