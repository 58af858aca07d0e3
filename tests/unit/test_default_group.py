"""The peer group a benchmark page shows when none (or one not offered) is asked for: the club when the
release audit offers it, else the first group it offers, so the page and its picker always agree."""
from benchclub.benchmarks.dashboard import default_group

OFFERED_ALL = [("all", "Whole club"), ("country:ZA", "Country: ZA")]
WITHOUT_ALL = [("country:ZA", "Country: ZA"), ("size:small", "Size: small")]


def test_an_offered_request_is_kept():
    assert default_group("country:ZA", OFFERED_ALL) == "country:ZA"
    assert default_group("size:small", WITHOUT_ALL) == "size:small"


def test_no_request_or_one_not_offered_falls_back_to_the_club_when_offered():
    assert default_group(None, OFFERED_ALL) == "all"
    assert default_group("sector:nope", OFFERED_ALL) == "all"


def test_when_the_club_is_not_offered_the_first_offered_group_is_shown():
    # a governor whose consenting suppliers leave fewer than 5 unknown firms beside some group: the
    # club's statistics are withheld for it, so the picker starts elsewhere and the page follows it
    assert default_group(None, WITHOUT_ALL) == "country:ZA"
    assert default_group("all", WITHOUT_ALL) == "country:ZA"
