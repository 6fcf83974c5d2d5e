"""One translation table for every label.

Labels are written in Simplified Chinese in the code (the default language) and looked up
here for English. Each area of the product keeps its English in ``ui/translations/<area>.py``
as ``EN = {"中文": "English", ...}``; they are merged into the one table ``TABLE`` at import.
A label missing from the table shows in Chinese rather than failing.
"""

from __future__ import annotations

import importlib
import pkgutil

import streamlit as st

from ui import translations

LANGUAGES = {"zh": "简体中文", "en": "English"}


def _load_table() -> dict[str, str]:
    table: dict[str, str] = {}
    for mod in pkgutil.iter_modules(translations.__path__):
        table.update(importlib.import_module(f"ui.translations.{mod.name}").EN)
    return table


TABLE = _load_table()


def lang() -> str:
    return st.session_state.get("lang", "zh")


def t(zh: str, **fmt) -> str:
    """The label in the user's language; ``fmt`` fills ``{placeholders}`` after lookup."""
    text = TABLE.get(zh, zh) if lang() == "en" else zh
    return text.format(**fmt) if fmt else text


def pick(pair: tuple[str, str] | dict[str, str] | str) -> str:
    """Choose from a (zh, en) pair or {"zh":…, "en":…} dict as kept in ``rules``."""
    if isinstance(pair, str):
        return t(pair)
    if isinstance(pair, dict):
        return pair.get(lang(), pair.get("zh"))
    return pair[1] if lang() == "en" else pair[0]


def say(message) -> str:
    """A command's refusal or message in the user's language: a ``Message`` or a
    ``CommandError`` (both carry Chinese and English); any other text as it is."""
    text = getattr(message, "text", None)
    return text(lang()) if callable(text) else str(message)
