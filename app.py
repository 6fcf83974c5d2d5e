"""Entry point: page config, login, the menu for the user's role, language."""

import streamlit as st

from ui import auth, menu

st.set_page_config(page_title="联席会议工作平台", page_icon=":material/gavel:", layout="wide")

actor = auth.login_gate()
st.navigation(menu.pages_for(actor.role)).run()
