from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import account_views, audit_views, autocomplete, errors, export_views, views
from .admin_scale import at_scale
from .health import health_view

admin.site.site_header = "代表联络 · 管理后台"
admin.site.site_title = "代表联络"
admin.site.index_title = "联络工委数据管理"
at_scale(admin.site)  # every admin registered by now: capped counts, dates as side-bar filters

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    # sec-accounts: own password (first login), second factor, the audit administrator's log.
    path("accounts/password/", account_views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/2fa/setup/", account_views.otp_setup, name="otp_setup"),
    path("accounts/2fa/", account_views.otp_verify, name="otp_verify"),
    path("audit/", audit_views.audit_log, name="audit_log"),
    path("audit/export/<str:fmt>/", audit_views.audit_export, name="audit_export"),
    path("notifications/", views.notification_list, name="notifications"),
    path("notifications/read/", views.notification_mark_read, name="notifications_mark_read"),
    path("exports/<int:pk>/", export_views.export_job_page, name="export_job"),
    path("exports/<int:pk>/file/", export_views.export_job_download, name="export_job_download"),
    path("deputies/", include("deputies.urls")),
    path("constituents/", include("constituents.urls")),
    path("mailbox/", include("mailbox.urls")),
    path("reports/", include("reports.urls")),
    path("search/", include("search.urls")),  # the search box (issue 12 §3)
    path("admin/", admin.site.urls),
    # Search-as-you-type for filters over thousands of rows (perf).
    path("autocomplete/groups/", autocomplete.groups, name="autocomplete_groups"),
    path("autocomplete/deputies/", autocomplete.deputies, name="autocomplete_deputies"),
    path("autocomplete/communities/", autocomplete.communities, name="autocomplete_communities"),
    path("autocomplete/departments/", autocomplete.departments, name="autocomplete_departments"),
    path("autocomplete/constituencies/", autocomplete.constituencies, name="autocomplete_constituencies"),
    # Browsers ask for /favicon.ico on pages that do not link one (the admin).
    path("favicon.ico", errors.favicon),
    # sec-data: database, cache, broker, disk and beat; no login, nothing sensitive.
    path("health/", health_view, name="health"),
]
if settings.LIAISON_BENCH:  # make bench: the no-query floor page
    from . import bench

    urlpatterns += [path("bench/floor/", bench.floor, name="bench_floor")]
# /media/ is never served directly: every upload goes through a view that checks who may see it
# (constituents.views_activities.activity_photo).

# Chinese error pages (templates/400.html …); CSRF failures: settings.CSRF_FAILURE_VIEW.
handler400 = "liaison.errors.bad_request"
handler403 = "liaison.errors.permission_denied"
handler404 = "liaison.errors.page_not_found"
handler500 = "liaison.errors.server_error"
