"""Import a synthetic responsibility list and time searching it.

``python -m benchmarks.responsibility_search [--items 2000] [--repeat 7] [--database-url URL]``

Builds a fresh database (a temporary SQLite file unless ``--database-url`` names an empty
one), loads the sample city's agencies, then prints one JSON object per line like the main
benchmark: ``{"name": "database", …}``, then ``responsibility_import`` (the whole file through
the CLI's import function, seconds of one run) and one ``responsibility_search_*`` per kind
of search, each ``seconds`` the median of ``--repeat`` runs (the issue's target: under 0.1 s
on 2,000 items).
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import tempfile
import time
from pathlib import Path

from data_access import db, schema
from data_access.commands.base import SYSTEM
from data_access.importing import import_agencies, read_table
from data_access.queries.responsibilities import matter_choices, search_responsibilities
from data_access.responsibilities import import_responsibilities
from sample_data.city import AGENCIES_CSV, load_city
from sample_data.responsibilities import build_list, to_csv


def _peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _line(name: str, **values) -> None:
    print(json.dumps({"name": name, **values}, ensure_ascii=False), flush=True)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args(argv)
    repeat = max(3, args.repeat)

    tmp = tempfile.TemporaryDirectory(prefix="jm-resp-bench-")
    url = args.database_url or f"sqlite:///{Path(tmp.name) / 'list.db'}"
    engine = db.make_engine(url)
    schema.upgrade(engine)
    with db.write_session(engine) as session:
        import_agencies(session, SYSTEM, read_table(AGENCIES_CSV))
    city = load_city()
    rows = build_list([(a.name, a.kind) for a in city.agencies], args.items)
    content = to_csv(rows)
    _line("database", url=engine.url.render_as_string(hide_password=True), items=len(rows))

    started = time.perf_counter()
    with db.write_session(engine) as session:
        result = import_responsibilities(session, SYSTEM, read_table(content, "list.csv"), filename="list.csv")
    _line("responsibility_import", seconds=round(time.perf_counter() - started, 4), created=result.created,
          peak_rss_mb=_peak_rss_mb())

    town = next(a.id for a in city.agencies if a.kind == "town")
    searches = {
        "responsibility_search_word": dict(text="占道"),
        "responsibility_search_two_words": dict(text="建设单位 施工"),
        "responsibility_search_basis": dict(basis="建筑法"),
        "responsibility_search_domain_agency": dict(domain="城镇管理", agency_id=town),
        "responsibility_search_nothing_found": dict(text="不存在的事项"),
        "responsibility_search_all": dict(),
    }
    for name, filters in searches.items():
        runs = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            with db.read_session(engine) as session:
                _entries, total = search_responsibilities(session, **filters)
            runs.append(time.perf_counter() - t0)
        _line(name, seconds=round(statistics.median(runs), 5), matches=total, peak_rss_mb=_peak_rss_mb())
    runs = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        with db.read_session(engine) as session:
            choices = matter_choices(session)
        runs.append(time.perf_counter() - t0)
    _line("responsibility_matter_choices", seconds=round(statistics.median(runs), 5), matches=len(choices),
          peak_rss_mb=_peak_rss_mb())
    engine.dispose()
    tmp.cleanup()


if __name__ == "__main__":
    main()
