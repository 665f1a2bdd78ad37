"""Rows' addresses from a pattern reversed once are the addresses ``reverse`` gives."""

import pytest
from django.urls import NoReverseMatch, reverse, set_script_prefix

from web.links import link


@pytest.mark.parametrize(
    ("name", "args"),
    [("review_detail", [42]), ("review_perspective", [7]), ("team_detail", ["payments"]), ("home", [])],
)
def test_a_link_is_the_reversed_address(name, args):
    assert link(name, *args) == reverse(name, args=args)


def test_a_link_follows_the_script_prefix():
    set_script_prefix("/postmortems/")
    try:
        assert link("incident_detail", 3) == "/postmortems/incidents/3/" == reverse("incident_detail", args=[3])
    finally:
        set_script_prefix("/")
    assert link("incident_detail", 3) == "/incidents/3/"


def test_a_value_no_pattern_takes_is_refused_as_reverse_refuses_it():
    with pytest.raises(NoReverseMatch):
        link("team_detail", "two words")


def test_the_link_tag_writes_what_the_url_tag_writes():
    from django.template import Context, Template

    page = Template(
        "{% load links %}{% link 'review_detail' 42 %}|{% url 'review_detail' 42 %}|"
        "{% link 'no_such_page' as missing %}[{{ missing }}]{% link 'team_detail' slug as team %}{{ team }}"
    ).render(Context({"slug": "payments"}))
    assert page == "/reviews/42/|/reviews/42/|[]/teams/payments/"
    with pytest.raises(NoReverseMatch):
        Template("{% load links %}{% link 'no_such_page' %}").render(Context())
