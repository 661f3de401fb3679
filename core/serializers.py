"""Serializer fields every app's API shares."""

from rest_framework import serializers


class Text(serializers.CharField):
    """Free text kept exactly as sent (no trimming), but never only spaces."""

    def __init__(self, **kwargs):
        kwargs.setdefault("trim_whitespace", False)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        if value and not value.strip():
            if not self.allow_blank:
                self.fail("blank")
            # An optional note of only spaces is no note, so the service writes its own words for the family.
            return ""
        return value
