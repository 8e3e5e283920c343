"""Articles in the admin are read-only: they are written and reviewed in the workspace (the
services keep their history and search index)."""

from django.contrib import admin

from aftersales.knowledge.models import Article, ArticleEvent, CaseArticleLink


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class EventInline(admin.TabularInline):
    model = ArticleEvent
    fields = ["created_at", "action", "source", "target", "actor", "note"]
    readonly_fields = fields
    extra = 0

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Article)
class ArticleAdmin(_ReadOnly):
    list_display = ["title", "status", "audience", "author", "reviewer", "published_at"]
    list_filter = ["status", "audience"]
    search_fields = ["title"]
    inlines = [EventInline]


@admin.register(CaseArticleLink)
class CaseArticleLinkAdmin(_ReadOnly):
    list_display = ["case", "article", "kind", "linked_by", "created_at"]
    list_filter = ["kind"]
