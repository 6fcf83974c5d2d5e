"""The menu: every page with the roles that see it, built into ``st.navigation`` by app.py.

Add a page by adding a ``PageSpec`` here; the page file itself stays thin.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from ui.i18n import t

ALL = frozenset({"office", "chair", "head", "clerk", "observer"})
MEMBERS = frozenset({"head", "clerk"})
LEADERS = frozenset({"office", "chair"})


@dataclass(frozen=True)
class PageSpec:
    path: str  # the page script, relative to the project root
    title: str  # Chinese; translated at run time
    icon: str  # a Material icon, ":material/name:"
    section: str  # Chinese section heading
    url_path: str  # stable, bookmarkable
    roles: frozenset[str] = ALL
    home_for: frozenset[str] = frozenset()  # roles that land on this page


PAGES: list[PageSpec] = [
    PageSpec("pages/overview.py", "总览", ":material/dashboard:", "看板", "overview",
             roles=ALL, home_for=frozenset({"office", "chair", "observer"})),
]


def pages_for(role: str) -> dict[str, list]:
    """``st.navigation`` input for a role: {section: [st.Page, ...]} in menu order."""
    sections: dict[str, list] = {}
    for spec in PAGES:
        if role not in spec.roles:
            continue
        page = st.Page(
            spec.path,
            title=t(spec.title),
            icon=spec.icon,
            url_path=spec.url_path,
            default=role in spec.home_for,
        )
        sections.setdefault(t(spec.section), []).append(page)
    return sections
