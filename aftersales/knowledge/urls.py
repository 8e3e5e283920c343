from django.urls import path

from aftersales.knowledge import views

app_name = "knowledge"

urlpatterns = [
    path("", views.article_list, name="list"),
    path("faq/", views.faq, name="faq"),
    path("suggest/", views.suggest, name="suggest"),
    path("new/<str:number>/", views.article_new, name="new"),
    path("<str:pk>/", views.article_detail, name="article"),
    path("<str:pk>/edit/", views.article_edit, name="edit"),
    path("<str:pk>/do/<str:action>/", views.article_move, name="move"),
    path("cases/<str:number>/suggestions/", views.case_suggestions, name="case-suggestions"),
    path("cases/<str:number>/link/", views.case_link, name="case-link"),
]
