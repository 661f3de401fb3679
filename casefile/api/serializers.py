"""Input and output shapes of the evidence API (API.md "Evidence and the case file"). Thin: rules live in services."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from casework.labels import name_shown_to


class StoredFileInput(serializers.Serializer):
    file = serializers.FileField(allow_empty_file=True, help_text="The file itself (multipart).")
    description = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    staff_only = serializers.BooleanField(required=False, default=False, help_text="Staff only: keep it from the family.")


class AttachmentInput(StoredFileInput):
    message = serializers.IntegerField(
        min_value=1, required=False, allow_null=True, default=None, help_text="A message on this case to attach it to."
    )


class ProcessAttachmentInput(StoredFileInput):
    step = serializers.IntegerField(
        min_value=1, required=False, allow_null=True, default=None, help_text="A step of this process it is about."
    )
    decision = serializers.IntegerField(
        min_value=1, required=False, allow_null=True, default=None,
        help_text="A decision of this process it is about (the coordinator or their manager only).",
    )


class PersonOutput(serializers.Serializer):
    display_name = serializers.CharField()


class StoredFileOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    description = serializers.CharField()
    size = serializers.IntegerField(help_text="Bytes.")
    content_type = serializers.CharField()
    sha256 = serializers.CharField()
    uploaded_by = serializers.SerializerMethodField()
    uploaded_at = serializers.DateTimeField()
    staff_only = serializers.BooleanField()
    virus_scanned = serializers.BooleanField()
    download = serializers.SerializerMethodField()

    @extend_schema_field(PersonOutput)
    def get_uploaded_by(self, attachment) -> dict:
        return {"display_name": name_shown_to(self.context["request"].user, attachment.uploaded_by)}


class AttachmentOutput(StoredFileOutput):
    message = serializers.IntegerField(source="message_id", allow_null=True)

    def get_download(self, attachment) -> str:
        return f"/api/attachments/{attachment.pk}/download/"


class ProcessAttachmentOutput(StoredFileOutput):
    step = serializers.IntegerField(source="step_id", allow_null=True)
    decision = serializers.IntegerField(source="decision_id", allow_null=True)

    def get_download(self, attachment) -> str:
        return f"/api/statutory/attachments/{attachment.pk}/download/"


class BrokenRecordOutput(serializers.Serializer):
    record = serializers.CharField(help_text='What the record is, e.g. "timeline event 42".')
    problem = serializers.ChoiceField(choices=["changed", "removed", "inserted", "rewritten"])
    detail = serializers.CharField()


class VerifyOutput(serializers.Serializer):
    intact = serializers.BooleanField()
    records = serializers.IntegerField()
    head = serializers.CharField(help_text="The hash of the chain's latest record.")
    broken = BrokenRecordOutput(allow_null=True, help_text="The first broken record; null when intact.")
    breaks = BrokenRecordOutput(many=True)
