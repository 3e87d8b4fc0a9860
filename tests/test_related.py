"""The related-reading scorer (link/related.py), on synthetic features: rarity, ties, pins,
`related: false`, the cap on common features, and the reasons in words for every kind."""

from __future__ import annotations

from site_builder.link.related import Pick, Piece, pick_related, reason


def piece(key: str, **features: tuple[str, ...] | str) -> Piece:
    return Piece(key, {k: (v,) if isinstance(v, str) else v for k, v in features.items()})


def keys(picks: tuple[Pick, ...]) -> list[str]:
    return [p.key for p in picks]


# a small archive, newest first: "common" is in most pieces, "rare" in two
ARCHIVE = [
    piece("a", concept=("rare", "common")),
    piece("b", concept=("common",)),
    piece("c", concept=("common",)),
    piece("d", concept=("rare",)),
    piece("e", concept=("common", "other")),
    piece("f", concept=("other",)),
]


def test_a_rare_shared_concept_counts_more_than_a_common_one():
    chosen = pick_related(ARCHIVE)
    # a shares "rare" with d only, and "common" with b, c and e: d comes first
    assert keys(chosen["a"]) == ["d", "b", "c"]
    assert chosen["a"][0].shared == (("concept", ("rare",)),)


def test_equal_scores_keep_the_order_given_newest_first():
    chosen = pick_related(ARCHIVE)
    assert keys(chosen["b"]) == ["a", "c", "e"]
    assert keys(chosen["c"]) == ["a", "b", "e"]


def test_the_same_features_give_the_same_picks_whatever_their_order_in_a_piece():
    shuffled = [Piece(p.key, {k: v[::-1] for k, v in p.features.items()}) for p in ARCHIVE]
    assert pick_related(shuffled) == pick_related(ARCHIVE)


def test_a_piece_sharing_nothing_has_no_related_reading():
    chosen = pick_related([*ARCHIVE, piece("g", concept="alone")])
    assert chosen["g"] == ()
    assert "g" not in keys(chosen["a"])


def test_a_feature_every_piece_has_weighs_nothing():
    chosen = pick_related([piece("a", tag="essay"), piece("b", tag="essay")])
    assert chosen == {"a": (), "b": ()}


def test_related_false_turns_a_piece_off_but_others_still_pick_it():
    chosen = pick_related(ARCHIVE, off=frozenset({"d"}))
    assert "d" not in chosen
    assert keys(chosen["a"])[0] == "d"


def test_pinned_pieces_come_first_in_the_authors_order_then_the_best_fill_up():
    chosen = pick_related(ARCHIVE, pins={"a": ("f", "e", "f", "a")})
    # duplicates and the piece itself are dropped; f shares nothing and is there all the same
    assert [(p.key, p.pinned) for p in chosen["a"]] == [("f", True), ("e", True), ("d", False)]
    assert chosen["a"][0].shared == ()
    assert chosen["a"][1].shared == (("concept", ("common",)),)


def test_what_a_page_links_to_already_is_not_picked_unless_pinned():
    chosen = pick_related(ARCHIVE, pins={"b": ("a",)}, linked={"a": ("d",), "b": ("a",)})
    assert keys(chosen["a"]) == ["b", "c", "e"]
    assert keys(chosen["b"]) == ["a", "c", "e"]


def test_more_pins_than_the_count_are_all_shown():
    chosen = pick_related(ARCHIVE, pins={"a": ("b", "c", "e", "f")})
    assert keys(chosen["a"]) == ["b", "c", "e", "f"]


def test_kinds_weigh_differently_and_reasons_list_them_in_a_fixed_order():
    pieces = [
        piece("a", concept="x", tag="t", person="ines", series="war"),
        piece("b", concept="x"),
        piece("c", person="ines"),
        piece("d", series="war"),
        piece("e", concept="y", tag="u", person="someone", series="other"),
        piece("f", concept="y", tag="u", person="someone", series="other"),
    ]
    chosen = pick_related(pieces)
    # of features as rare, a series (3) beats a person (1.5) beats a concept (1)
    assert keys(chosen["a"]) == ["d", "c", "b"]
    assert chosen["e"][0].shared == (
        ("series", ("other",)),
        ("person", ("someone",)),
        ("concept", ("y",)),
        ("tag", ("u",)),
    )


def test_the_reasons_in_words_for_every_kind():
    names = {
        "series/ending-the-war": "Ending the war",
        "person/ines": "Dr. Ines Carvalho",
        "concept/ripeness": "ripeness",
        "concept/security-guarantees": "security guarantees",
        "tag/history": "history",
    }
    shared = (
        ("series", ("ending-the-war",)),
        ("person", ("ines",)),
        ("concept", ("ripeness", "security-guarantees")),
        ("tag", ("history",)),
    )
    assert reason(shared, names) == (
        "also in <em>Ending the war</em>, with Dr. Ines Carvalho, on ripeness and security"
        " guarantees, tagged history"
    )
    assert reason((("person", ("ines",)),), names) == "also with Dr. Ines Carvalho"
    assert reason((), names) == ""


def test_a_reason_names_three_and_counts_the_rest_but_never_one_more():
    four = (("concept", ("a", "b", "c", "d")),)
    five = (("concept", ("a", "b", "c", "d", "e")),)
    assert reason(four, {}) == "also on a, b, c and d"
    assert reason(five, {}) == "also on a, b, c and 2 more"


def test_names_in_reasons_are_escaped():
    shared = (("series", ("s",)), ("tag", ("t",)))
    said = reason(shared, {"series/s": "War <b>& peace", "tag/t": "<script>"})
    assert said == "also in <em>War &lt;b&gt;&amp; peace</em>, tagged &lt;script&gt;"


def test_a_feature_most_pieces_have_counts_only_for_the_pieces_nearest_in_time():
    # "t" is in every piece but one (so it weighs a little), "x" in three of them
    pieces = [piece(f"p{i}", tag="t") for i in range(10)] + [piece("lone")]
    pieces[0] = piece("p0", tag="t", concept="x")
    pieces[9] = piece("p9", tag="t", concept="x")
    pieces[5] = piece("p5", tag="t", concept="x")
    chosen = pick_related(pieces, nominees=3)
    # x is rare enough to count for all who have it; t counts for p5's neighbours only
    assert keys(chosen["p5"]) == ["p0", "p9", "p4"]
    assert chosen["p5"][0].shared == (("concept", ("x",)), ("tag", ("t",)))
    assert keys(chosen["p2"]) == ["p1", "p3"]
    assert keys(chosen["p0"]) == ["p5", "p9", "p1"]  # at the start, the window is the first
