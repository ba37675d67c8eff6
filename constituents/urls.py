from django.urls import path

from . import (
    views,
    views_activities,
    views_bulk,
    views_casework,
    views_coverage,
    views_department,
    views_problem,
    views_suggestions,
)

app_name = "constituents"
urlpatterns = [
    path("", views.constituent_list, name="constituent_list"),
    path("<int:pk>/", views.constituent_detail, name="constituent_detail"),
    # 联系选民活动
    path("activities/", views_activities.activity_list, name="activity_list"),
    path("activities/new/", views_activities.activity_create, name="activity_create"),
    path("activities/new/constituents/", views_activities.activity_constituent_search,
         name="activity_constituent_search"),
    path("activities/stats/", views_activities.activity_stats, name="activity_stats"),
    path("coverage/", views_coverage.coverage_index, name="coverage_index"),
    path("coverage/<int:pk>/", views_coverage.coverage_group, name="coverage_group"),
    path("departments/", views.department_stats, name="department_stats"),
    path("activities/<int:pk>/", views_activities.activity_detail, name="activity_detail"),
    path("activities/<int:pk>/photos/", views_activities.activity_photo_add, name="activity_photo_add"),
    path("activities/photos/<int:pk>/", views_activities.activity_photo, name="activity_photo"),
    # 群众诉求
    path("problems/", views_casework.problem_list, name="problem_list"),
    path("problems/new/", views_casework.problem_create, name="problem_create"),
    path("problems/bulk/", views_bulk.problem_bulk, name="problem_bulk"),
    path("problems/common/", views_casework.common_problems, name="common_problems"),
    path("problems/<int:pk>/", views_problem.problem_detail, name="problem_detail"),
    path("problems/<int:pk>/link/", views_casework.problem_link, name="problem_link"),
    path("problems/<int:pk>/<slug:step>/", views_casework.problem_step, name="problem_step"),
    # 承办单位工作台
    path("workspace/", views_department.workspace, name="department_workspace"),
    path("forwardings/<int:pk>/", views_department.forwarding_detail, name="forwarding_detail"),
    path("attachments/<int:pk>/", views_department.attachment_download, name="attachment_download"),
    # 议案/建议
    path("suggestions/", views_suggestions.suggestion_list, name="suggestion_list"),
    path("suggestions/new/", views_suggestions.suggestion_create, name="suggestion_create"),
    path("suggestions/<int:pk>/", views_suggestions.suggestion_detail, name="suggestion_detail"),
    path("suggestions/<int:pk>/edit/", views_suggestions.suggestion_edit, name="suggestion_edit"),
    path("suggestions/<int:pk>/<slug:step>/", views_suggestions.suggestion_step, name="suggestion_step"),
]
