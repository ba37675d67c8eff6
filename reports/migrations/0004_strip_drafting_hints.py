"""Take the drafting hints out of stored report text: they belong in the form's help text.

Part three used to be prefilled with "（系统根据登记记录生成，请核对补充）" and "…（请补充）",
which then reached the public page and the PDFs. The table is copied here, not imported,
so the migration keeps meaning what it meant when it was written.
"""

from django.db import migrations

REPLACEMENTS = [
    ("（系统根据登记记录生成，请核对补充）", ""),
    ("系统中尚无本人参加联系选民活动的记录（请补充）。", "未登记进选区联系选民活动。"),
    ("系统中尚无本人反映群众意见的记录（请补充）。", "未登记反映的群众意见。"),
    ("系统中尚无本人提出议案、建议的记录；如有批评和意见，请补充。", "未提出议案、建议。"),
    ("；如有批评和意见，请补充。", "。"),
    ("如有批评和意见，请补充。", ""),
    ("（请核对补充）", ""),
    ("（请补充）", ""),
]
MODELS = ["DutyMeeting", "WrittenReport", "PublishedReport"]
FIELDS = ["part_session", "part_recess", "part_constituency", "part_law", "part_good_deeds"]


def strip(text: str) -> str:
    for old, new in REPLACEMENTS:
        text = text.replace(old, new)
    return text


def strip_hints(apps, schema_editor):
    for name in MODELS:
        model = apps.get_model("reports", name)
        for row in model.objects.only(*FIELDS).iterator():
            changed = {field: strip(getattr(row, field)) for field in FIELDS}
            changed = {field: text for field, text in changed.items() if text != getattr(row, field)}
            if changed:
                model.objects.filter(pk=row.pk).update(**changed)


class Migration(migrations.Migration):
    dependencies = [("reports", "0003_evaluation_criteria")]

    operations = [migrations.RunPython(strip_hints, migrations.RunPython.noop)]
