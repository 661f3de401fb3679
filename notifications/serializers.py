"""What the inbox API reads and writes. Input and output are separate classes."""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers

from .models import uk_mobile_number_validator


class NotificationOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    subject = serializers.CharField()
    body = serializers.CharField()
    link = serializers.CharField(help_text="A path on this site, for example /cases/12/.")
    read = serializers.SerializerMethodField()

    def get_read(self, notification) -> bool:
        return notification.read_at is not None


class MarkedReadOutputSerializer(serializers.Serializer):
    marked_read = serializers.IntegerField(help_text="How many messages were unread and are now read.")


class PreferencesOutputSerializer(serializers.Serializer):
    email_enabled = serializers.BooleanField()
    daily_digest = serializers.BooleanField()
    mobile_number = serializers.CharField()


class PreferencesInputSerializer(serializers.Serializer):
    email_enabled = serializers.BooleanField(required=False, help_text="Emails as well as the inbox.")
    daily_digest = serializers.BooleanField(
        required=False, help_text=(
            "Collect the morning's reminder emails into one email at 09:05 on weekdays. "
            "A reminder later in the day is emailed at once."
        ),
    )
    mobile_number = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=20,
        help_text="A UK mobile number for text messages; blank for none. Spaces are allowed.",
    )

    def validate_mobile_number(self, value):
        number = "".join(value.split())
        if number:
            try:
                uk_mobile_number_validator(number)
            except DjangoValidationError as exc:
                raise serializers.ValidationError(exc.messages) from exc
        return number
