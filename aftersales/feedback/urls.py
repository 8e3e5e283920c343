from django.urls import path

from aftersales.feedback import views

app_name = "feedback"

urlpatterns = [
    path("survey/<str:token>/", views.survey, name="survey"),
    path("revisits/", views.revisit_list, name="revisits"),
    path("revisits/new/", views.revisit_new, name="revisit-new"),
    path("revisits/<int:pk>/", views.revisit_detail, name="revisit"),
]
