"""What every page shares on screen, drawn once by app.py: content near the top, and the
texts of Streamlit's own widgets in Chinese.

Streamlit 1.67 has no locale for its widgets: the file uploader says "Upload" and "200MB per
file", an empty date or time field shows "yyyy"/"mm"/"dd" or "HH"/"mm" in its segments.
In the Chinese interface these are hidden with CSS and the Chinese words drawn in their
place (``::after``); what the user types and picks is untouched. The selectors are
Streamlit's ``data-testid`` attributes and react-aria's ``data-type`` segments;
``tests/test_screen.py`` pins them against Streamlit's frontend bundle, so that an upgrade
that renames them fails loudly, and ``tests/browser/test_chinese_everywhere.py`` reads every
page in the browser.
"""

from __future__ import annotations

import streamlit as st

from ui.i18n import lang

#: Segments of an empty date or time field (react-aria ``data-type``) and their Chinese name.
SEGMENTS = {"year": "年", "month": "月", "day": "日", "hour": "时", "minute": "分"}

#: Streamlit's test ids this module styles (checked against the installed frontend).
TEST_IDS = ("stFileUploaderDropzone", "stFileUploaderDropzoneInstructions", "stMainBlockContainer",
            "stDateInputField", "stTimeInputTimeDisplay")

_LAYOUT = """
/* Content near the top at 1280x720: Streamlit's default leaves about 6rem above a page. */
[data-testid="stMainBlockContainer"] { padding-top: 1.2rem !important; padding-bottom: 3rem !important; }
[data-testid="stMainBlockContainer"] h1 { padding-top: 0.2rem !important; }
/* This style block itself takes no room between the blocks. */
[data-testid="stElementContainer"]:has(style.jm-screen) { display: none; }
@media (max-width: 640px) {
  [data-testid="stMainBlockContainer"] { padding-left: 0.7rem !important; padding-right: 0.7rem !important;
                                         padding-top: 3.8rem !important; }
}
.jm-demo { display: inline-block; font-size: 14px; line-height: 1.4; padding: 1px 10px;
           border-radius: 10px; background: #FFF4D6; color: #5B4500; border: 1px solid #E0B000; }
"""


def _chinese_widgets() -> str:
    limit = st.get_option("server.maxUploadSize")
    segments = "\n".join(
        f'[data-type="{kind}"][data-placeholder="true"]::after {{ content: "{word}"; font-size: 16px; '
        f"color: #777; }}"
        for kind, word in SEGMENTS.items()
    )
    return f"""
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p {{ font-size: 0 !important; }}
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p::after {{
    content: "选择文件"; font-size: 16px; }}
[data-testid="stFileUploaderDropzoneInstructions"] span {{ font-size: 0 !important; }}
[data-testid="stFileUploaderDropzoneInstructions"] > div::after {{
    content: "拖放文件到此处，或点“选择文件”（每个不超过 {limit}MB）"; font-size: 14px; color: #555; }}
[data-type][data-placeholder="true"] {{ font-size: 0 !important; }}
{segments}
"""


def app_style() -> None:
    """The shared CSS of every page (app.py calls it once per run, before the page).

    Drawn as markdown in the main container: in 1.67 a style-only ``st.html`` called from
    app.py before ``st.navigation`` goes to the event container and is gone once the page runs.
    """
    css = _LAYOUT + (_chinese_widgets() if lang() == "zh" else "")
    st.markdown(f'<style class="jm-screen">{css}</style>', unsafe_allow_html=True)
