"""Fill the new columns for rows that existed before departments used the platform:
the 签收 deadline and the working days a reply took (for the figures), and who
recorded each result (a deputy's own result never counts as solved)."""

from django.db import migrations

RESULT_REASONS = ("constituents.problem.resolved", "constituents.problem.unsolvable",
                  "constituents.problem.suggestion_replied")


def backfill(apps, schema_editor):
    from liaison.workdays import add_working_days, working_days_between

    Forwarding = apps.get_model("constituents", "Forwarding")
    Problem = apps.get_model("constituents", "Problem")
    HistoricalProblem = apps.get_model("constituents", "HistoricalProblem")
    for forwarding in Forwarding.objects.filter(accept_deadline__isnull=True).iterator():
        accept_deadline, _ = add_working_days(forwarding.forwarded_on, 1)
        forwarding.accept_deadline = min(accept_deadline, forwarding.deadline)
        if forwarding.replied_on and forwarding.reply_working_days is None:
            forwarding.reply_working_days, _ = working_days_between(forwarding.forwarded_on, forwarding.replied_on)
        forwarding.save(update_fields=["accept_deadline", "reply_working_days"])
    for problem in Problem.objects.exclude(outcome="").filter(result_source="").iterator():
        row = (HistoricalProblem.objects.filter(id=problem.pk, history_change_reason__in=RESULT_REASONS)
               .select_related("history_user").order_by("-history_date").first())
        if row is None:
            continue
        role = row.history_user.role if row.history_user_id else ""
        if row.history_change_reason.endswith("suggestion_replied"):
            source = "suggestion"
        elif role == "department":
            source = "department"
        elif role in ("liaison", "staff") or (row.history_user_id and row.history_user.is_superuser):
            source = "proxy"
        else:
            source = ""  # entered by a deputy: not the department's result
        if source:
            Problem.objects.filter(pk=problem.pk).update(result_source=source)


class Migration(migrations.Migration):
    dependencies = [
        ("constituents", "0006_department_workspace"),
        ("liaison", "0004_more_roles"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
