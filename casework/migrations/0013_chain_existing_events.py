"""Link the timeline events written before the hash chain existed, case by case, oldest first.

The content hashed is `CaseEvent.chain_content` as it stood when this migration was written; it is
spelled out here so that a later change to the model cannot change what this migration did.
"""

from django.db import migrations

from casework.models.chain import GENESIS, content_digest, linked

CASES_A_BATCH = 500


def chain_existing_events(apps, schema_editor):
    Case = apps.get_model("casework", "Case")
    CaseEvent = apps.get_model("casework", "CaseEvent")
    CaseChain = apps.get_model("casework", "CaseChain")
    case_ids = list(Case.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(case_ids), CASES_A_BATCH):
        batch = case_ids[start:start + CASES_A_BATCH]
        ends = {}
        linked_events = []
        for event in CaseEvent.objects.filter(case_id__in=batch, chain_seq__isnull=True).order_by("case_id", "at", "id"):
            length, head = ends.get(event.case_id, (0, GENESIS))
            digest = content_digest({
                "record": "casework.caseevent",
                "case": event.case_id,
                "at": event.at,
                "kind": event.kind,
                "actor": event.actor_id,
                "text": event.text,
                "internal": event.internal,
                "message": event.message_id,
                "data": event.data,
            })
            event.chain_seq, event.chain_prev, event.chain_hash = length + 1, head, linked(head, digest)
            ends[event.case_id] = (event.chain_seq, event.chain_hash)
            linked_events.append(event)
        CaseEvent.objects.bulk_update(linked_events, ["chain_seq", "chain_prev", "chain_hash"], batch_size=1000)
        CaseChain.objects.bulk_create(
            [CaseChain(case_id=case_id, length=length, head=head) for case_id, (length, head) in ends.items()]
        )


class Migration(migrations.Migration):
    dependencies = [("casework", "0012_case_hash_chain")]

    operations = [migrations.RunPython(chain_existing_events, migrations.RunPython.noop)]
