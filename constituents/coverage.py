"""The 三问 coverage planner (issue 12 §5): which communities × voter categories no
activity of the matching 问 has reached yet this year.

What an activity records: its constituency, its 三问 type and the registered
constituents met (plus a head count of people not named). It records no community
or category of its own, so a cell is derived from the people met: an activity of
type T reached (community C, category K) when it met a registered constituent of
C whose category is K and K is a target of T (问难 → the vulnerable groups, 问需 →
ordinary voters, 问计 → leading, public and well-educated figures, as the source
document pairs them; constituents.models.CATEGORY_ASK_TYPE). Pairs the source does
not make (问计 with 特困户 …) are not cells: each category belongs to one 问, so the
matrix is communities × categories grouped under their 问. People only counted
(crowd_count) cannot be placed and are not counted.

Which cells exist: every category of every community. A cell counts towards the
percentage when the register holds someone of that category there (no one can be
visited who is not registered); the others are shown greyed as "名册无此类选民".

Scoping: the constituencies come from Constituency.objects.visible_to(user), the
registered people from Constituent.objects.visible_to(user). The activity counts
are aggregates over every activity that met people of those constituencies, so a
deputy's planner counts their colleagues' visits too (otherwise it would send them
where a colleague has been); the links to the activities open the activity list,
which shows each person only the activities they may see.

Every function here costs a fixed number of GROUP BY queries, whatever the rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import Count, Q, QuerySet
from django.urls import reverse

from deputies.models import Community, Constituency

from .models import CATEGORY_ASK_TYPE, AskType, Constituent, ConstituentCategory, ContactActivity

# The matrix's columns: each 问 with the categories it targets, in the register's order.
ASK_COLUMNS: list[tuple[str, str, list[tuple[str, str]]]] = [
    (ask.value, ask.label, [(c.value, c.label) for c in ConstituentCategory if CATEGORY_ASK_TYPE[c] == ask])
    for ask in AskType
]
CATEGORIES_IN_ORDER: list[str] = [value for _, _, columns in ASK_COLUMNS for value, _ in columns]

Met = ContactActivity.constituents.through


def _matching_ask_type() -> Q:
    """A meeting counts only when the activity's 三问 type is the one the person's category is for."""
    condition = Q()
    for ask, _, columns in ASK_COLUMNS:
        condition |= Q(contactactivity__ask_type=ask, constituent__category__in=[value for value, _ in columns])
    return condition


@dataclass
class Cell:
    community_id: int
    category: str
    registered: int = 0
    activities: int = 0
    url: str = ""  # the activities that reached it, or the form to plan one (set by the page)

    @property
    def ask_type(self) -> str:
        return CATEGORY_ASK_TYPE[self.category]

    @property
    def category_label(self) -> str:
        return ConstituentCategory(self.category).label

    @property
    def ask_label(self) -> str:
        return AskType(self.ask_type).label

    @property
    def counts(self) -> bool:
        """Part of the percentage: someone of this category is registered here (or was met)."""
        return self.registered > 0 or self.activities > 0

    @property
    def covered(self) -> bool:
        return self.activities > 0


@dataclass
class CommunityRow:
    community: Community
    cells: list[Cell]

    @property
    def covered(self) -> int:
        return sum(1 for cell in self.cells if cell.covered)

    @property
    def total(self) -> int:
        return sum(1 for cell in self.cells if cell.counts)


@dataclass
class Tally:
    """Covered cells out of the cells that count; the percentage is None when none count."""

    covered: int = 0
    total: int = 0

    @property
    def percent(self) -> int | None:
        return round(100 * self.covered / self.total) if self.total else None

    @property
    def gaps(self) -> int:
        return self.total - self.covered


def cell_counts(constituencies: QuerySet[Constituency], year: int, user) -> dict[tuple[int, int, str], Cell]:
    """(constituency id, community id, category) → Cell, for the cells anyone is registered in or was met
    in: two GROUP BY queries (registered people, activities of the matching 问 that year)."""
    cells: dict[tuple[int, int, str], Cell] = {}
    registered = (
        Constituent.objects.visible_to(user)
        .filter(community__constituency__in=constituencies)
        .order_by()
        .values("community__constituency_id", "community_id", "category")
        .annotate(people=Count("pk"))
    )
    for row in registered:
        key = (row["community__constituency_id"], row["community_id"], row["category"])
        cells[key] = Cell(community_id=row["community_id"], category=row["category"], registered=row["people"])
    reached = (
        Met.objects.filter(
            _matching_ask_type(),
            constituent__community__constituency__in=constituencies,
            contactactivity__held_on__year=year,
        )
        .order_by()
        .values("constituent__community__constituency_id", "constituent__community_id", "constituent__category")
        .annotate(activities=Count("contactactivity_id", distinct=True))
    )
    for row in reached:
        key = (row["constituent__community__constituency_id"], row["constituent__community_id"],
               row["constituent__category"])
        cell = cells.setdefault(key, Cell(community_id=key[1], category=key[2]))
        cell.activities = row["activities"]
    return cells


def tallies(cells: dict[tuple[int, int, str], Cell]) -> dict[int, Tally]:
    """Covered / counted cells per constituency id."""
    result: dict[int, Tally] = {}
    for (constituency_id, _, _), cell in cells.items():
        if not cell.counts:
            continue
        tally = result.setdefault(constituency_id, Tally())
        tally.total += 1
        tally.covered += cell.covered
    return result


def total(tally_list) -> Tally:
    combined = Tally()
    for tally in tally_list:
        combined.covered += tally.covered
        combined.total += tally.total
    return combined


def matrix(constituency: Constituency, cells: dict[tuple[int, int, str], Cell], user) -> list[CommunityRow]:
    """One row per community of the constituency (one query), a cell per category in the register's order."""
    communities = Community.objects.visible_to(user).filter(constituency=constituency).order_by("name")
    rows = []
    for community in communities:
        rows.append(CommunityRow(community=community, cells=[
            cells.get((constituency.pk, community.pk, category)) or Cell(community_id=community.pk, category=category)
            for category in CATEGORIES_IN_ORDER
        ]))
    return rows


