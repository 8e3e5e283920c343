from django.urls import path

from aftersales.knowledge import portal_views

app_name = "portal-knowledge"

urlpatterns = [
    path("", portal_views.article_list, name="list"),
    path("faq/", portal_views.faq, name="faq"),
    path("<str:pk>/", portal_views.article_detail, name="article"),
]
