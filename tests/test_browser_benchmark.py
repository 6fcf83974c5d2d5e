"""The browser benchmark's contract, without a browser: its names are CONTRACT.md's, its
lines have the fields of the others, and a missing Chromium fails the run loudly."""

import pytest

from benchmarks import browser, run

CONTRACT_NAMES = {"overview_browser_cold", "overview_browser_warm", "metrics_browser", "agency_browser",
                  "projector_browser", "projector_follow"}


def test_names_are_the_contracts():
    assert set(browser.NAMES) == CONTRACT_NAMES


def test_a_line_has_name_seconds_median_and_peak():
    line = browser._line("metrics_browser", [3.0, 1.0, 2.0], 250.0)
    assert line["name"] == "metrics_browser"
    assert line["seconds"] == 2.0 and line["peak_rss_mb"] == 250.0
    unknown = browser._line("agency_browser", [1.0, 1.0, 1.0], None)
    assert unknown["peak_rss_mb"] is None and unknown["peak_rss_note"]


def test_missing_chromium_fails_loudly(monkeypatch, tmp_path):
    monkeypatch.setattr(browser, "CHROMIUM", str(tmp_path / "no-chromium"))
    with pytest.raises(SystemExit, match="Chromium is not installed"):
        browser.require_chromium()
    # ... and before any seeding in `python -m benchmarks`.
    with pytest.raises(SystemExit, match="Chromium is not installed"):
        run.main(["--referrals", "10", "--database-url", f"sqlite:///{tmp_path / 'x.db'}"])
    assert not (tmp_path / "x.db").exists()
