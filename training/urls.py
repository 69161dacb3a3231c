from django.urls import path

from training import views

app_name = "training"
urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("mine/", views.my_enrollments, name="my-enrollments"),
    path("sessions/<int:pk>/", views.session_detail, name="session-detail"),
    path("sessions/<int:pk>/enroll/", views.session_enroll, name="session-enroll"),
    path("sessions/<int:pk>/cancel/", views.session_cancel, name="session-cancel"),
    path("manage/", views.manage_sessions, name="manage-sessions"),
    path("manage/sessions/<int:pk>/", views.session_roster, name="session-roster"),
    path("manage/sessions/<int:pk>/capacity/", views.session_capacity, name="session-capacity"),
    path("manage/sessions/<int:pk>/results/", views.session_results, name="session-results"),
    path("manage/sessions/<int:pk>/finish/", views.session_finish, name="session-finish"),
    path("manage/sessions/<int:pk>/roster.<str:file_format>", views.roster_export, name="roster-export"),
    path(
        "manage/sessions/<int:pk>/enrollments/<int:enrollment_pk>/cancel/",
        views.roster_cancel,
        name="roster-cancel",
    ),
    path(
        "manage/sessions/<int:pk>/enrollments/<int:enrollment_pk>/move-up/",
        views.roster_move_up,
        name="roster-move-up",
    ),
]
