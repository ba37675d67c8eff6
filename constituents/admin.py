from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Constituent


@admin.register(Constituent)
class ConstituentAdmin(SimpleHistoryAdmin):
    list_display = ["name", "category", "community", "phone"]
    list_filter = ["category", "community__constituency__group"]
    search_fields = ["name", "phone", "community__name"]
    autocomplete_fields = ["community"]
    list_select_related = ["community"]
