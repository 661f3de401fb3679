"""The context the casework app passes with each template key: every value a string."""

REFERENCE = "SEND-2026-000123"
LINK = "/cases/123/"
# Templates about many cases at once, or about provision rather than a case: no one case reference.
MANY_CASE_TEMPLATES = {
    "officer_cases_handed_over",
    "admin_case_files_altered",
    "family_cover_arranged",
    "family_cases_new_officers",
    "officer_covering",
    "officer_cover_arranged",
    "provision_ending",
    "officer_provision_ending",
}
PROVISION_ENDING = {
    "child_name": "Alex Example",
    "description": "Early years outreach",
    "ends_on": "Friday 18 December 2026",
    "officer_name": "Sam Officer",
}
# Templates about a child's statutory process rather than a case, so with no case reference.
STATUTORY_TEMPLATES = {
    "statutory_exception", "officer_statutory_reminder", "statutory_file_shared", "officer_statutory_family_file"
}

CONTEXTS = {
    "provision_ending": PROVISION_ENDING,
    "officer_provision_ending": PROVISION_ENDING,
    "statutory_date_missed": {
        "reference": REFERENCE,
        "child_name": "Alex Example",
        "step": "Decide whether to carry out an assessment, and tell you",
        "due": "Friday 29 January 2027",
        "regulation": "SEND Regulations 2014, regulation 5(1)",
        "officer_name": "Sam Officer",
    },
    "statutory_exception": {
        "child_name": "Alex Example",
        "step": "Send you the final plan",
        "due": "Friday 7 May 2027",
        "regulation": "SEND Regulations 2014, regulation 13(3)(c)",
        "ground": "exceptional personal circumstances affected the child or young person, or their family",
        "reason": "Alex was in hospital for five weeks.",
    },
    "officer_statutory_reminder": {
        "child_name": "Alex Example",
        "step": "Send you the final plan",
        "regulation": "SEND Regulations 2014, regulation 13(2)",
        "due": "Friday 7 May 2027",
        "when": "in 5 working days",
    },
    "case_logged": {
        "reference": REFERENCE,
        "child_name": "Alex Example",
        "summary": "Speech and language therapy not delivered since September",
        "officer_name": "Sam Officer",
        "acknowledge_due": "25 November 2026",
        "respond_due": "7 December 2026",
        "resolve_due": "21 December 2026",
    },
    "case_acknowledged": {
        "reference": REFERENCE,
        "child_name": "Alex Example",
        "officer_name": "Sam Officer",
        "respond_due": "7 December 2026",
    },
    "case_message": {"reference": REFERENCE, "officer_name": "Sam Officer", "text": "The therapist starts on Monday."},
    "case_awaiting_parent": {
        "reference": REFERENCE,
        "officer_name": "Sam Officer",
        "note": "Please send us the letter from the school.",
    },
    "case_resolved": {
        "reference": REFERENCE,
        "officer_name": "Sam Officer",
        "outcome": "Therapy restarted and missed sessions made up.",
        "reopen_until": "21 January 2027",
    },
    "case_new_officer": {
        "reference": REFERENCE,
        "officer_name": "Jo Successor",
        "previous_officer_name": "Sam Officer",
        "note": "Waiting for the provider to confirm dates.",
    },
    "case_extended": {
        "reference": REFERENCE,
        "resolve_due": "11 January 2027",
        "reason": "The new provider needs two more weeks.",
    },
    "case_was_it_fixed": {"reference": REFERENCE, "summary": "Speech and language therapy not delivered"},
    "officer_case_assigned": {
        "reference": REFERENCE,
        "child_name": "Alex Example",
        "category": "EHCP provision not delivered",
        "summary": "Speech and language therapy not delivered since September",
        "acknowledge_due": "25 November 2026",
        "safeguarding": "yes",
    },
    "officer_reminder": {"reference": REFERENCE, "clock": "acknowledge", "due": "25 November 2026 at 5pm"},
    "officer_case_handed_over": {
        "reference": REFERENCE,
        "previous_officer_name": "Sam Officer",
        "note": "Waiting for the provider to confirm dates.",
    },
    "officer_cases_handed_over": {
        "case_count": "250",
        "previous_officer_name": "Sam Officer",
        "note": "Waiting for the provider to confirm dates on several cases.",
        "up_the_ladder": "",
    },
    "officer_family_replied": {"reference": REFERENCE, "text": "Thank you, Monday suits us."},
    "family_cover_arranged": {
        "officer_name": "Sam Officer",
        "cover_officer_name": "Jo Colleague",
        "starts": "",
        "ends": "5pm on Friday 27 November 2026",
        "references": f"{REFERENCE}\nSEND-2026-000124",
    },
    "family_cases_new_officers": {
        "case_count": "2",
        "cases": f"{REFERENCE}: Jo Colleague, taking over from Sam Officer\nSEND-2026-000124: Jo Colleague, taking over from Sam Officer",
    },
    "officer_covering": {
        "officer_name": "Sam Officer",
        "starts": "9am on Wednesday 25 November 2026",
        "ends": "5pm on Friday 27 November 2026",
        "case_count": "12",
    },
    "officer_cover_arranged": {
        "cover_officer_name": "Jo Colleague",
        "starts": "",
        "ends": "5pm on Friday 27 November 2026",
        "case_count": "12",
    },
    "manager_escalation": {
        "reference": REFERENCE,
        "clock": "respond",
        "late_by": "2 working days",
        "officer_name": "Sam Officer",
        "level": "1",
    },
    "manager_safeguarding_alert": {
        "reference": REFERENCE,
        "child_name": "Alex Example",
        "summary": "Driver has no DBS check",
        "officer_name": "Sam Officer",
    },
    "manager_chased": {"reference": REFERENCE, "note": "Nobody has called us back.", "officer_name": "Sam Officer"},
    "manager_orphan_rerouted": {
        "reference": REFERENCE,
        "officer_name": "Sam Officer",
        "previous_officer_name": "Lee Leaver",
    },
    "manager_case_fallback": {
        "reference": REFERENCE,
        "role": "head of service",
        "reason": "nobody in SEND North can take it: the team has no active case officer and no active manager",
        "fix": "add an active officer or manager to SEND North",
    },
    "case_file_shared": {"reference": REFERENCE, "officer_name": "Sam Officer", "file_name": "Plan draft.pdf"},
    "statutory_file_shared": {
        "child_name": "Alex Example",
        "process": "Annual review",
        "officer_name": "Sam Officer",
        "file_name": "Draft plan.pdf",
    },
    "officer_statutory_family_file": {
        "child_name": "Alex Example",
        "process": "Annual review",
        "file_name": "Our comments.pdf",
        "description": "Our comments on the draft plan",
    },
    "officer_family_added_file": {
        "reference": REFERENCE,
        "file_name": "School report.pdf",
        "description": "The report you asked for",
    },
    "admin_case_files_altered": {
        "break_count": 2,
        "case_count": 1,
        "breaks": f"- {REFERENCE}: timeline event 42 changed: its content no longer matches its hash",
        "checked_at": "2:30am on Tuesday 8 December 2026",
    },
}
