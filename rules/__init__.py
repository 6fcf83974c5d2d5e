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
"""

from rules.calendar import Due, WorkCalendar
from rules.deadlines import (
    ack_due,
    agenda_cutoff,
    assist_due,
    days_late,
    is_late_submission,
    is_overdue,
    send_deadline_moment,
    send_due,
    special_op_apply_deadline,
    special_op_decision_due,
)
from rules.lifecycle import TransitionError, allowed_next, check_initial, check_transition
from rules.lights import LIGHT_COLORS, LIGHT_LABELS, Light, light_for
from rules.metrics import (
    DEFAULT_WEIGHTS,
    METRIC_LABELS,
    AgencyMetrics,
    AssistFacts,
    DecisionFacts,
    DisputeFacts,
    Period,
    ReferralFacts,
    agency_metrics,
    score,
)
from rules.settings import FIELD_LABELS, RuleSettings

__all__ = [
    "Due",
    "WorkCalendar",
    "RuleSettings",
    "FIELD_LABELS",
    "send_due",
    "send_deadline_moment",
    "ack_due",
    "assist_due",
    "agenda_cutoff",
    "is_late_submission",
    "special_op_apply_deadline",
    "special_op_decision_due",
    "days_late",
    "is_overdue",
    "Light",
    "light_for",
    "LIGHT_LABELS",
    "LIGHT_COLORS",
    "TransitionError",
    "check_transition",
    "allowed_next",
    "check_initial",
    "ReferralFacts",
    "AssistFacts",
    "DisputeFacts",
    "DecisionFacts",
    "Period",
    "AgencyMetrics",
    "agency_metrics",
    "score",
    "DEFAULT_WEIGHTS",
    "METRIC_LABELS",
]
