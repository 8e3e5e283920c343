"""REST endpoints of the knowledge base: parse, call a service or selector, render."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from aftersales.cases import selectors as case_selectors
from aftersales.core.api import PageNumberPagination
from aftersales.core.errors import NotFound, ValidationError
from aftersales.core.ids import parse_id
from aftersales.knowledge import selectors, services
from aftersales.knowledge.api import serializers
from aftersales.search import selectors as search


class ArticleViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Knowledge articles the reader may read (customers: published public ones).
    `?search=` ranks by relevance; `?status=` filters (staff)."""

    pagination_class = PageNumberPagination

    def get_queryset(self):
        articles = selectors.article_list(
            user=self.request.user, status=self.request.query_params.get("status") or None
        )
        q = self.request.query_params.get("search", "").strip()
        if q:
            return selectors.article_search(user=self.request.user, q=q, queryset=articles)
        return articles.order_by("-id")

    def get_serializer_class(self):
        if self.action == "list":
            return serializers.ArticleListSerializer
        return serializers.ArticleDetailSerializer

    def get_object(self):
        pk = parse_id(self.kwargs["pk"])
        if pk is None:
            raise NotFound(_("No such article."))
        return selectors.article_get(user=self.request.user, pk=pk)

    @extend_schema(
        parameters=[
            OpenApiParameter("search", str, description=_("Words, in Chinese or English.")),
            OpenApiParameter("status", str, description=_("draft, in_review, published…")),
        ]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def _respond(self, article, code=status.HTTP_200_OK):
        fresh = selectors.article_get(user=self.request.user, pk=article.pk)
        body = serializers.ArticleDetailSerializer(fresh, context={"request": self.request}).data
        return Response(body, status=code)

    def _input(self, serializer_class):
        serializer = serializer_class(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    @extend_schema(
        request=serializers.ArticleCreateInput,
        responses={201: serializers.ArticleDetailSerializer},
    )
    def create(self, request):
        """Write an article from a resolved case in one step (fields not given are taken
        from the case)."""
        data = dict(self._input(serializers.ArticleCreateInput))
        case = case_selectors.case_get(user=request.user, number=data.pop("case"))
        article = services.article_from_case(case=case, actor=request.user, **data)
        return self._respond(article, status.HTTP_201_CREATED)

    @extend_schema(
        request=serializers.ArticleUpdateInput, responses=serializers.ArticleDetailSerializer
    )
    def partial_update(self, request, pk=None):
        data = self._input(serializers.ArticleUpdateInput)
        article = services.article_update(article=self.get_object(), actor=request.user, **data)
        return self._respond(article)

    @extend_schema(request=None, responses=serializers.ArticleDetailSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        return self._respond(services.article_submit(article=self.get_object(), actor=request.user))

    @extend_schema(
        request=serializers.ArticleNoteInput, responses=serializers.ArticleDetailSerializer
    )
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        article = self.get_object()
        note = self._input(serializers.ArticleNoteInput)["note"]
        return self._respond(
            services.article_publish(article=article, actor=request.user, note=note)
        )

    @extend_schema(
        request=serializers.ArticleRejectInput, responses=serializers.ArticleDetailSerializer
    )
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        article = self.get_object()
        reason = self._input(serializers.ArticleRejectInput)["reason"]
        return self._respond(
            services.article_reject(article=article, actor=request.user, reason=reason)
        )

    @extend_schema(
        request=serializers.ArticleNoteInput, responses=serializers.ArticleDetailSerializer
    )
    @action(detail=True, methods=["post"])
    def archive(self, request, pk=None):
        article = self.get_object()
        note = self._input(serializers.ArticleNoteInput)["note"]
        return self._respond(
            services.article_archive(article=article, actor=request.user, note=note)
        )

    @extend_schema(
        request=serializers.ArticleNoteInput, responses=serializers.ArticleDetailSerializer
    )
    @action(detail=True, methods=["post"])
    def revise(self, request, pk=None):
        article = self.get_object()
        note = self._input(serializers.ArticleNoteInput)["note"]
        return self._respond(
            services.article_revise(article=article, actor=request.user, note=note)
        )

    @extend_schema(responses=serializers.ArticleListSerializer(many=True))
    @action(detail=False, methods=["get"])
    def faq(self, request):
        """The most asked questions: published articles by the number of cases linked."""
        articles = selectors.faq(user=request.user)
        return Response({"results": serializers.ArticleListSerializer(articles, many=True).data})


def _suggestions(request, cases, articles) -> dict:
    return {
        "cases": [
            {"number": c.number, "title": c.title, "status": c.status, "severity": c.severity}
            for c in cases
        ],
        "articles": [{"id": a.pk, "title": a.title} for a in articles],
    }


class SuggestView(APIView):
    @extend_schema(
        parameters=[OpenApiParameter("text", str, description=_("A title being typed."))],
        responses=serializers.SuggestionSerializer,
    )
    def get(self, request):
        """Past cases and published articles like a title being typed."""
        text = request.query_params.get("text", "").strip()
        if not text:
            raise ValidationError(_("Type a few words."), field="text")
        return Response(
            _suggestions(
                request,
                search.similar_cases(user=request.user, text=text),
                selectors.similar_articles(user=request.user, text=text),
            )
        )


class CaseSimilarView(APIView):
    @extend_schema(responses=serializers.SuggestionSerializer)
    def get(self, request, number: str):
        """Past cases and published articles like this case."""
        case = case_selectors.case_get(user=request.user, number=number)
        text = f"{case.title} {case.description[:100]}"
        return Response(
            _suggestions(
                request,
                search.similar_cases(user=request.user, text=text, exclude_id=case.pk),
                selectors.similar_articles(user=request.user, text=text),
            )
        )


class CaseArticlesView(APIView):
    @extend_schema(responses=serializers.ArticleListSerializer(many=True))
    def get(self, request, number: str):
        case = case_selectors.case_get(user=request.user, number=number)
        articles = selectors.case_articles(user=request.user, case=case)
        return Response({"results": serializers.ArticleListSerializer(articles, many=True).data})

    @extend_schema(
        request=serializers.CaseArticleInput, responses={201: serializers.ArticleListSerializer}
    )
    def post(self, request, number: str):
        """Link a published article to the case, or resolve the case with it."""
        case = case_selectors.case_get(user=request.user, number=number)
        serializer = serializers.CaseArticleInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            article = selectors.article_get(user=request.user, pk=data["article"])
        except NotFound as exc:
            raise ValidationError(_("No such article."), field="article") from exc
        if data["resolve"]:
            services.case_resolve_with_article(
                case=case, article=article, cause=data["cause"], actor=request.user
            )
        else:
            services.case_link_article(case=case, article=article, actor=request.user)
        article = selectors.article_get(user=request.user, pk=article.pk)
        return Response(
            serializers.ArticleListSerializer(article).data, status=status.HTTP_201_CREATED
        )
