"""The sample city's member agencies and demo users, read from the data files.

``agencies.csv`` has the import columns of CONTRACT.md (so ``python -m data_access import
agencies sample_data/agencies.csv`` loads the same list); ``towns.geojson`` has an outline
for each town. Agency ids follow the file's order, starting at 1; users are listed in the
order the login page shows them: ``admin``, ``chair``, ``viewer``, then one head per agency
(``head01``… in agency order) and one clerk per town (``clerk01``… in town order).
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from pathlib import Path

from rules.lifecycle import AGENCY_KINDS
from sample_data.content import COORDINATOR, POLICE, person

HERE = Path(__file__).resolve().parent
AGENCIES_CSV = HERE / "agencies.csv"
TOWNS_GEOJSON = HERE / "towns.geojson"

_KIND_CODE = {zh: code for code, zh in AGENCY_KINDS.items()}  # 部门 -> department


@dataclass(frozen=True)
class AgencySpec:
    id: int
    name: str
    kind: str  # department / town / judicial / coordinator
    short_name: str
    contact: str
    phone: str
    lon: float
    lat: float
    outline: list | None = None
    head: str = ""  # the head's name (成员单位负责人)


@dataclass(frozen=True)
class UserSpec:
    username: str
    display_name: str
    role: str
    agency_id: int | None


@dataclass
class City:
    agencies: list[AgencySpec]
    users: list[UserSpec]
    by_name: dict[str, AgencySpec] = field(init=False)
    actors: dict[int, str] = field(init=False)
    """agency id -> the username that acts for it in the sample history: a town's clerk
    enters its data; a department's head does it himself."""

    def __post_init__(self) -> None:
        self.by_name = {a.name: a for a in self.agencies}
        self.actors = {u.agency_id: u.username for u in self.users if u.role == "head"}
        self.actors.update({u.agency_id: u.username for u in self.users if u.role == "clerk"})

    def of_kind(self, kind: str) -> list[AgencySpec]:
        return [a for a in self.agencies if a.kind == kind]

    @property
    def towns(self) -> list[AgencySpec]:
        return self.of_kind("town")

    @property
    def departments(self) -> list[AgencySpec]:
        return self.of_kind("department")

    @property
    def police(self) -> AgencySpec:
        return self.by_name[POLICE]

    @property
    def coordinator(self) -> AgencySpec:
        return self.by_name[COORDINATOR]



def read_agencies() -> list[AgencySpec]:
    outlines = read_outlines()
    with AGENCIES_CSV.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    agencies = []
    for i, row in enumerate(rows):
        name = row["单位名称"].strip()
        kind = _KIND_CODE[row["单位类型"].strip()]
        agencies.append(
            AgencySpec(
                id=i + 1,
                name=name,
                kind=kind,
                short_name=row["简称"].strip(),
                contact=row["联系人"].strip(),
                phone=row["联系电话"].strip(),
                lon=float(row["经度"]),
                lat=float(row["纬度"]),
                outline=outlines.get(name) if kind == "town" else None,
                head=person(i),
            )
        )
    return agencies


def read_outlines() -> dict[str, list[list[float]]]:
    """Town name -> closed ring ``[[lon, lat], …]`` (first point repeated last, as GeoJSON)."""
    data = json.loads(TOWNS_GEOJSON.read_text(encoding="utf-8"))
    return {f["properties"]["name"]: f["geometry"]["coordinates"][0] for f in data["features"]}


def demo_users(agencies: list[AgencySpec]) -> list[UserSpec]:
    coordinator = next(a for a in agencies if a.kind == "coordinator")
    users = [
        UserSpec("admin", f"{person(200)}（联席会议办公室）", "office", coordinator.id),
        UserSpec("chair", f"{CHAIR_NAME}（联席会议组长）", "chair", None),
        UserSpec("viewer", f"{person(202)}（列席观察员）", "observer", None),
    ]
    width = max(2, len(str(len(agencies))))
    for n, a in enumerate(agencies, 1):
        users.append(UserSpec(f"head{n:0{width}d}", f"{a.head}（{a.name}）", "head", a.id))
    towns = [a for a in agencies if a.kind == "town"]
    for n, a in enumerate(towns, 1):
        # The town's contact person (联系人 in agencies.csv) is its clerk.
        users.append(UserSpec(f"clerk{n:0{width}d}", f"{a.contact}（{a.name}联络员）", "clerk", a.id))
    return users


CHAIR_NAME = person(201)
OFFICE_NAME = person(200)


def load_city() -> City:
    agencies = read_agencies()
    return City(agencies=agencies, users=demo_users(agencies))
