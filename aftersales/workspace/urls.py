from django.urls import path

from aftersales.workspace import notification_views, views

app_name = "workspace"

urlpatterns = [
    path("desk/", views.desk, name="desk"),
    path("desk/lookup/", views.desk_lookup, name="desk-lookup"),
    path("desk/cases/", views.desk_case_create, name="desk-case-create"),
    path("desk/consultations/", views.desk_consultation, name="desk-consultation"),
    path(
        "desk/consultations/<int:pk>/case/",
        views.consultation_to_case,
        name="consultation-to-case",
    ),
    path("notifications/", notification_views.notification_list, name="notifications"),
    path("notifications/bell/", notification_views.bell_count, name="bell-count"),
    path("notifications/latest/", notification_views.bell_latest, name="bell-latest"),
    path(
        "notifications/read-all/",
        notification_views.notification_read_all,
        name="notifications-read-all",
    ),
    path(
        "notifications/<int:pk>/open/",
        notification_views.notification_open,
        name="notification-open",
    ),
    path("my/", views.my_work, name="my-work"),
    path("manager/", views.manager, name="manager"),
    path("cases/", views.case_list, name="case-list"),
    path("cases/filters/", views.saved_filter_save, name="saved-filter-save"),
    path("cases/filters/<int:pk>/delete/", views.saved_filter_delete, name="saved-filter-delete"),
    path("cases/<str:number>/", views.case_detail, name="case"),
    path("cases/<str:number>/live/", views.case_live, name="case-live"),
    path("cases/<str:number>/note/", views.case_note, name="case-note"),
    path("cases/<str:number>/do/<str:action>/", views.case_action, name="case-action"),
    path(
        "cases/<str:number>/attachments/<int:attachment_id>/",
        views.attachment_download,
        name="attachment",
    ),
]
