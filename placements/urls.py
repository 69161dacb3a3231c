from django.urls import path

from placements import views

app_name = "placements"
urlpatterns = [
    path("", views.round_list, name="round-list"),
    path("mine/", views.my_placements, name="mine"),
    path("rounds/<int:round_pk>/preferences/", views.submit_preferences, name="submit-preferences"),
    path("placements/<int:placement_pk>/hours/", views.log_hours, name="log-hours"),
    path("placements/<int:pk>/evaluate/", views.evaluate, name="evaluate"),
    path("manage/", views.manage_rounds, name="manage-rounds"),
    path("manage/rounds/<int:pk>/", views.manage_round, name="manage-round"),
    path("manage/rounds/<int:pk>/match/", views.run_matching, name="run-matching"),
    path("manage/rounds/<int:pk>/confirm/", views.confirm_round, name="confirm-round"),
    path("manage/rounds/<int:pk>/reopen/", views.reopen_round, name="reopen-round"),
    path("manage/rounds/<int:pk>/add/", views.add_placement, name="add-placement"),
    path("manage/rounds/<int:pk>/placements.<str:file_format>", views.export_placements, name="export-placements"),
    path("manage/placements/<int:pk>/move/", views.move_placement, name="move-placement"),
    path("manage/placements/<int:pk>/withdraw/", views.withdraw_placement, name="withdraw-placement"),
    path("manage/placements/<int:pk>/tutor/", views.set_tutor, name="set-tutor"),
    path("manage/hours/", views.hour_logs, name="hour-logs"),
    path("manage/hours/<int:pk>/review/", views.review_hour_log, name="review-hour-log"),
]
