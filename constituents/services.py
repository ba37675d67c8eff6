from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from deputies.models import Community
from liaison.audit import audited
from liaison.validators import normalize_phone

from .models import Constituent, ConstituentCategory


@transaction.atomic
def constituent_create(
    *, community: Community, name: str, category: str = ConstituentCategory.ORDINARY,
    phone: str = "", address: str = "", acting_user,
) -> Constituent:
    """Register a constituent; the same name and phone in one community is the same person."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "请填写选民姓名。"})
    constituent = Constituent(
        community=community, name=name, category=category, phone=normalize_phone(phone), address=address.strip()
    )
    constituent.full_clean(validate_unique=False)
    existing = Constituent.objects.filter(community=community, name=name, phone=constituent.phone).first()
    if existing is not None:
        return existing
    audited(constituent, action="constituents.constituent.created", user=acting_user)
    constituent.save()
    return constituent


def may_see_in_full(user, constituent: Constituent) -> bool:
    """Office staff, and the liaisons and deputies who work with this constituent
    (the row already came through `visible_to`), may unmask personal data; the
    committee reads masked data only."""
    return user.is_office_staff or user.is_liaison or user.is_deputy
