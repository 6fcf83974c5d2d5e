"""Streamlit helpers shared by the pages: language, session, menu, components."""
