"""The service's pages about cases: those every user shares, the families' and the staff's.

Names are what `navigation` and `pages.case_page` look for.
"""

from django.urls import path

from . import pages
from .family import concerns, journey
from .staff import case, intake, officers, queue

shared = [
    path("", pages.home, name="home"),
    path("cases/<int:pk>/", pages.case_page, name="case-page"),
    path("cases/<int:pk>/was-it-fixed/", pages.was_it_fixed, name="case-was-it-fixed"),
]

family = [
    path("concerns/", concerns.concerns, name="family-concerns"),
    path("concerns/new/", journey.new_concern_start, name="family-new-concern"),
    path("concerns/new/which-child/", journey.new_concern_question, {"step": "child"}, name="family-new-concern-child"),
    path(
        "concerns/new/what-about/",
        journey.new_concern_question,
        {"step": "category"},
        name="family-new-concern-category",
    ),
    path(
        "concerns/new/ehcp-support/",
        journey.new_concern_question,
        {"step": "provision"},
        name="family-new-concern-provision",
    ),
    path(
        "concerns/new/is-a-child-at-risk/",
        journey.new_concern_question,
        {"step": "safeguarding"},
        name="family-new-concern-safeguarding",
    ),
    path(
        "concerns/new/what-happened/",
        journey.new_concern_question,
        {"step": "details"},
        name="family-new-concern-details",
    ),
    path("concerns/new/check-your-answers/", journey.new_concern_check, name="family-new-concern-check"),
    path("concerns/<int:pk>/", concerns.concern, name="family-concern"),
    path("concerns/<int:pk>/sent/", journey.concern_sent, name="family-concern-sent"),
    path("concerns/<int:pk>/reply/", concerns.concern_reply, name="family-concern-reply"),
    path("concerns/<int:pk>/reopen/", concerns.concern_reopen, name="family-concern-reopen"),
    path("concerns/<int:pk>/chase/", concerns.concern_chase, name="family-concern-chase"),
    path("concerns/<int:pk>/withdraw/", concerns.concern_withdraw, name="family-concern-withdraw"),
    path("children/", concerns.children, name="family-children"),
]

staff = [
    path("queue/", queue.queue, name="staff-queue"),
    path("queue/team/", queue.team_queue, name="staff-team-queue"),
    path("queue/log/", intake.find_child, name="staff-log-find-child"),
    path("queue/log/children/<int:child_id>/", intake.log_for_child, name="staff-log-for-child"),
    path("queue/cases/<int:pk>/", case.case_detail, name="staff-case"),
    path("queue/cases/<int:pk>/handover/", case.handover, name="staff-handover"),
    path("officers/", officers.officers, name="manager-officers"),
    path("officers/<int:pk>/cases/", officers.officer_cases, name="manager-officer-cases"),
    path("officers/<int:pk>/offboard/", officers.offboard, name="manager-offboard"),
    path("officers/<int:pk>/cover/", officers.cover, name="manager-cover"),
    path("officers/<int:pk>/cover/<int:cover_id>/end/", officers.cover_end, name="manager-cover-end"),
]

urlpatterns = shared + family + staff
