"""The families' pages, and the inbox and notification settings every user shares."""

from django.urls import path

from . import views_family as views

urlpatterns = [
    path("concerns/", views.concerns, name="family-concerns"),
    path("concerns/new/", views.new_concern_start, name="family-new-concern"),
    path("concerns/new/which-child/", views.new_concern_question, {"step": "child"}, name="family-new-concern-child"),
    path(
        "concerns/new/what-about/", views.new_concern_question, {"step": "category"}, name="family-new-concern-category"
    ),
    path(
        "concerns/new/ehcp-support/",
        views.new_concern_question,
        {"step": "provision"},
        name="family-new-concern-provision",
    ),
    path(
        "concerns/new/is-a-child-at-risk/",
        views.new_concern_question,
        {"step": "safeguarding"},
        name="family-new-concern-safeguarding",
    ),
    path(
        "concerns/new/what-happened/", views.new_concern_question, {"step": "details"}, name="family-new-concern-details"
    ),
    path("concerns/new/check-your-answers/", views.new_concern_check, name="family-new-concern-check"),
    path("concerns/<int:pk>/", views.concern, name="family-concern"),
    path("concerns/<int:pk>/sent/", views.concern_sent, name="family-concern-sent"),
    path("concerns/<int:pk>/reply/", views.concern_reply, name="family-concern-reply"),
    path("concerns/<int:pk>/reopen/", views.concern_reopen, name="family-concern-reopen"),
    path("concerns/<int:pk>/chase/", views.concern_chase, name="family-concern-chase"),
    path("children/", views.children, name="family-children"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/<int:pk>/open/", views.inbox_open, name="inbox-open"),
    path("inbox/read-all/", views.inbox_read_all, name="inbox-read-all"),
    path("settings/notifications/", views.notification_settings, name="notification-settings"),
]
