from django.urls import path
from rest_framework.routers import SimpleRouter

from aftersales.knowledge.api import views

router = SimpleRouter()
router.register("knowledge", views.ArticleViewSet, basename="article")

urlpatterns = [
    path("knowledge/suggest/", views.SuggestView.as_view(), name="knowledge-suggest"),
    path("cases/<str:number>/similar/", views.CaseSimilarView.as_view(), name="case-similar"),
    path("cases/<str:number>/articles/", views.CaseArticlesView.as_view(), name="case-articles"),
    *router.urls,
]