def suggestions(constituency: Constituency, year: int, user, *, limit: int = 5
                ) -> tuple[list[tuple[Cell, Community]], Tally]:
    """Where to go next: the cells of the constituency no activity reached this year, those with
    the most registered people first, and the constituency's tally (three queries)."""
    cells = cell_counts(Constituency.objects.filter(pk=constituency.pk), year, user)
    gaps = sorted(
        (cell for cell in cells.values() if cell.registered and not cell.covered),
        key=lambda cell: (-cell.registered, CATEGORIES_IN_ORDER.index(cell.category), cell.community_id),
    )[:limit]
    communities = Community.objects.visible_to(user).in_bulk([cell.community_id for cell in gaps]) if gaps else {}
    tally = tallies(cells).get(constituency.pk, Tally())
    return [(cell, communities[cell.community_id]) for cell in gaps if cell.community_id in communities], tally


def activities_url(*, group_id: int, year: int, community_id: int, category: str) -> str:
    """The activity list filtered to what reached one cell."""
    query = {"year": year, "group": group_id, "community": community_id, "category": category,
             "ask_type": CATEGORY_ASK_TYPE[category]}
    return f"{reverse('constituents:activity_list')}?{urlencode(query)}"


def plan_url(*, constituency_id: int, community: Community, category: str) -> str:
    """The activity form prefilled for one gap (constituency, 三问 type, place, who to look for)."""
    query = {"constituency": constituency_id, "ask_type": CATEGORY_ASK_TYPE[category], "place": community.name,
             "community": community.pk, "category": category}
    return f"{reverse('constituents:activity_create')}?{urlencode(query)}"
