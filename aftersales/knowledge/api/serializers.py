from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from aftersales.cases.choices import Cause
from aftersales.knowledge import transitions
from aftersales.knowledge.choices import Audience
from aftersales.knowledge.models import Article


class ArticleListSerializer(serializers.ModelSerializer):
    asked = serializers.IntegerField(read_only=True, help_text=_("Cases linked to it."))

    class Meta:
        model = Article
        fields = ["id", "title", "status", "audience", "asked", "published_at", "updated_at"]


class ArticleDetailSerializer(serializers.ModelSerializer):
    asked = serializers.IntegerField(read_only=True)
    asset_models = serializers.SerializerMethodField()
    source_case = serializers.SerializerMethodField()
    author = serializers.SerializerMethodField()
    reviewer = serializers.SerializerMethodField()
    actions = serializers.SerializerMethodField(help_text=_("What the reader may do now."))

    class Meta:
        model = Article
        fields = [
            "id",
            "title",
            "problem",
            "cause",
            "solution",
            "audience",
            "status",
            "asset_models",
            "source_case",
            "author",
            "reviewer",
            "review_note",
            "asked",
            "created_at",
            "updated_at",
            "submitted_at",
            "published_at",
            "actions",
        ]

    def _staff(self) -> bool:
        return not self.context["request"].user.is_customer

    def get_asset_models(self, article) -> list[str]:
        return [f"{m.vendor.name} {m.name}" for m in article.asset_models.all()]

    def get_source_case(self, article) -> str | None:
        if self._staff() and article.source_case_id:
            return article.source_case.number
        return None

    def get_author(self, article) -> str | None:
        return str(article.author) if self._staff() else None

    def get_reviewer(self, article) -> str | None:
        return str(article.reviewer) if self._staff() and article.reviewer_id else None

    def get_actions(self, article) -> list[str]:
        return transitions.allowed_actions(article, self.context["request"].user)


class ArticleCreateInput(serializers.Serializer):
    case = serializers.CharField(help_text=_("Number of the resolved case it is written from."))
    audience = serializers.ChoiceField(choices=Audience.choices, default=Audience.INTERNAL)
    title = serializers.CharField(max_length=200, required=False)
    problem = serializers.CharField(required=False)
    cause = serializers.CharField(required=False, allow_blank=True)
    solution = serializers.CharField(required=False)


class ArticleUpdateInput(serializers.Serializer):
    audience = serializers.ChoiceField(choices=Audience.choices, required=False)
    title = serializers.CharField(max_length=200, required=False, allow_blank=True)
    problem = serializers.CharField(required=False, allow_blank=True)
    cause = serializers.CharField(required=False, allow_blank=True)
    solution = serializers.CharField(required=False, allow_blank=True)


class ArticleNoteInput(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ArticleRejectInput(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True)


class CaseArticleInput(serializers.Serializer):
    article = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    resolve = serializers.BooleanField(
        default=False, help_text=_("Resolve the case with the article's solution.")
    )
    cause = serializers.ChoiceField(choices=Cause.choices, required=False)

    def validate(self, data):
        if data["resolve"] and not data.get("cause"):
            raise serializers.ValidationError({"cause": [_("Name the cause of the fault.")]})
        return data


class SuggestionSerializer(serializers.Serializer):
    cases = serializers.ListField(child=serializers.DictField())
    articles = serializers.ListField(child=serializers.DictField())
