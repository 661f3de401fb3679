"""The accounts' pages: signing in and out, forgotten password, the legal pages, two-factor sign-in, joining by
invitation, a family's contact details."""

from django.contrib.auth import views as auth_views
from django.urls import path
from django.views.generic import TemplateView

from ..sign_on import FAMILIES, STAFF, SignOnCallback, SignOnStart
from . import contact_details, invitations, passwords, session, two_factor

signing_in = [
    path("sign-in/", session.SignInView.as_view(), name="sign-in"),
    path("sign-out/", auth_views.LogoutView.as_view(), name="sign-out"),
    path("session/keep-alive/", session.session_keep_alive, name="session-keep-alive"),
    path("password-reset/", passwords.PasswordResetView.as_view(), name="password-reset"),
    path("password-reset/sent/", passwords.PasswordResetSentView.as_view(), name="password-reset-sent"),
    path("password-reset/done/", passwords.PasswordResetDoneView.as_view(), name="password-reset-done"),
    path(
        "password-reset/<uidb64>/<token>/",
        passwords.PasswordResetConfirmView.as_view(),
        name="password-reset-confirm",
    ),
    path("sign-on/families/", SignOnStart.as_view(audience=FAMILIES), name="sign-on-families"),
    path("sign-on/families/callback/", SignOnCallback.as_view(audience=FAMILIES), name="sign-on-families-callback"),
    path("sign-on/staff/", SignOnStart.as_view(audience=STAFF), name="sign-on-staff"),
    path("sign-on/staff/callback/", SignOnCallback.as_view(audience=STAFF), name="sign-on-staff-callback"),
    path("sign-on/refused/", session.sign_on_refused, name="sign-on-refused"),
    path("two-factor/", two_factor.verify, name="two-factor"),
    path("two-factor/set-up/", two_factor.set_up, name="two-factor-set-up"),
    path("two-factor/backup-codes/", two_factor.backup_codes, name="two-factor-backup-codes"),
]

legal = [
    path("accessibility/", TemplateView.as_view(template_name="accounts/legal/accessibility.html"), name="accessibility"),
    path("privacy/", TemplateView.as_view(template_name="accounts/legal/privacy.html"), name="privacy"),
    path("cookies/", TemplateView.as_view(template_name="accounts/legal/cookies.html"), name="cookies"),
]

families = [
    path("join/", invitations.join, name="join"),
    path("join/<str:code>/", invitations.join_accept, name="join-accept"),
    path("contact-details/", contact_details.contact_details, name="contact-details"),
]

staff = [
    path("staff/children/<int:pk>/people/", invitations.child_people, name="child-people"),
    path("staff/children/<int:pk>/invite/", invitations.child_invite, name="child-invite"),
    path("staff/invitations/<int:pk>/letter/", invitations.invitation_letter, name="invitation-letter"),
    path("staff/invitations/<int:pk>/withdraw/", invitations.invitation_withdraw, name="invitation-withdraw"),
]

urlpatterns = signing_in + legal + families + staff
