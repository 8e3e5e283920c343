from django.urls import path

from aftersales.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("new/", views.request_new, name="new"),
    path("new/assets/", views.request_assets, name="new-assets"),
    path("cases/<str:number>/", views.case_detail, name="case"),
    path("cases/<str:number>/live/", views.case_live, name="case-live"),
    path("cases/<str:number>/note/", views.case_note, name="case-note"),
    path("cases/<str:number>/confirm/", views.case_confirm, name="case-confirm"),
    path("cases/<str:number>/reject/", views.case_reject, name="case-reject"),
    path(
        "cases/<str:number>/attachments/<int:attachment_id>/",
        views.attachment_download,
        name="attachment",
    ),
]
