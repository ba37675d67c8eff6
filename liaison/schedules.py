"""The beat schedule, in one place (SPEC §3).

Rows are created in django-celery-beat's tables after `migrate` only when
missing, so times the office changes in the admin survive restarts and
deploys. Names say when and what.
"""

from __future__ import annotations

SCHEDULES: dict[str, dict] = {
    "every-monday-0800-alert-unopened-mailboxes": {
        "task": "mailbox.tasks.alert_unopened_mailboxes",
        "crontab": {"minute": "0", "hour": "8", "day_of_week": "1"},
        "description": "每周一上午：上周未开启的代表信箱，提醒保管人和代表组联络员",
    },
    "every-day-0830-remind-casework-next-steps": {
        "task": "constituents.tasks.remind_casework_next_steps",
        "crontab": {"minute": "30", "hour": "8"},
        "description": "每天：部门逾期未答复、待反馈选民的群众诉求，提醒下一步经办人",
    },
    # casework-roles: the departments' own yellow/red warnings.
    "every-day-0835-alert-departments-of-deadlines": {
        "task": "constituents.tasks.alert_departments_of_deadlines",
        "crontab": {"minute": "35", "hour": "8"},
        "description": "每天：转交事项3个工作日内到期（黄色预警）、已超期（红色预警），通知承办单位",
    },
    "every-day-0840-remind-undelivered-letters": {
        "task": "mailbox.tasks.remind_letters",
        "crontab": {"minute": "40", "hour": "8"},
        "description": "每天：未送交代表、代表未回复的来信，提醒经办人",
    },
    "quarterly-day-1-0700-open-quarterly-summaries": {
        "task": "mailbox.tasks.open_quarterly_summaries",
        "crontab": {"minute": "0", "hour": "7", "day_of_month": "1", "month_of_year": "1,4,7,10"},
        "description": "每季度结束后：生成各代表组季度汇总草稿并提醒联络员",
    },
    "every-year-jan-2-0700-draft-duty-report-rotations": {
        "task": "reports.tasks.draft_duty_report_rotations",
        "crontab": {"minute": "0", "hour": "7", "day_of_month": "2", "month_of_year": "1"},
        "description": "每年年初（任期第二年起）：起草各代表组当面述职安排（20%—30%）",
    },
    "jun-and-sep-15-0900-remind-two-activities-rule": {
        "task": "constituents.tasks.remind_activity_minimum",
        "crontab": {"minute": "0", "hour": "9", "day_of_month": "15", "month_of_year": "6,9"},
        "description": "年中和秋季：本年联系选民活动不足两次的代表，提醒本人和联络员",
    },
    # Reliability: publishes tasks kept in the outbox (e.g. during a Redis outage) and
    # retries e-mails and texts the backend has not accepted yet.
    "every-minute-relay-outbox-and-retry-deliveries": {
        "task": "liaison.tasks.relay_outbox",
        "crontab": {"minute": "*"},
        "description": "每分钟：发出发件箱中暂存的后台任务，重试未被接受的邮件和短信",
    },
    # perf: the staff home's district-wide tiles are read from these stored figures.
    "every-5-minutes-refresh-district-figures": {
        "task": "liaison.tasks.refresh_district_figures",
        "crontab": {"minute": "*/5"},
        "description": "每5分钟：重新统计全区首页数字（待转交、逾期、信箱开启等），页面显示统计时间",
    },
    # sec-data (issue 9 §7): /health/ reads when the beat last sent something.
    "every-5-minutes-beat-heartbeat": {
        "task": "liaison.tasks.beat_heartbeat",
        "crontab": {"minute": "*/5"},
        "description": "每 5 分钟：定时任务心跳，供 /health/ 检查定时任务是否在运行",
    },
    # exports (issue 12 §2): large Excel exports are kept EXPORT_KEEP_DAYS (default 7) days.
    "every-day-0320-delete-expired-exports": {
        "task": "liaison.tasks.delete_expired_exports",
        "crontab": {"minute": "20", "hour": "3"},
        "description": "每天凌晨：删除超过保存期限（默认 7 天）的后台导出 Excel 文件",
    },
    # sec (issue 9): a leaving day entered ahead of time closes the account when it comes.
    "every-day-0005-close-accounts-of-departed-deputies": {
        "task": "deputies.tasks.close_accounts_of_departed_deputies",
        "crontab": {"minute": "5", "hour": "0"},
        "description": "每天零点后：离任日期已到的代表，停用其账号（兼任其他角色的只取消代表身份）",
    },
    # sec-data (issue 9 §4): retention of personal data.
    "every-day-0300-anonymise-expired-personal-data": {
        "task": "mailbox.tasks.anonymise_expired_personal_data",
        "crontab": {"minute": "0", "hour": "3"},
        "description": "每天凌晨：办结并反馈满保存期限（默认 3 年）的诉求，匿名化来信人和选民的个人信息，删除答复附件；删除超过保存期限的短信",
    },
    "every-day-0310-delete-expired-rendered-pdfs": {
        "task": "reports.tasks.delete_expired_rendered_pdfs",
        "crontab": {"minute": "10", "hour": "3"},
        "description": "每天凌晨：删除超过保存期限（默认 30 天）的已生成打印文件",
    },
}


def install_schedules(**kwargs) -> None:
    """Create the periodic tasks that do not exist yet; never overwrite the office's times."""
    from django_celery_beat.models import CrontabSchedule, PeriodicTask

    for name, entry in SCHEDULES.items():
        if PeriodicTask.objects.filter(name=name).exists():
            continue
        fields = {"minute": "*", "hour": "*", "day_of_week": "*", "day_of_month": "*",
                  "month_of_year": "*", **entry["crontab"]}
        crontab, _ = CrontabSchedule.objects.get_or_create(timezone="Asia/Shanghai", **fields)
        PeriodicTask.objects.create(
            name=name, task=entry["task"], crontab=crontab, description=entry["description"]
        )
