"""Rows people edit carry a version that every save raises once, and that is stored with the row."""

import pytest

from incidents.models import TimelineEntry
from postmortems.models import ContributingFactor

pytestmark = pytest.mark.django_db


def stored_version(obj) -> int:
    return type(obj)._base_manager.values_list("version", flat=True).get(pk=obj.pk)


def test_a_new_row_starts_at_one_and_each_save_raises_it_once(factor):
    assert stored_version(factor) == 1
    factor.description = "Nothing compared the pool size with the database limit."
    factor.save()
    assert factor.version == stored_version(factor) == 2


def test_a_save_of_some_fields_stores_the_raised_version_too(entry):
    entry.text = "The error-rate alert fired for checkout, twice."
    entry.save(update_fields=["text"])
    assert entry.version == stored_version(entry) == 2
    assert TimelineEntry.objects.get(pk=entry.pk).text.endswith("twice.")


def test_soft_delete_and_restore_are_saves_like_any_other(factor, engineer):
    factor.soft_delete(by=engineer)
    factor.restore(by=engineer)
    assert stored_version(ContributingFactor.all_objects.get(pk=factor.pk)) == 3
