from django.urls import path

from . import pdf_views, rendering, views, views_archive, views_spot_checks

app_name = "reports"
urlpatterns = [
    path("plans/", views.plan_list, name="plan_list"),
    path("plans/draft/", views.plan_draft, name="plan_draft"),
    path("plans/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/confirm/", views.plan_confirm, name="plan_confirm"),
    path("plans/<int:pk>/file-written/", views.written_file_group, name="written_file_group"),
    path("entries/<int:pk>/edit/", views.entry_edit, name="entry_edit"),
    path("entries/<int:pk>/swap/", views.entry_swap, name="entry_swap"),
    path("entries/<int:entry_pk>/meeting/", views.meeting_start, name="meeting_start"),
    path("meetings/", views.meeting_list, name="meeting_list"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/report/", views.meeting_report_edit, name="meeting_report_edit"),
    path("meetings/<int:pk>/record/", views.meeting_record_edit, name="meeting_record"),
    path("meetings/<int:pk>/questions/", views.meeting_question_add, name="meeting_question_add"),
    path("meetings/<int:pk>/evaluation/", views.meeting_evaluation, name="meeting_evaluation"),
    path("meetings/<int:pk>/rectifications/", views.rectification_add, name="rectification_add"),
    path("meetings/<int:pk>/publish/", views.publish_meeting, name="publish_meeting"),
    path("questions/<int:pk>/edit/", views.meeting_question_edit, name="meeting_question_edit"),
    path("rectifications/", views.rectification_list, name="rectification_list"),
    path("rectifications/<int:pk>/", views.rectification_detail, name="rectification_detail"),
    path("rectifications/<int:pk>/progress/", views.rectification_progress, name="rectification_progress"),
    path("rectifications/<int:pk>/close/", views.rectification_close, name="rectification_close"),
    path("groups/<int:pk>/briefing/", views.group_briefing, name="group_briefing"),
    path("written/", views.written_list, name="written_list"),
    path("written/missing/", views.written_missing, name="written_missing"),
    path("written/new/", views.written_start, name="written_start"),
    path("written/<int:pk>/", views.written_detail, name="written_detail"),
    path("written/<int:pk>/edit/", views.written_edit, name="written_edit"),
    path("written/<int:pk>/submit/", views.written_submit, name="written_submit"),
    path("written/<int:pk>/review/", views.written_review, name="written_review"),
    path("written/<int:pk>/file/", views.written_file, name="written_file"),
    path("written/<int:pk>/publish/", views.publish_written, name="publish_written"),
    path("publications/<int:pk>/withdraw/", views.publication_withdraw, name="publication_withdraw"),
    path("archive/", views_archive.archive_group, name="archive_group"),
    path("archive/deputies/<int:pk>/", views_archive.archive_deputy, name="archive_deputy"),
    path("evaluation/", views_archive.evaluation, name="evaluation"),
    path("spot-checks/", views_spot_checks.spot_check_list, name="spot_check_list"),
    path("spot-checks/new/", views_spot_checks.spot_check_new, name="spot_check_new"),
    path("spot-checks/<int:pk>/", views_spot_checks.spot_check_detail, name="spot_check_detail"),
    path("public/", views.public_list, name="public_list"),
    path("public/<int:pk>/", views.public_detail, name="public_detail"),
]

# Printable forms (PDF).
urlpatterns += [
    path("pdf/summaries/<int:pk>/", pdf_views.quarterly_summary_pdf, name="summary_pdf"),
    path("pdf/summaries/district/", pdf_views.district_summary_pdf, name="district_summary_pdf"),
    path("pdf/meetings/<int:pk>/", pdf_views.meeting_pdf, name="meeting_pdf"),
    path("pdf/written/<int:pk>/", pdf_views.written_pdf, name="written_pdf"),
    path("pdf/mailboxes/<int:pk>/openings/", pdf_views.opening_sheet_pdf, name="opening_sheet_pdf"),
    path("pdf/mailboxes/<int:pk>/poster/", pdf_views.mailbox_poster_pdf, name="mailbox_poster_pdf"),
    path("pdf/statistics/<int:year>/", pdf_views.annual_contact_pdf, name="annual_contact_pdf"),
    # Reliability: heavy PDFs rendered by a task.
    path("pdf/rendered/<int:pk>/", rendering.rendered_pdf_page, name="rendered_pdf"),
    path("pdf/rendered/<int:pk>/file/", rendering.rendered_pdf_download, name="rendered_pdf_download"),
    path("pdf/deputies/<int:pk>/file/", pdf_views.performance_file_pdf, name="performance_file_pdf"),
]
