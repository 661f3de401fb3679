"""The accounts' pages: forgotten password, the legal pages, two-factor sign-in, joining by invitation."""

from django.urls import path
from django.views.generic import TemplateView

from . import views, views_contact_details, views_invitations, views_two_factor

urlpatterns = [
    path("password-reset/", views.PasswordResetView.as_view(), name="password-reset"),
    path("password-reset/sent/", views.PasswordResetSentView.as_view(), name="password-reset-sent"),
    path("password-reset/done/", views.PasswordResetDoneView.as_view(), name="password-reset-done"),
    path(
        "password-reset/<uidb64>/<token>/", views.PasswordResetConfirmView.as_view(), name="password-reset-confirm"
    ),
    path("accessibility/", TemplateView.as_view(template_name="accounts/legal/accessibility.html"), name="accessibility"),
    path("privacy/", TemplateView.as_view(template_name="accounts/legal/privacy.html"), name="privacy"),
    path("cookies/", TemplateView.as_view(template_name="accounts/legal/cookies.html"), name="cookies"),
]

urlpatterns += [
    path("two-factor/", views_two_factor.verify, name="two-factor"),
    path("two-factor/set-up/", views_two_factor.set_up, name="two-factor-set-up"),
    path("two-factor/backup-codes/", views_two_factor.backup_codes, name="two-factor-backup-codes"),
]

urlpatterns += [
    path("join/", views_invitations.join, name="join"),
    path("join/<str:code>/", views_invitations.join_accept, name="join-accept"),
    path("staff/children/<int:pk>/people/", views_invitations.child_people, name="child-people"),
    path("staff/children/<int:pk>/invite/", views_invitations.child_invite, name="child-invite"),
    path("staff/invitations/<int:pk>/withdraw/", views_invitations.invitation_withdraw, name="invitation-withdraw"),
]

urlpatterns += [
    path("contact-details/", views_contact_details.contact_details, name="contact-details"),
    path("session/keep-alive/", views.session_keep_alive, name="session-keep-alive"),
]
