from django.urls import path

from . import public_views, views

app_name = "mailbox"
urlpatterns = [
    path("", views.mailbox_list, name="mailbox_list"),
    path("weeks/", views.week_overview, name="week_overview"),
    path("new/<int:constituency_pk>/", views.mailbox_create, name="mailbox_create"),
    path("<int:pk>/", views.mailbox_detail, name="mailbox_detail"),
    path("<int:pk>/edit/", views.mailbox_edit, name="mailbox_edit"),
    path("<int:pk>/retire/", views.mailbox_retire, name="mailbox_retire"),
    path("<int:pk>/open/", views.opening_create, name="opening_create"),
    path("openings/<int:pk>/", views.opening_detail, name="opening_detail"),
    # Public, no login.
    path("public/", public_views.public_find, name="public_find"),
]
