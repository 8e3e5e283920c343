from django.urls import path

from aftersales.dispatch import views

app_name = "dispatch"

urlpatterns = [
    path("visits/", views.visit_list, name="visits"),
    path("visits/<int:pk>/", views.visit_page, name="visit"),
    path("visits/<int:pk>/cancel/", views.cancel, name="visit-cancel"),
    path("visits/<int:pk>/reschedule/", views.reschedule, name="visit-reschedule"),
    path("cases/<str:number>/visits/suggest/", views.suggestions, name="suggestions"),
    path("cases/<str:number>/visits/", views.schedule, name="schedule"),
    path("cases/<str:number>/documents/<str:kind>/", views.document, name="document"),
]
