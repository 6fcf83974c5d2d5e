"""RuleSettings: defaults from DOMAIN.md, parsing and validation of stored values."""

from __future__ import annotations

import dataclasses

import pytest

from rules.settings import FIELD_LABELS, RuleSettings

DEFAULTS = {
    "send_working_days": 3,
    "send_working_days_extended": 10,
    "urgent_send_hours": 24,
    "ack_working_days": 5,
    "criminal_ack_calendar_days": 3,
    "assist_working_days": 3,
    "assist_extension_working_days": 10,
    "agenda_cutoff_days": 10,
    "special_op_apply_days": 3,
    "special_op_decide_days": 2,
    "yellow_working_days": 1,
    "dispute_stall_days": 30,
    "suggest_overdue_referral_days": 10,
    "meeting_cadence_months": 1,
    # the assessment (DOMAIN.md, Scoring): 百分制扣分, at least 5 judged items, 2 points a case
    "score_method": "deduction",
    "score_min_items": 5,
    "score_points_per_case": 2,
    "score_marks_send": 20,
    "score_marks_ack": 30,
    "score_marks_assist": 20,
    "score_marks_decisions": 20,
    "score_marks_disputes": 10,
    "score_weight_send": 20,
    "score_weight_ack": 30,
    "score_weight_assist": 20,
    "score_weight_decisions": 20,
    "score_weight_disputes": 10,
}


def test_defaults_match_domain():
    assert RuleSettings().to_mapping() == DEFAULTS


def test_labels_cover_every_field():
    assert set(FIELD_LABELS) == set(DEFAULTS)
    for zh, en in FIELD_LABELS.values():
        assert zh and en


def test_from_mapping_parses_text_and_ignores_unknown_keys():
    s = RuleSettings.from_mapping({"ack_working_days": " 7 ", "yellow_working_days": 2, "colour": "blue"})
    assert s.ack_working_days == 7 and s.yellow_working_days == 2
    assert s.send_working_days == 3


def test_round_trip():
    s = RuleSettings(dispute_stall_days=45)
    assert RuleSettings.from_mapping(s.to_mapping()) == s
    assert RuleSettings.from_mapping({}) == RuleSettings()


@pytest.mark.parametrize("bad", ["0", "-1", "abc", "1.5", "", "３", 0, -2, True, 2.0, None])
def test_bad_values_name_the_field_in_both_languages(bad):
    with pytest.raises(ValueError) as err:
        RuleSettings.from_mapping({"ack_working_days": bad})
    msg = str(err.value)
    assert "受理告知期限（工作日）" in msg
    assert "ack_working_days" in msg and "positive whole number" in msg


def test_constructor_validates_and_is_frozen():
    with pytest.raises(ValueError, match="urgent_send_hours"):
        RuleSettings(urgent_send_hours=0)
    with pytest.raises(dataclasses.FrozenInstanceError):
        RuleSettings().ack_working_days = 9  # type: ignore[misc]
