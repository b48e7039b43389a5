"""Editors' work: cutting and publishing volumes, review reminders, and new skeleton records."""
