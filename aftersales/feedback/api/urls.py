from django.urls import path

from aftersales.feedback.api import views

urlpatterns = [
    path("surveys/", views.SurveyListView.as_view(), name="survey-list"),
    path("surveys/satisfaction/", views.SatisfactionView.as_view(), name="survey-satisfaction"),
    path("surveys/<int:pk>/", views.SurveyDetailView.as_view(), name="survey-detail"),
    path("complaints/monthly/", views.ComplaintCountsView.as_view(), name="complaint-monthly"),
    path("revisits/", views.RevisitListView.as_view(), name="revisit-list"),
    path("revisits/outcomes/", views.RevisitOutcomesView.as_view(), name="revisit-outcomes"),
    path("revisits/<int:pk>/", views.RevisitDetailView.as_view(), name="revisit-detail"),
    path("revisits/<int:pk>/record/", views.RevisitRecordView.as_view(), name="revisit-record"),
]
