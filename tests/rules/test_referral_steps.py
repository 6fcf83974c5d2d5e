"""The steps a referral offers: its status's next steps that the user's role may take on it."""

from rules.referral_steps import steps_for

SENDER, RECEIVER, OTHER = 1, 2, 3


def test_a_receiving_head_may_acknowledge_a_sent_referral_and_nothing_else():
    assert steps_for("sent", "head", RECEIVER, SENDER, RECEIVER) == ["acknowledge"]


def test_the_sender_may_not_acknowledge_its_own_referral():
    assert steps_for("sent", "head", SENDER, SENDER, RECEIVER) == []


def test_another_agency_gets_no_step():
    for status in ("draft", "sent", "accepted", "reported", "declined", "returned", "closed"):
        assert steps_for(status, "head", OTHER, SENDER, RECEIVER) == []


def test_each_status_offers_its_next_step_to_the_office():
    expected = {"draft": ["send"], "sent": ["acknowledge"], "accepted": ["report"], "reported": ["close"],
                "declined": ["close"], "returned": ["revise"], "closed": []}
    for status, steps in expected.items():
        assert steps_for(status, "office", None, SENDER, RECEIVER) == steps, status


def test_a_read_only_role_gets_no_step():
    assert steps_for("sent", "observer", RECEIVER, SENDER, RECEIVER) == []
