"""Staff split and merge stories here. Both go through the actions, are pinned, and survive a rebuild."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from .actions import do_merge_stories, do_split_story
from .models import Story, StoryMember


class MemberInline(admin.TabularInline[StoryMember, Story]):
    model = StoryMember
    fields = ("article", "reason", "score", "shared", "group")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Story | None = None) -> bool:
        return False


@admin.register(Story)
class StoryAdmin(admin.ModelAdmin[Story]):
    list_display = ("id", "title", "source_count", "article_count", "first_published", "last_updated")
    search_fields = ("title",)
    ordering = ("-last_updated",)
    readonly_fields = ("title", "lead", "first_published", "last_updated", "article_count", "source_count")
    exclude = ("terms", "minhashes")
    inlines = (MemberInline,)
    actions = ("merge",)

    @admin.action(description="Merge the selected stories into one (kept over the algorithm)")
    def merge(self, request: HttpRequest, queryset: QuerySet[Story]) -> None:
        ids = sorted(queryset.values_list("id", flat=True))
        try:
            target = do_merge_stories(ids)
        except ValueError as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return
        self.message_user(request, f"Merged {len(ids)} stories into story {target}.", messages.SUCCESS)


@admin.register(StoryMember)
class StoryMemberAdmin(admin.ModelAdmin[StoryMember]):
    list_display = ("article", "story", "reason", "score", "group")
    list_filter = ("reason",)
    list_select_related = ("article", "story")
    search_fields = ("article__title",)
    readonly_fields = ("article", "story", "reason", "score", "shared", "group", "added_at")
    actions = ("split",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(
        description="Split the selected articles into a story of their own (kept over the algorithm)"
    )
    def split(self, request: HttpRequest, queryset: QuerySet[StoryMember]) -> None:
        stories = set(queryset.values_list("story_id", flat=True))
        if len(stories) != 1:
            self.message_user(request, "Choose articles of one story to split off.", messages.ERROR)
            return
        try:
            new = do_split_story(stories.pop(), list(queryset.values_list("article_id", flat=True)))
        except ValueError as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return
        self.message_user(request, f"Split into a new story {new}.", messages.SUCCESS)
