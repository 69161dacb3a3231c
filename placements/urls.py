from django.urls import path

from placements import lifecycle_views, views

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
    path("placements/<int:pk>/appeal/", lifecycle_views.appeal, name="appeal"),
    path("placements/<int:pk>/answer/", lifecycle_views.answer_placement, name="answer-placement"),
    path("placements/<int:pk>/agreement/", lifecycle_views.agreement, name="agreement"),
    path("placements/<int:pk>/agreement/confirm/", lifecycle_views.confirm_agreement, name="confirm-agreement"),
    path("placements/<int:pk>/journal/", lifecycle_views.journal, name="journal"),
    path("placements/<int:pk>/visits/", lifecycle_views.record_visit, name="record-visit"),
    path("placements/<int:pk>/feedback/", lifecycle_views.give_feedback, name="give-feedback"),
    path("journal/<int:pk>/comment/", lifecycle_views.comment_journal, name="comment-journal"),
    path("offers/<int:pk>/answer/", lifecycle_views.answer_offer, name="answer-offer"),
    path("manage/rounds/<int:pk>/applicants/", lifecycle_views.applicants, name="applicants"),
    path("manage/rounds/<int:pk>/publish/", lifecycle_views.publish, name="publish"),
    path("manage/positions/<int:pk>/applicants/<int:trainee_pk>/mark/", lifecycle_views.mark, name="mark"),
    path("manage/appeals/<int:pk>/resolve/", lifecycle_views.resolve_appeal, name="resolve-appeal"),
    path("manage/tutors/", lifecycle_views.tutor_search, name="tutor-search"),
    path("manage/hours/", views.hour_logs, name="hour-logs"),
    path("manage/hours/<int:pk>/review/", views.review_hour_log, name="review-hour-log"),
]
