"""The product's business rules, in plain Python (no Streamlit, no database).

- :mod:`rules.calendar`: China's working days, the office's overrides, provisional years.
- :mod:`rules.settings`: the configurable limits (defaults from DOMAIN.md).
- :mod:`rules.deadlines`: due dates for every time limit.
- :mod:`rules.lights`: green / yellow / red.
- :mod:`rules.lifecycle`: status codes, allowed changes, labels and vocabularies.
- :mod:`rules.metrics`: the per-agency metric definitions and a reference implementation.
- :mod:`rules.ageing`: when a dispute is stalled and an acknowledgement long overdue.
- :mod:`rules.meetings`: the countdown of the item on the projector.
- :mod:`rules.permissions`: who may do what (actions) and see what (read scopes).

Import the module you need (``from rules import deadlines``); the package itself
re-exports nothing.
"""
