"""Mails in tests: they are queued in the action's transaction and sent after its commit
(kooperationsatlas.mail); a test runs inside one transaction that never commits."""

from django.test import TestCase


def committed():
    """Run what the block leaves for after the commit (the queued mails' tasks) at its end,
    as the commit of a real request or command does."""
    return TestCase.captureOnCommitCallbacks(execute=True)
