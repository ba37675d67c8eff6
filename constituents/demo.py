"""~2,000 constituents across all categories of the 三问."""

from __future__ import annotations

from simple_history.utils import bulk_create_with_history

from deputies.models import Community
from liaison.demo_names import mobile, person_name

from .models import Constituent, ConstituentCategory

# Roughly how a community's register looks: mostly ordinary voters.
WEIGHTS = {
    ConstituentCategory.EXTREME_HARDSHIP: 4,
    ConstituentCategory.ZERO_EMPLOYMENT: 3,
    ConstituentCategory.LOW_INCOME: 6,
    ConstituentCategory.ELDERLY_SICK_DISABLED: 7,
    ConstituentCategory.ORDINARY: 60,
    ConstituentCategory.INDUSTRY_LEADER: 8,
    ConstituentCategory.PUBLIC_FIGURE: 4,
    ConstituentCategory.WELL_EDUCATED: 8,
}
STREETS = ["解放路", "人民路", "建设街", "文化巷", "朝阳大道", "滨河路", "青年路", "民主街"]


def seed(context: dict) -> None:
    rng = context["rng"]
    communities = list(Community.objects.filter(constituency__term=context["term"]))
    categories = list(WEIGHTS)
    weights = list(WEIGHTS.values())
    constituents = []
    seen = set()
    while len(constituents) < 2000:
        community = rng.choice(communities)
        name = person_name(rng)
        phone = mobile(rng)
        if (community.pk, name, phone) in seen:
            continue
        seen.add((community.pk, name, phone))
        constituents.append(Constituent(
            community=community, name=name, phone=phone,
            address=f"{rng.choice(STREETS)}{rng.randint(1, 300)}号{rng.randint(1, 12)}栋{rng.randint(1, 6)}单元",
            category=rng.choices(categories, weights)[0],
        ))
    bulk_create_with_history(constituents, Constituent, batch_size=500, default_change_reason="constituents.demo.seeded")
    from .demo_casework import seed as seed_casework

    seed_casework(context)
