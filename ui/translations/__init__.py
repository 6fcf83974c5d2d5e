"""English for each area's labels; see ``ui.i18n``."""
