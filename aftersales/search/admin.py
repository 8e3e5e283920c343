from django.contrib import admin

from aftersales.search.models import Synonym


@admin.register(Synonym)
class SynonymAdmin(admin.ModelAdmin):
    """The synonym dictionary: a query for one word of a group finds the others. Changes
    apply to the next search, in every process."""

    list_display = ["__str__", "note", "is_active", "updated_at"]
    list_filter = ["is_active"]
    search_fields = ["words", "note"]
