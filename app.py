"""Entry point: page config, the demo-mode banner, login, language, the menu for the user's role."""

import streamlit as st

from ui import auth, menu, notices, screen

# No page_icon: a Material icon there makes the browser fetch it from the internet.
st.set_page_config(page_title="联席会议工作平台", layout="wide")
auth.leave_pages_folder_mode()  # the first run of a fresh server: see its docstring

config = auth.config()
screen.app_style()  # content near the top; Streamlit's own widget texts in Chinese
auth.demo_banner(config)
actor = auth.login_gate(config)  # the login form when nobody is signed in (stops the run)
auth.sidebar(actor)  # language choice, the user, logout
page = st.navigation(menu.pages_for(actor.role), expanded=True)
notices.sidebar_count(actor)  # new notices of a member's agency (after the menu: it links into it)
page.run()
