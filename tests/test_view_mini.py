"""The visibility rule on the tiny fixture pack (fast, and with 'Canary' tokens)."""
from runaway_companion.progress import Position
from runaway_companion.view import View, changes


def view(pack, text):
    return View(pack, Position.parse(text))


def test_nothing_is_visible_before_the_show_starts(mini_pack):
    v = view(mini_pack, "1:start")
    assert v.characters == () and v.relationships == () and v.threads == ()
    assert [e.title for e in v.episodes] == [None, None, None]
    assert all(e.recap == () for e in v.episodes)


def test_episode_title_appears_only_once_the_episode_is_started(mini_pack):
    assert view(mini_pack, "2:start").episode(2).title is None
    assert view(mini_pack, "2:start").episode(2).label == "Episode 2 (title not known)"
    assert view(mini_pack, "2:early").episode(2).title == "Canary Ep2 Title"


def test_name_as_known_then_and_old_name_becomes_alias(mini_pack):
    early = view(mini_pack, "2:early").character("stranger")
    assert early.name == "The Stranger" and early.aliases == ()
    mid = view(mini_pack, "2:mid").character("stranger")
    assert mid.name == "Zed Quill" and mid.aliases == ("The Stranger",)
    assert "Papa Canary" not in view(mini_pack, "3:mid").character("stranger").aliases
    assert "Papa Canary" in view(mini_pack, "3:late").character("stranger").aliases


def test_role_is_replaced_not_accumulated(mini_pack):
    assert view(mini_pack, "3:mid").character("stranger").role == "A helpful drifter"
    assert view(mini_pack, "3:late").character("stranger").role == "Bob's secret father"


def test_relationship_exists_only_from_its_first_stage(mini_pack):
    assert [r.id for r in view(mini_pack, "3:mid").relationships] == ["alice-bob"]
    assert {r.id for r in view(mini_pack, "3:late").relationships} == {"alice-bob", "stranger-bob"}


def test_thread_resolution_is_dated(mini_pack):
    assert view(mini_pack, "3:late").thread("where-is-bob").status == "open"
    assert view(mini_pack, "3:end").thread("where-is-bob").status == "resolved"


def test_hidden_alias_finds_the_same_nothing_as_a_name_that_never_existed(mini_pack):
    v = view(mini_pack, "3:mid")
    assert v.find_characters("papa canary") == v.find_characters("nobody at all") == []
    assert [c.id for c in view(mini_pack, "3:late").find_characters("papa canary")] == ["stranger"]


def test_search_entries_only_hold_visible_text(mini_pack):
    texts = {t for _, _, t in view(mini_pack, "2:early").search_entries()}
    assert "The Stranger" in texts and "Zed Quill" not in texts and "Papa Canary" not in texts


def test_changes_list_exactly_what_became_visible(mini_pack):
    got = changes(mini_pack, Position(3, "mid"), Position(3, "late"))
    kinds = sorted((c.kind, c.text) for c in got)
    assert ("alias", "Papa Canary") in kinds
    assert ("role", "Bob's secret father") in kinds
    assert ("relationship", "Canary father and son") in kinds
    assert all(c.at == Position(3, "late") for c in got)
    assert changes(mini_pack, Position(3, "late"), Position(3, "mid")) == []
