"""One helper shows a domain error on the form field it concerns, the same way on every page."""
from __future__ import annotations

from wtforms import Form, StringField

from benchclub.errors import DomainError
from benchclub.web import show_error


class _Form(Form):
    title = StringField()
    notes = StringField()


def test_a_domain_error_lands_on_its_field_else_the_default_else_on_top_of_the_form():
    form = _Form()
    show_error(form, DomainError("Title taken.", field="title"), default="notes")
    show_error(form, DomainError("Period closed.", field="period"), default="notes")
    show_error(form, DomainError("Something else."))
    assert list(form.title.errors) == ["Title taken."]
    assert list(form.notes.errors) == ["Period closed."]
    assert form.form_errors == ["Something else."]
