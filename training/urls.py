from django.urls import path

from training import attendance_views, views

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
    path("manage/sessions/<int:pk>/cancel/", views.cancel_session, name="cancel-session"),
    path("manage/sessions/<int:pk>/roster.<str:file_format>", views.roster_export, name="roster-export"),
    path("manage/sessions/<int:pk>/meetings/", attendance_views.session_meetings, name="session-meetings"),
    path("manage/sessions/<int:pk>/attendance.xlsx", attendance_views.attendance_export, name="attendance-export"),
    path("manage/meetings/<int:pk>/", attendance_views.meeting_register, name="meeting-register"),
    path("manage/meetings/<int:pk>/all-present/", attendance_views.meeting_rest_present, name="meeting-rest-present"),
    path("manage/meetings/<int:pk>/checkin/", attendance_views.meeting_checkin_screen, name="meeting-checkin"),
    path("manage/meetings/<int:pk>/checkin/live/", attendance_views.meeting_checkin_live, name="meeting-checkin-live"),
    path("manage/meetings/<int:pk>/sign-in-sheet.pdf", attendance_views.meeting_sheet, name="meeting-sheet"),
    path("c/<str:token>/", attendance_views.scan, name="checkin"),
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
