"""Debrief's domain: debrief conversations, their records, the playbook and the drafts. Nothing here knows HTTP."""
