"""The register of personal information covers every model (issue 9 §4)."""

from __future__ import annotations

from django.apps import apps
from django.db import models

from liaison.personal_data import (
    NOT_PERSONAL,
    PERSONAL_FIELDS,
    SENSITIVE,
    field_for,
    looks_personal,
    mask_contact,
    mask_name,
    mask_phone,
)


def _own_model(model):
    """An audit copy (django-simple-history) is classed by the model it copies; a proxy by its concrete model."""
    model = getattr(model, "instance_type", None) or model
    return model._meta.concrete_model


def unclassified_fields(all_models) -> list[str]:
    missing = []
    for model in all_models:
        own = _own_model(model)
        label = own._meta.label
        for field in model._meta.concrete_fields:
            if isinstance(field, (models.ForeignKey, models.AutoField)) or field.name.startswith("history_"):
                continue
            if not looks_personal(field):
                continue
            if field_for(label, field.name) is None and f"{label}.{field.name}" not in NOT_PERSONAL:
                missing.append(f"{label}.{field.name}")
    return sorted(set(missing))


def test_every_field_that_looks_personal_is_classed():
    missing = unclassified_fields(apps.get_models())
    assert not missing, (
        "These fields look personal but are not in liaison/personal_data.py "
        "(class them in PERSONAL_FIELDS, or list them in NOT_PERSONAL with the reason): " + ", ".join(missing)
    )


def test_a_new_personal_field_without_a_class_is_caught():
    class Volunteer(models.Model):  # noqa: DJ008 (a throwaway model for the test)
        nickname = models.CharField(max_length=10)
        mobile = models.CharField(max_length=20)
        home_address = models.CharField(max_length=200)
        contact_email = models.EmailField()
        id_number = models.CharField(max_length=18)

        class Meta:
            app_label = "liaison"

    try:
        assert unclassified_fields([Volunteer]) == [
            "liaison.Volunteer.contact_email", "liaison.Volunteer.home_address", "liaison.Volunteer.id_number",
            "liaison.Volunteer.mobile",
        ]
    finally:
        apps.all_models["liaison"].pop("volunteer", None)
        apps.clear_cache()


def test_every_registered_field_exists():
    for label, fields in PERSONAL_FIELDS.items():
        model = apps.get_model(label)
        names = {field.name for field in model._meta.get_fields()}
        assert set(fields) <= names, f"{label}: {set(fields) - names}"
    for dotted in NOT_PERSONAL:
        label, name = dotted.rsplit(".", 1)
        assert name in {field.name for field in apps.get_model(label)._meta.get_fields()}, dotted


def test_vulnerable_group_membership_is_sensitive():
    assert field_for("constituents.Constituent", "category").kind == SENSITIVE
    assert field_for("constituents.Constituent", "phone").kind_label == "一般个人信息"


def test_masks():
    assert mask_name("张三丰") == "张**"
    assert mask_phone("13812345678") == "138****5678"
    assert mask_contact("13812345678") == "138****5678"
    assert mask_contact("zhang@example.cn") == "z***@example.cn"
    assert mask_contact("幸福里小区3栋2单元") == "幸福里小区3……"
