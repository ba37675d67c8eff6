from django.urls import path

from . import letter_views, public_views, summary_views, views

app_name = "mailbox"
urlpatterns = [
    path("", views.mailbox_list, name="mailbox_list"),
    path("weeks/", views.week_overview, name="week_overview"),
    path("new/", views.mailbox_new, name="mailbox_new"),
    path("new/<int:constituency_pk>/", views.mailbox_create, name="mailbox_create"),
    path("<int:pk>/", views.mailbox_detail, name="mailbox_detail"),
    path("<int:pk>/edit/", views.mailbox_edit, name="mailbox_edit"),
    path("<int:pk>/retire/", views.mailbox_retire, name="mailbox_retire"),
    path("<int:pk>/open/", views.opening_create, name="opening_create"),
    path("openings/<int:pk>/", views.opening_detail, name="opening_detail"),
    path("openings/<int:pk>/letters/", views.opening_add_letters, name="opening_add_letters"),
    path("letters/", letter_views.letter_list, name="letter_list"),
    path("letters/<int:pk>/", letter_views.letter_detail, name="letter_detail"),
    path("letters/<int:pk>/deliver/", letter_views.letter_deliver, name="letter_deliver"),
    path("letters/<int:pk>/reply/", letter_views.letter_reply, name="letter_reply"),
    path("summaries/", summary_views.summary_list, name="summary_list"),
    path("summaries/<int:pk>/", summary_views.summary_detail, name="summary_detail"),
    path("issues/", summary_views.issue_board, name="issue_board"),
    path("issues/mark/", summary_views.issue_mark, name="issue_mark"),
    path("issues/<int:pk>/close/", summary_views.issue_close, name="issue_close"),
    # Public, no login.
    path("public/", public_views.public_find, name="public_find"),
    path("public/write/<int:constituency_pk>/", public_views.public_write, name="public_write"),
    path("public/thanks/", public_views.public_thanks, name="public_thanks"),
    path("public/track/", public_views.public_track, name="public_track"),
]
