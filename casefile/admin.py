"""Administrators look at evidence records, copies taken and the nightly checks; nothing here changes them.

Every one of these is written only by the services (attachments are hash-chained: a change made here would
be reported by the nightly check as tampering), so the admin is read-only throughout.
"""

from django.contrib import admin

from casework.admin.shared import ReadOnlyMixin

from .models import (
    Attachment,
    CaseFileExport,
    ChainDigest,
    ChainSeal,
    ProcessAttachment,
    ProcessChainSeal,
    ProcessFileDownload,
)


@admin.register(Attachment)
class AttachmentAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["uploaded_at", "case", "name", "content_type", "size", "staff_only", "virus_scanned", "uploaded_by"]
    list_select_related = ["case", "uploaded_by"]
    list_filter = ["staff_only", "virus_scanned", "content_type"]
    search_fields = ["case__reference", "name", "sha256"]
    exclude = ["stored_as"]


@admin.register(ProcessAttachment)
class ProcessAttachmentAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["uploaded_at", "process", "name", "step", "decision", "staff_only", "virus_scanned", "uploaded_by"]
    list_select_related = ["process__child", "step", "decision", "uploaded_by"]
    list_filter = ["staff_only", "virus_scanned", "content_type"]
    search_fields = ["name", "sha256"]
    exclude = ["stored_as"]


@admin.register(ProcessFileDownload)
class ProcessFileDownloadAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["at", "user", "attachment"]
    list_select_related = ["user", "attachment"]


@admin.register(CaseFileExport)
class CaseFileExportAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["at", "requested_by", "kind", "version", "case", "family"]
    list_select_related = ["case", "family", "requested_by"]
    list_filter = ["kind", "version"]
    search_fields = ["case__reference", "family__name", "requested_by__username"]


@admin.register(ChainDigest)
class ChainDigestAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["made_at", "finished_at", "cases", "processes", "breaks", "digest"]


@admin.register(ChainSeal)
class ChainSealAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["case", "length", "head", "sealed_at"]
    list_select_related = ["case"]
    search_fields = ["case__reference"]


@admin.register(ProcessChainSeal)
class ProcessChainSealAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["process", "length", "head", "sealed_at"]
    list_select_related = ["process__child"]
