from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Mailbox, Opening


@admin.register(Mailbox)
class MailboxAdmin(SimpleHistoryAdmin):
    list_display = ["name", "constituency", "location", "keeping", "keeper_deputy", "entrusted_to", "status"]
    list_filter = ["status", "keeping", "constituency__group"]
    search_fields = ["name", "location", "constituency__name"]
    autocomplete_fields = ["constituency", "community", "deputies", "keeper_deputy", "entrusted_to"]
    list_select_related = ["constituency", "keeper_deputy", "entrusted_to"]


@admin.register(Opening)
class OpeningAdmin(SimpleHistoryAdmin):
    list_display = ["mailbox", "opened_at", "opened_by", "witness", "letter_count", "recorded_by"]
    list_filter = ["mailbox__constituency__group"]
    search_fields = ["mailbox__name", "opened_by", "witness"]
    autocomplete_fields = ["mailbox", "recorded_by"]
    list_select_related = ["mailbox", "recorded_by"]
    date_hierarchy = "opened_at"
